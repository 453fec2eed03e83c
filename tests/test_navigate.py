"""The navigation state machine, driven by plain key lists (no terminal, no rendering)."""

from __future__ import annotations

import pytest

from bpwalk.read.builtin import resolve
from bpwalk.walk.frames import Frame, normalize
from bpwalk.walk.styles import frames_for
from bpwalk.walk.navigate import EXIT_INTERRUPT, NavState, Navigator, section_start, starts_section, transition
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run


@pytest.fixture(scope="module")
def mazur() -> tuple[Frame, ...]:
    """Mazur's 60 frames: 1 intro, 2-9 forward, 10-12 loss, 13-38 backward, 39-48 update,
    49-56 the final forward pass, 57-59 its loss, 60 summary."""
    return frames_for(run(load_scenario(resolve("mazur"))), "scalar")


def frame(index: int, phase: str, iteration: int | None = 1, sample: int | None = 1, *terms: str) -> Frame:
    return Frame(index, phase, iteration, sample, (index,), f"f{index}", frozenset(normalize(t) for t in terms))


def press(nav: Navigator, *keys: str) -> NavState:
    for key in keys:
        nav.handle(key)
    return nav.state


def number(state: NavState) -> int:
    """The 1-based step shown, as the status line says it."""
    return state.index + 1


# -- moving ------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["right", "down", " ", "enter", "l", "j"])
def test_next_keys(mazur, key: str) -> None:
    assert number(press(Navigator(mazur), key)) == 2


@pytest.mark.parametrize("key", ["left", "up", "backspace", "p", "h", "k"])
def test_back_keys(mazur, key: str) -> None:
    assert number(press(Navigator(mazur, start=9), key)) == 9


@pytest.mark.parametrize(("keys", "expected"), [(["G"], 60), (["end"], 60), (["G", "g"], 1), (["G", "home"], 1)])
def test_first_and_last(mazur, keys: list[str], expected: int) -> None:
    assert number(press(Navigator(mazur, start=20), *keys)) == expected


def test_ends_stop_with_a_message(mazur) -> None:
    nav = Navigator(mazur)
    state = press(nav, "left")
    assert number(state) == 1 and state.message == "first step"
    state = press(nav, "G", "right")
    assert number(state) == 60 and state.message == "last step"
    assert press(nav, "left").message == ""          # a message lasts one keypress


def test_start_is_clamped_and_empty_frames_are_refused(mazur) -> None:
    assert Navigator(mazur, start=500).state.index == 59
    assert Navigator(mazur, start=-3).state.index == 0
    with pytest.raises(ValueError):
        Navigator(())


def test_transition_is_pure(mazur) -> None:
    before = NavState(index=4)
    after = transition(mazur, before, "right")
    assert before.index == 4 and after.index == 5


# -- jumping to a number -------------------------------------------------------------------

def test_typing_a_number_shows_it_then_enter_jumps(mazur) -> None:
    nav = Navigator(mazur)
    state = press(nav, "1", "2")
    assert state.mode == "number" and state.buffer == "12" and number(state) == 1
    state = press(nav, "enter")
    assert state.mode == "normal" and state.buffer == "" and number(state) == 12


def test_number_backspace_and_escape(mazur) -> None:
    nav = Navigator(mazur)
    state = press(nav, "4", "2", "backspace")
    assert state.buffer == "4" and state.mode == "number"
    state = press(nav, "backspace")
    assert state.mode == "normal" and number(state) == 1       # empty: back to normal, nothing moved
    state = press(nav, "3", "esc")
    assert state.mode == "normal" and number(state) == 1 and not state.done   # Esc cancels, does not quit


@pytest.mark.parametrize("typed", ["0", "61", "999"])
def test_out_of_range_number_says_so(mazur, typed: str) -> None:
    state = press(Navigator(mazur, start=4), *typed, "enter")
    assert number(state) == 5 and state.message == "no step " + str(int(typed)) + ": 1–60"


