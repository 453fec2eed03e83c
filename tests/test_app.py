"""The walk-through loop in-process: keys fed from a list, the screen written to a StringIO."""

from __future__ import annotations

import re
from io import StringIO
import pytest
from rich.console import Console

from bpwalk.read.builtin import resolve
from bpwalk.tui.app import WalkSession, frame_lines, print_all, walk
from bpwalk.tui.loop import Painter
from bpwalk.walk.styles import frames_for
from bpwalk.walk.navigate import NavState
from bpwalk.render.status import status_line
from bpwalk.render.views import Settings
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LEAVE_ALT_SCREEN = "\x1b[?1049l"


@pytest.fixture(scope="module")
def mazur():
    trace = run(load_scenario(resolve("mazur")))
    return trace, frames_for(trace, "scalar")


def terminal(width: int = 80, height: int = 24) -> Console:
    return Console(file=StringIO(), width=width, height=height, force_terminal=True, color_system="256",
                   legacy_windows=False)


def keys(*names: str):
    it = iter(names)
    return lambda: next(it)


def screens(console: Console) -> list[str]:
    """Every painted screen, as plain text (each paint starts with cursor-home)."""
    text = console.file.getvalue()
    parts = (ANSI.sub("", part) for part in text.split("\x1b[H")[1:])
    return [part for part in parts if part.strip()]     # entering the alternate screen homes too


def last_status(console: Console) -> str:
    return screens(console)[-1].rstrip().splitlines()[-1]


def test_quit_with_q_leaves_the_alternate_screen(mazur) -> None:
    trace, frames = mazur
    console = terminal()
    assert walk(trace, frames, Settings(), console, read_key=keys("right", "q")) == 0
    out = console.file.getvalue()
    assert out.startswith("\x1b[?1049h") and out.rstrip().endswith(LEAVE_ALT_SCREEN + "\x1b[?25h")
    assert "[2/60]" in last_status(console)


@pytest.mark.parametrize(("key", "code"), [("ctrl-c", 130), ("eof", 0)])
def test_other_ways_out(mazur, key: str, code: int) -> None:
    trace, frames = mazur
    console = terminal()
    assert walk(trace, frames, Settings(), console, read_key=keys(key)) == code
    assert LEAVE_ALT_SCREEN in console.file.getvalue()


def test_esc_does_not_quit_it_says_what_does(mazur) -> None:
    trace, frames = mazur
    console = terminal()
    assert walk(trace, frames, Settings(), console, read_key=keys("right", "esc", "right", "q")) == 0
    shown = screens(console)
    assert "Esc closes help and prompts · q quits" in shown[2].splitlines()[-1]
    assert shown[3].splitlines()[-1].startswith("[3/60]")


def test_n_says_there_is_no_search_and_then_means_next_match(mazur) -> None:
    trace, frames = mazur
    console = terminal()
    walk(trace, frames, Settings(), console, read_key=keys("n", "/", "w", "5", "enter", "n", "esc", "q"))
    shown = screens(console)
    assert "no search yet" in shown[1].splitlines()[-1] and shown[1].splitlines()[-1].startswith("[1/60]")
    assert "n next /w5" in shown[5].splitlines()[-1] and shown[5].splitlines()[-1].startswith("[16/60]")
    assert "n next /w5" in shown[6].splitlines()[-1] and shown[6].splitlines()[-1].startswith("[44/60]")
    assert "search /w5 ended" in shown[7].splitlines()[-1]


def test_sigint_and_exceptions_still_restore_the_screen(mazur) -> None:
    trace, frames = mazur

    def interrupted() -> str:
        raise KeyboardInterrupt

    console = terminal()
    assert walk(trace, frames, Settings(), console, read_key=interrupted) == 130
    assert LEAVE_ALT_SCREEN in console.file.getvalue()

    def broken() -> str:
        raise RuntimeError("a bug")

    console = terminal()
    with pytest.raises(RuntimeError):
        walk(trace, frames, Settings(), console, read_key=broken)
    assert console.file.getvalue().rstrip().endswith(LEAVE_ALT_SCREEN + "\x1b[?25h")


