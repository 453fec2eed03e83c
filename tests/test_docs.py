"""The documentation is tested: every example in README.md and docs/*.md runs, and shows what it prints.

Each fenced block is checked by its language:

- ``python``: run statement by statement in a temporary directory; an expression followed by a
  comment holding a Python literal (``trace.value("grad.w5")  # 0.0821...``) must equal it.
- ``sh``/``console`` and plain blocks: a line ``$ bpwalk ...`` is run (in a temporary directory,
  by the installed ``bpwalk``, stdin closed, 80 columns) and the lines after it, up to the next
  ``$`` line, must be its output; a line ``...`` stands for any number of lines. In ``sh`` blocks
  without ``$``, each ``bpwalk`` command of a line runs (set-up commands such as ``pip install``
  are only recognised, never run).
- ``yaml``: a complete scenario (one with a top-level ``title:``) loads and is traced; a
  fragment is valid YAML. ``json``: valid JSON.

A comment on the line before a block adjusts it, visibly in the source:

- ``<!-- doc-test: not run: REASON -->``: the block is not run (counted: NOT_RUN below);
- ``<!-- doc-test: columns N -->``: the commands run N columns wide;
- ``<!-- doc-test: excerpt of: COMMAND -->`` (a json block): every key and value shown is in
  COMMAND's JSON output, or in one item of it when it prints a list (lists: the items shown, in
  order, among the items printed; a string ending in ``...``: the start of the printed one).
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent     # the installed `bpwalk` console script is next to python
SHELLS = ("sh", "shell", "bash", "console")
SETUP_COMMANDS = ("pip install", "pytest")    # shown for the reader's set-up; installing is not the docs' test
MARKER = re.compile(r"<!--\s*doc-test:\s*(.*?)\s*-->")
FENCE = re.compile(r"^([ \t]*)```(\S*)[^\n]*\n(.*?)^\1```[ \t]*$", re.M | re.S)   # also inside a list item

# Every block the test does not run, with why: a new one must be added here, so they cannot grow unseen.
NOT_RUN = [
    ("docs/check.md", "a synopsis: SCENARIO and N stand for a scenario and a number"),
]


@dataclass(frozen=True)
class Block:
    doc: str           # the file, relative to the repository
    line: int          # the line of the opening fence, 1-based
    lang: str
    text: str
    markers: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"

    def marker(self, name: str) -> str | None:
        """The value of `<!-- doc-test: name: value -->` (or `name value`), None without one."""
        for marker in self.markers:
            if marker.startswith(name):
                return marker[len(name):].lstrip(" :")
        return None


def blocks_of(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").splitlines()
        markers = []
        while before and MARKER.fullmatch(before[-1].strip()):   # the comments right above the fence
            markers.insert(0, MARKER.fullmatch(before.pop().strip()).group(1))
        indent = match.group(1)
        body = "".join(line.removeprefix(indent) for line in match.group(3).splitlines(keepends=True))
        found.append(Block(str(path.relative_to(ROOT)), text.count("\n", 0, match.start()) + 1,
                           match.group(2), body, tuple(markers)))
    return found


BLOCKS = [block for doc in DOCS for block in blocks_of(doc)]
RUN = [block for block in BLOCKS if block.marker("not run") is None]
KNOWN_MARKERS = ("not run", "columns", "excerpt of")


def test_the_docs_have_examples_and_every_marker_is_known() -> None:
    assert {b.doc for b in BLOCKS} >= {"README.md", "docs/check.md", "docs/json-transcript.md",
                                       "docs/scenario-format.md"}
    for block in BLOCKS:
        for marker in block.markers:
            assert marker.startswith(KNOWN_MARKERS), f"{block.id}: unknown marker {marker!r}"
        assert block.lang in ("", "text", "python", "yaml", "json", "latex", *SHELLS), f"{block.id}: ```{block.lang}"


def test_the_blocks_not_run_are_the_listed_ones() -> None:
    skipped = [(b.doc, b.marker("not run")) for b in BLOCKS if b.marker("not run") is not None]
    assert skipped == NOT_RUN


# --- commands -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    line: str
    shown: tuple[str, ...] | None    # the output the doc shows after a `$` line; None: not shown


def commands_of(block: Block) -> list[Command]:
    """The bpwalk commands of a shell or plain block, each with the output shown after it."""
    lines = block.text.splitlines()
    if any(line.startswith("$ ") for line in lines):
        commands: list[Command] = []
        for line in lines:
            if line.startswith("$ "):
                commands.append(Command(line[2:], ()))
            else:
                assert commands, f"{block.id}: output before the first $ line"
                commands[-1] = Command(commands[-1].line, commands[-1].shown + (line,))
        return [c for c in commands if _bpwalk_parts(block, c.line)]
    if block.lang not in SHELLS:
        return []
    return [Command(line, None) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _bpwalk_parts(block: Block, line: str) -> list[str]:
    """The bpwalk commands of a shell line (`pip install . && bpwalk run`: `bpwalk run`)."""
    parts = [part.strip() for part in line.split("&&")]
    for part in parts:
        assert part.startswith(("bpwalk ", *SETUP_COMMANDS)) or part == "bpwalk", \
            f"{block.id}: `{part}` is neither a bpwalk command nor a known set-up command"
    return [part for part in parts if part == "bpwalk" or part.startswith("bpwalk ")]


def run_shell(command: str, cwd: Path, columns: int) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "LINES", "PYTHONPATH")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", COLUMNS=str(columns), NO_COLOR="1", TERM="dumb")
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)


def shows(shown: tuple[str, ...], output: str) -> bool:
    """Whether `output` is what the doc shows: line by line, `...` for any lines, trailing spaces ignored."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line.rstrip()) + r"\n"
                      for line in shown)
    text = "".join(line.rstrip() + "\n" for line in output.rstrip("\n").splitlines())
    return re.fullmatch(pattern, text) is not None