def test_other_key_ends_the_number_and_acts(mazur) -> None:
    state = press(Navigator(mazur), "5", "j")
    assert state.mode == "normal" and state.buffer == "" and number(state) == 2
    assert press(Navigator(mazur), "5", "q").done


# -- searching ------------------------------------------------------------------------------

def test_search_jumps_to_the_next_frame_about_the_name(mazur) -> None:
    nav = Navigator(mazur)
    state = press(nav, "/", "w", "5")
    assert state.mode == "search" and state.buffer == "w5" and number(state) == 1
    state = press(nav, "enter")
    assert number(state) == 16 and "w5" in mazur[state.index].terms and state.search == "w5"
    assert state.message == ""


def test_n_repeats_the_search_and_wraps(mazur) -> None:
    nav = Navigator(mazur)
    press(nav, "/", "w", "5", "enter")
    state = press(nav, "n")
    assert number(state) == 44 and state.message == ""            # new w5
    state = press(nav, "n")
    assert number(state) == 16 and state.message == "wrapped: w5"  # from the end back to the start
    state = press(nav, "N")
    assert number(state) == 44 and state.message == "wrapped: w5"  # backward, wrapping the other way


def test_n_before_a_search_says_there_is_none(mazur) -> None:
    nav = Navigator(mazur, start=1)
    for key in ("n", "N"):
        state = press(nav, key)
        assert number(state) == 2 and state.message.startswith("no search yet: /")
    state = press(nav, "/", "w", "9", "enter")
    assert state.message == "not found: w9" and number(state) == 2 and state.search == ""
    assert press(nav, "n").message.startswith("no search yet")     # a failed search starts none


def test_a_failed_search_keeps_the_active_one(mazur) -> None:
    nav = Navigator(mazur)
    press(nav, "/", "w", "5", "enter", "/", "w", "9", "enter")
    assert nav.state.search == "w5" and number(press(nav, "n")) == 44


def test_esc_ends_the_active_search_then_says_how_to_quit(mazur) -> None:
    nav = Navigator(mazur)
    press(nav, "/", "w", "5", "enter")
    state = press(nav, "esc")
    assert not state.done and state.search == "" and state.message == "search /w5 ended" and number(state) == 16
    assert press(nav, "n").message.startswith("no search yet")
    state = press(nav, "esc")
    assert not state.done and state.message == "Esc closes help and prompts · q quits"


@pytest.mark.parametrize(("query", "expected"), [
    ("out_o1", 7), ("outo1", 7), ("OUT_O1", 7), ("delta", 15), ("δ_o1", 15), ("w₅", 16), ("h1", 2),
    ("E_total", 12), ("b2", 23), ("summary", 60),
])
def test_search_normalizes_the_query(mazur, query: str, expected: int) -> None:
    assert number(press(Navigator(mazur), "/", *query, "enter")) == expected


def test_search_starts_after_the_current_frame(mazur) -> None:
    state = press(Navigator(mazur, start=6), "/", *"out_o1", "enter")   # on out_o1 (7) already
    assert number(state) == 54


def test_only_match_is_the_current_frame(mazur) -> None:
    state = press(Navigator(mazur, start=59), "/", *"summary", "enter")
    assert number(state) == 60 and state.message == "wrapped: summary"


def test_search_is_exact_not_a_prefix(mazur) -> None:
    state = press(Navigator(mazur), "/", *"out_o", "enter")
    assert state.message == "not found: out_o" and number(state) == 1


def test_search_editing_escape_and_empty_enter(mazur) -> None:
    nav = Navigator(mazur)
    state = press(nav, "/", "w", "x", "backspace", "5")
    assert state.buffer == "w5"
    state = press(nav, "right", "esc")               # arrows are ignored while typing; Esc cancels
    assert state.mode == "normal" and number(state) == 1 and not state.done and state.message == ""
    assert press(nav, "/", "backspace").mode == "normal"           # backspace on nothing: leave search
    assert number(press(nav, "/", "enter")) == 1                   # empty and no earlier search: nothing
    press(nav, "/", "w", "5", "enter")
    assert number(press(nav, "/", "enter")) == 44                  # empty: repeat the last search