def test_jump_search_and_help_show_on_screen(mazur) -> None:
    trace, frames = mazur
    console = terminal()
    walk(trace, frames, Settings(), console, read_key=keys("1", "2", "enter", "/", "w", "5", "enter", "?", "x", "q"))
    shown = screens(console)
    assert "go to step: 12" in shown[2].splitlines()[-1]
    assert "[12/60]" in shown[3].splitlines()[-1]
    assert "/w5" in shown[6].splitlines()[-1]
    assert shown[7].splitlines()[-1].startswith("[16/60]") and "n next /w5" in shown[7].splitlines()[-1]
    assert "Keys" in shown[8] and "quit" in shown[8]
    assert "[16/60]" in shown[9].splitlines()[-1] and "Keys" not in shown[9]
    assert len(shown) == 10


def test_every_screen_fills_the_terminal_exactly(mazur) -> None:
    trace, frames = mazur
    console = terminal(60, 15)
    walk(trace, frames, Settings(), console, read_key=keys("right", "G", "g", "/", "x", "enter", "q"))
    for screen in screens(console):
        lines = screen.split("\n")
        assert len(lines) == 15
        assert all(len(line) <= 60 for line in lines)


def test_tall_frames_are_cropped_and_scroll_by_pages(mazur) -> None:
    trace, frames = mazur
    console = terminal(80, 10)
    walk(trace, frames, Settings(), console, read_key=keys("pgdn", "pgdn", "pgup", "right", "q"))
    shown = screens(console)
    assert "more lines below · PgDn" in shown[0]
    assert shown[1] != shown[0] and "[1/60]" in shown[1].splitlines()[-1]
    assert shown[3] == shown[1]
    assert "[2/60]" in shown[4].splitlines()[-1]


def test_rendered_frames_are_cached_per_width(mazur) -> None:
    trace, frames = mazur
    painter = Painter(terminal())
    first = frame_lines(painter, trace, frames[5], Settings(), 80)
    assert frame_lines(painter, trace, frames[5], Settings(), 80) is first
    assert frame_lines(painter, trace, frames[5], Settings(), 60) is not first


@pytest.mark.parametrize("width", [20, 40, 60, 80, 120])
@pytest.mark.parametrize("state", [NavState(1), NavState(1, search="out_o1"), NavState(1, message="not found: w9"),
                                   NavState(1, mode="number", buffer="12"), NavState(1, mode="search", buffer="delta")])
def test_status_line_fits_any_width(mazur, width: int, state: NavState) -> None:
    trace, frames = mazur
    line = status_line(state, frames[state.index], len(frames), width)
    assert line.cell_len <= width and "[2/60]" in line.plain


def test_status_line_forms() -> None:
    trace = run(load_scenario(resolve("mazur")))
    frames = frames_for(trace, "scalar")
    wide = status_line(NavState(1), frames[1], 60, 200).plain
    assert wide.startswith("[2/60] Forward pass · iteration 1 · net_h1 │ → next")
    assert "q quit" in status_line(NavState(1), frames[1], 60, 80).plain
    narrow = status_line(NavState(1), frames[1], 60, 40).plain
    assert "[2/60]" in narrow and "?" in narrow
    assert "n next /w5" in status_line(NavState(1, search="w5"), frames[1], 60, 60).plain


def print_text(trace, frames, start: int = 0) -> str:
    console = Console(file=StringIO(), width=80, color_system=None, legacy_windows=False)
    print_all(trace, frames, Settings(), console, start)
    return console.file.getvalue()


def test_print_all_counts_every_frame(mazur) -> None:
    trace, frames = mazur
    text = print_text(trace, frames)
    counters = re.findall(r"^\[(\d+)/60\]$", text, flags=re.M)
    assert counters == [str(i) for i in range(1, 61)]
    assert "\x1b" not in text


def test_print_all_from_a_start(mazur) -> None:
    trace, frames = mazur
    text = print_text(trace, frames, start=57)
    assert re.findall(r"^\[(\d+)/60\]$", text, flags=re.M) == ["58", "59", "60"]