def _first_line_not_shown(shown: tuple[str, ...], output: str) -> str:
    printed = [line.rstrip() for line in output.splitlines()]
    missing = [line for line in shown if line.strip() != "..." and line.rstrip() not in printed]
    return f"not printed: {missing[0]!r}" if missing else "the lines are printed, in another order or with others between"


COMMAND_BLOCKS = [b for b in RUN if commands_of(b)]


def test_the_docs_run_bpwalk_commands() -> None:
    assert sum(len(commands_of(b)) for b in COMMAND_BLOCKS) >= 5


@pytest.mark.parametrize("block", COMMAND_BLOCKS, ids=lambda b: b.id)
def test_commands(block: Block, tmp_path: Path) -> None:
    columns = int(block.marker("columns") or 80)
    for command in commands_of(block):
        parts = _bpwalk_parts(block, command.line)
        assert command.shown is None or len(parts) == 1, f"{block.id}: output shown after several commands"
        for part in parts:
            done = run_shell(part, tmp_path, columns)
            allowed = (0, 1) if part.startswith("bpwalk check") else (0,)   # check: 1 = a number disagrees
            assert done.returncode in allowed, f"{block.id}: `{part}` exited {done.returncode}:\n{done.stdout[-3000:]}"
            assert "Traceback" not in done.stdout and "bpwalk: error" not in done.stdout, f"{block.id}: {done.stdout}"
            if command.shown is not None:
                assert shows(command.shown, done.stdout), (
                    f"{block.id}: `{part}` does not print what the doc shows; "
                    f"{_first_line_not_shown(command.shown, done.stdout)}\n--- printed:\n{done.stdout[-4000:]}")


def test_the_output_check_can_fail() -> None:
    output = "a\nb\nc\n"
    assert shows(("a", "...", "c"), output) and shows(("...",), output) and shows(("a  ", "b", "c"), output)
    assert not shows(("a", "c"), output) and not shows(("a", "b"), output) and not shows(("b", "...", "a"), output)


# --- Python -------------------------------------------------------------------------------------

PYTHON_BLOCKS = [b for b in RUN if b.lang == "python"]


def literal_comments(source: str) -> dict[int, object]:
    """Line -> the value of a comment that is a Python literal (`# 0.0821`), for lines that have one."""
    found: dict[int, object] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            try:
                found[token.start[0]] = ast.literal_eval(token.string[1:].strip())
            except (ValueError, SyntaxError):
                pass
    return found


def test_the_readme_has_python_with_values() -> None:
    assert PYTHON_BLOCKS and any(literal_comments(b.text) for b in PYTHON_BLOCKS)


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.id)
def test_python(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)          # nothing may depend on the checkout being the current directory
    values = literal_comments(block.text)
    checked = 0
    namespace: dict[str, object] = {"__name__": "__doc_example__"}
    for statement in ast.parse(block.text).body:
        code = ast.Module([statement], type_ignores=[])
        if isinstance(statement, ast.Expr) and statement.end_lineno in values:
            got = eval(compile(ast.Expression(statement.value), block.id, "eval"), namespace)
            want = values[statement.end_lineno]
            line = block.line + statement.end_lineno
            assert type(got) is type(want) and got == want, f"{block.doc}:{line}: {got!r}, not {want!r} as shown"
            checked += 1
        else:
            exec(compile(code, block.id, "exec"), namespace)
    capsys.readouterr()
    expressions = {s.end_lineno for s in ast.parse(block.text).body if isinstance(s, ast.Expr)}
    assert set(values) <= expressions, f"{block.id}: a value in a comment after a statement that is not an expression"
    assert checked == len(values)


