"""Every bad scenario file, through the command line as a user meets it: exit status 2, one short
message naming the file, line, column and key, and never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.cli import app

BAD = sorted((Path(__file__).parent / "scenarios" / "bad").glob("*.yaml"))
EXPECT_LINE = re.compile(r"# expect: (?:(\d+):(\d+)|-) (.+)")
runner = CliRunner()


def expectation(path: Path) -> tuple[str | None, str]:
    first = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    match = EXPECT_LINE.match(first)
    assert match, path.name
    where = f"{match.group(1)}:{match.group(2)}" if match.group(1) else None
    return where, match.group(3)


def test_there_are_many_bad_files() -> None:
    assert len(BAD) >= 25


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
@pytest.mark.parametrize("command", ["validate", "run", "export"])
def test_bad_file_through_the_cli(path: Path, command: str) -> None:
    args = [command, str(path)] + (["--all"] if command == "run" else [])
    result = runner.invoke(app, args)
    where, fragment = expectation(path)
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(path) in out
    if where:
        assert f"{path}:{where}:" in out
    assert fragment.split(":")[0] in out          # the key path (or the start of the message)
    assert len(out.strip().splitlines()) == 1     # one line