def test_e_writes_the_whole_walk_through_named_after_the_scenario(mazur, tmp_path, monkeypatch) -> None:
    trace, frames = mazur
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mazur.md").write_text("mine", encoding="utf-8")     # never replaced
    console = terminal()
    assert walk(trace, frames, Settings(), console, read_key=keys("right", "e", "m", "q")) == 0
    written = tmp_path / "mazur-2.md"
    assert (tmp_path / "mazur.md").read_text(encoding="utf-8") == "mine"
    assert "## Summary" in written.read_text(encoding="utf-8")
    assert any("wrote" in screen and "mazur-2.md" in screen for screen in screens(console))


def test_e_writes_the_rounding_the_screen_shows(tmp_path, monkeypatch) -> None:
    # bpwalk run mazur-matrix --round 4, then e m: the Markdown holds the rounded numbers and says so
    trace = run(load_scenario(resolve("mazur-matrix")), rounding=4)
    frames = frames_for(trace, "matrix")
    monkeypatch.chdir(tmp_path)
    console = terminal()
    walk(trace, frames, Settings(style="matrix"), console, read_key=keys("e", "m", "q"))
    written = (tmp_path / "mazur-matrix.md").read_text(encoding="utf-8")
    assert "every intermediate rounded to 4 decimals" in written
    assert "every intermediate rounded to 4 decimals" in screens(console)[0]


def test_e_v_writes_only_the_steps_seen_so_far(mazur, tmp_path, monkeypatch) -> None:
    trace, frames = mazur
    monkeypatch.chdir(tmp_path)
    console = terminal()
    walk(trace, frames, Settings(), console, read_key=keys("right", "right", "right", "left", "e", "v", "j", "q"))
    import json

    data = json.loads((tmp_path / "mazur.json").read_text(encoding="utf-8"))
    assert [s["index"] for s in data["steps"]] == [1, 2, 3, 4]      # frames 1-4 were seen


def test_export_mode_can_be_cancelled(mazur, tmp_path, monkeypatch) -> None:
    trace, frames = mazur
    monkeypatch.chdir(tmp_path)
    console = terminal()
    walk(trace, frames, Settings(), console, read_key=keys("e", "esc", "q"))
    assert list(tmp_path.iterdir()) == []


def test_e_writes_through_a_dangling_link(mazur, tmp_path, monkeypatch) -> None:
    trace, frames = mazur
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "mazur.md").symlink_to("notes/mazur.md")
    console = terminal()
    walk(trace, frames, Settings(), console, read_key=keys("e", "m", "q"))
    assert (tmp_path / "mazur.md").is_symlink()
    assert "## Summary" in (tmp_path / "notes" / "mazur.md").read_text(encoding="utf-8")
    assert any("wrote mazur.md" in screen for screen in screens(console))


def test_e_on_a_full_disk_or_ctrl_c_leaves_no_file(mazur, tmp_path, monkeypatch) -> None:
    import errno
    import os

    from bpwalk.export import files

    trace, frames = mazur
    monkeypatch.chdir(tmp_path)

    def full(fd: int, data) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", full)
    console = terminal(width=200)
    walk(trace, frames, Settings(), console, read_key=keys("e", "m", "q"))
    assert re.search(r"not written: \S*mazur\.md: cannot write: No space left on device", "\n".join(screens(console)))
    assert list(tmp_path.iterdir()) == []

    def interrupted(fd: int, data) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "write", interrupted)
    assert walk(trace, frames, Settings(), terminal(), read_key=keys("e", "m", "q")) == 130    # SIGINT mid-write
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key,fmt,how", [("m", "md", "open it in a Markdown viewer"), ("h", "html", "open it in a browser")])
def test_e_says_where_it_wrote_and_how_to_open_it(mazur, tmp_path, monkeypatch, key: str, fmt: str, how: str) -> None:
    """Issue 13: `e`, then a format key, said only where it wrote the file."""
    trace, frames = mazur
    monkeypatch.chdir(tmp_path)
    console = terminal(width=120)
    walk(trace, frames, Settings(), console, read_key=keys("e", key, "q"))
    assert (tmp_path / f"mazur.{fmt}").exists()
    assert any(f"wrote mazur.{fmt} · {how}" in screen for screen in screens(console))


def test_every_format_says_how_to_open_it() -> None:
    from bpwalk.export import FORMATS
    from bpwalk.words import say

    for fmt in FORMATS:
        for lang in ("en", "zh"):
            assert say(lang, f"export.open.{fmt}", name="x")