# --- YAML and JSON ------------------------------------------------------------------------------

YAML_BLOCKS = [b for b in RUN if b.lang == "yaml"]


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=lambda b: b.id)
def test_yaml(block: Block) -> None:
    from bpwalk.engine.trace import run
    from bpwalk.read.validate import scenario_from_text

    if re.search(r"^title:", block.text, re.M):
        scenario = scenario_from_text(block.text, block.id)
        assert run(scenario).steps
    else:
        assert yaml.safe_load(block.text) is not None


JSON_BLOCKS = [b for b in RUN if b.lang == "json"]


def difference(shown: object, printed: object, where: str = "") -> str | None:
    """Where `shown` is not in `printed` (see the module's docstring), or None when every part of it is."""
    if isinstance(shown, dict):
        if not isinstance(printed, dict):
            return f"{where or 'the top'}: an object is shown, {type(printed).__name__} printed"
        for key, value in shown.items():
            if key not in printed:
                return f"{where}.{key}: not printed"
            found = difference(value, printed[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(shown, list):
        if not isinstance(printed, list):
            return f"{where}: a list is shown, {type(printed).__name__} printed"
        rest = list(printed)
        for i, item in enumerate(shown):
            at = next((j for j, candidate in enumerate(rest) if difference(item, candidate) is None), None)
            if at is None:
                near = difference(item, printed[i], f"{where}[{i}]") if i < len(printed) else None
                return near or f"{where}[{i}]: no such item printed (after the items before it)"
            rest = rest[at + 1:]
        return None
    if isinstance(shown, str) and shown.endswith("..."):
        same = isinstance(printed, str) and printed.startswith(shown[:-3].rstrip())
    else:
        same = type(shown) is type(printed) and shown == printed
    return None if same else f"{where}: {shown!r} shown, {printed!r} printed"


def test_the_json_check_can_fail() -> None:
    printed = {"a": [1, 2, 3], "s": "sign error; more", "x": 1.0499999999999998}
    assert difference({"a": [1, 3], "s": "sign error ..."}, printed) is None
    assert difference({"a": [3, 1]}, printed) == ".a[1]: 1 shown, 2 printed"
    assert difference({"a": [1, 2, 3, 4]}, printed) == ".a[3]: no such item printed (after the items before it)"
    assert difference({"x": 1.05}, printed) == ".x: 1.05 shown, 1.0499999999999998 printed"
    assert difference({"b": 1}, printed) == ".b: not printed"
    assert difference({"a": [1], "s": "sign flip ..."}, printed) is not None


@pytest.mark.parametrize("block", JSON_BLOCKS, ids=lambda b: b.id)
def test_json(block: Block, tmp_path: Path) -> None:
    shown = json.loads(block.text)
    command = block.marker("excerpt of")
    if command is None:
        return
    done = run_shell(command, tmp_path, 80)
    assert done.returncode in (0, 1), done.stdout[-3000:]
    printed = json.loads(done.stdout)
    if isinstance(printed, list) and isinstance(shown, dict):     # one item of a list
        if any(difference(shown, item) is None for item in printed):
            return
        printed = printed[0]
    found = difference(shown, printed)
    assert found is None, f"{block.id}: the JSON shown is not what `{command}` prints: {found}"


# --- LaTeX ----------------------------------------------------------------------------------------

LATEX = [block for block in RUN if block.lang == "latex"]


@pytest.mark.parametrize("block", LATEX, ids=lambda b: b.id)
def test_latex_blocks_compile(block: Block, tmp_path: Path) -> None:
    """A document of a teacher's own, as the docs show it, compiles with the files they make."""
    from test_latex import compile_tex

    doc_text = (ROOT / block.doc).read_text(encoding="utf-8")
    for name in re.findall(r"\\input\{([^}]+)\}", block.text):
        # the doc's own `bpwalk ... -o NAME.tex` line makes the file the block reads
        command = re.search(rf"^(bpwalk [^\n#]*-o {re.escape(name)}\.tex)", doc_text, re.M)
        assert command, f"{block.id}: no `bpwalk ... -o {name}.tex` line in {block.doc}"
        done = run_shell(command.group(1), tmp_path, 80)
        assert done.returncode == 0, done.stdout
    compile_tex(tmp_path, block.text, "pdflatex", "doc")