def test_q_is_text_while_searching(mazur) -> None:
    state = press(Navigator(mazur), "/", "q")
    assert not state.done and state.buffer == "q"


def test_search_on_synthetic_frames() -> None:
    frames = (frame(0, "forward", 1, 1, "a"), frame(1, "forward", 1, 1, "b"), frame(2, "forward", 1, 1, "a"))
    nav = Navigator(frames, start=2)
    assert press(nav, "/", "a", "enter").index == 0 and nav.state.message == "wrapped: a"


# -- phases -----------------------------------------------------------------------------------

def test_next_phase_walks_the_section_starts(mazur) -> None:
    nav = Navigator(mazur)
    seen = [number(press(nav, "]")) for _ in range(8)]
    assert seen == [2, 10, 13, 39, 49, 57, 60, 60]
    assert nav.state.message == "last phase"


def test_previous_phase_goes_to_this_phase_start_first(mazur) -> None:
    nav = Navigator(mazur, start=19)                 # inside the backward pass (13-38)
    assert number(press(nav, "[")) == 13
    assert number(press(nav, "[")) == 10
    assert number(press(nav, "[", "[")) == 1
    assert press(nav, "[").message == "first phase"


def test_sections_split_on_phase_iteration_and_sample() -> None:
    frames = (frame(0, "intro", None, None), frame(1, "forward", 1, 1), frame(2, "forward", 1, 2),
              frame(3, "backward", 1, 1), frame(4, "backward", 1, None), frame(5, "backward", 1, 1),
              frame(6, "backward", 1, 2), frame(7, "forward", 2, 1))
    assert [i for i in range(len(frames)) if starts_section(frames, i)] == [0, 1, 2, 3, 6, 7]
    assert section_start(frames, 5) == 3


# -- help and quitting ------------------------------------------------------------------------

def test_help_opens_and_any_key_closes_it_without_acting(mazur) -> None:
    nav = Navigator(mazur, start=3)
    assert press(nav, "?").mode == "help"
    state = press(nav, "q")
    assert state.mode == "normal" and not state.done and number(state) == 4
    press(nav, "?")
    assert number(press(nav, "right")) == 4
    state = press(nav, "?", "esc")
    assert state.mode == "normal" and not state.done and state.message == ""


@pytest.mark.parametrize("keys", [["1", "2", "esc"], ["/", "w", "esc"], ["e", "esc"], ["?", "esc"]])
def test_esc_closes_a_prompt_or_the_help_and_never_quits(mazur, keys: list[str]) -> None:
    state = press(Navigator(mazur, start=3), *keys)
    assert state.mode == "normal" and not state.done and number(state) == 4 and state.buffer == ""


@pytest.mark.parametrize("keys", [["q"], ["1", "2", "q"], ["e", "q"]])
def test_q_quits_from_a_step_a_step_number_and_the_export_prompt(mazur, keys: list[str]) -> None:
    assert press(Navigator(mazur), *keys).exit_code == 0


@pytest.mark.parametrize(("keys", "code"), [(["q"], 0), (["ctrl-c"], EXIT_INTERRUPT),
                                            (["/", "w", "ctrl-c"], EXIT_INTERRUPT),
                                            (["?", "ctrl-c"], EXIT_INTERRUPT), (["1", "ctrl-c"], EXIT_INTERRUPT)])
def test_quit_keys(mazur, keys: list[str], code: int) -> None:
    state = press(Navigator(mazur), *keys)
    assert state.done and state.exit_code == code


def test_unknown_keys(mazur) -> None:
    nav = Navigator(mazur, start=2)
    state = press(nav, "z")
    assert number(state) == 3 and "? for help" in state.message
    state = press(nav, "f1", "tab", "pgdn")
    assert number(state) == 3 and state.message == ""


def test_resize_changes_nothing(mazur) -> None:
    nav = Navigator(mazur)
    before = press(nav, "/", *"w9", "enter")
    assert press(nav, "resize") == before            # even the message stays on screen
