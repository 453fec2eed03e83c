"""Where `export -o` and `new FILE` write: links, FIFOs, devices, /dev/stdout, directories, failures.

Nothing here may rename over a device of the machine: as root, the old writer turned /dev/stdout
into a regular file. The `guard_dev` fixture and the child's GUARD refuse any temporary file or
rename in /dev, so that a regression fails the test instead of breaking the machine.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bpwalk.read.builtin import resolve
from bpwalk.cli import app
from bpwalk.errors import ExportError
from bpwalk.export import files, render
from bpwalk.read import load_scenario
from bpwalk.engine.trace import run

runner = CliRunner()

GUARD = """
import os, sys, tempfile
def in_dev(folder):
    return os.path.realpath(folder) == "/dev"
real_replace, real_mkstemp = os.replace, tempfile.mkstemp
def replace(src, dst, *args, **kwargs):
    if in_dev(os.path.dirname(os.path.abspath(dst))):
        raise SystemExit(f"the test refused a rename over {dst}")
    return real_replace(src, dst, *args, **kwargs)
def mkstemp(*args, **kwargs):
    if in_dev(kwargs.get("dir") or "."):
        raise SystemExit("the test refused a temporary file in /dev")
    return real_mkstemp(*args, **kwargs)
os.replace = os.rename = replace
tempfile.mkstemp = mkstemp
from bpwalk.cli import app
app(prog_name="bpwalk")
"""


@pytest.fixture(scope="module")
def mazur_md() -> str:
    return render(run(load_scenario(resolve("mazur"))), "md")


@pytest.fixture
def guard_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    def in_dev(folder: str | os.PathLike) -> bool:
        return os.path.realpath(folder) == "/dev"

    real_replace, real_mkstemp = os.replace, tempfile.mkstemp

    def replace(src, dst, *args, **kwargs):
        assert not in_dev(os.path.dirname(os.path.abspath(dst))), f"renamed over {dst}"
        return real_replace(src, dst, *args, **kwargs)

    def mkstemp(*args, **kwargs):
        assert not in_dev(kwargs.get("dir") or "."), "made a temporary file in /dev"
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as handle:        # blocks until the writer opens the FIFO
            into.append(handle.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def one_line_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert fragment in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


# the writer


def test_a_link_to_a_file_is_written_through_and_stays_a_link(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    target = tmp_path / "b" / "t.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "a" / "out.md"
    link.symlink_to("../b/t.md")                  # relative to the link's folder, not the cwd
    monkeypatch.chdir(tmp_path / "b")
    assert files.write_atomic(link, "new text") == link
    assert link.is_symlink() and os.readlink(link) == "../b/t.md"
    assert target.read_text(encoding="utf-8") == "new text"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert names(tmp_path / "a") == ["out.md"] and names(tmp_path / "b") == ["t.md"]


def test_a_dangling_link_creates_what_it_points_to(tmp_path: Path) -> None:
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "sub" / "t.md")
    (tmp_path / "sub").mkdir()
    files.write_atomic(link, "text")
    assert link.is_symlink() and (tmp_path / "sub" / "t.md").read_text(encoding="utf-8") == "text"


def test_a_dangling_link_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    link = tmp_path / "out.md"
    link.symlink_to("nowhere/t.md")
    with pytest.raises(ExportError, match=r"out\.md: the link points to .*nowhere/t\.md, whose folder does not exist"):
        files.write_atomic(link, "text")
    assert link.is_symlink() and names(tmp_path) == ["out.md"]


def test_a_link_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "one").symlink_to("two")
    (tmp_path / "two").symlink_to("one")
    with pytest.raises(ExportError, match="one: too many levels of symbolic links"):
        files.write_atomic(tmp_path / "one", "text")
    assert (tmp_path / "one").is_symlink() and (tmp_path / "two").is_symlink()


def test_a_fifo_is_written_straight(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = read_fifo(fifo, got)
    files.write_atomic(fifo, "through the pipe ✓")
    thread.join(timeout=10)
    assert not thread.is_alive() and got == ["through the pipe ✓".encode("utf-8")]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and names(tmp_path) == ["pipe"]


def test_a_character_device_is_written_straight(guard_dev) -> None:
    assert files.write_atomic("/dev/null", "nothing") == Path("/dev/null")
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_full_device_is_a_clear_error(guard_dev) -> None:
    with pytest.raises(ExportError, match="/dev/full: cannot write: No space left on device"):
        files.write_atomic("/dev/full", "x" * 100_000)
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_a_file_keeps_its_mode_and_owner(tmp_path: Path) -> None:
    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(target, 1234, 5678)              # someone else's file, which root exports over
    before = target.stat()
    files.write_atomic(target, "new text")
    after = target.stat()
    assert target.read_text(encoding="utf-8") == "new text"
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def no_space_after(count: int):
    """An os.write that writes `count` bytes, then finds the disk full."""
    real = os.write

    def write(fd: int, data) -> int:
        if len(data) <= count:
            return real(fd, data)
        real(fd, data[:count])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return write


def interrupted(*args) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("broken", ["write", "fsync"])
def test_a_full_disk_leaves_the_old_file(tmp_path: Path, monkeypatch, broken: str) -> None:
    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")
    if broken == "write":
        monkeypatch.setattr(files.os, "write", no_space_after(10))
    else:           # some file systems report a full disk only when the data is flushed
        def fsync(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(files.os, "fsync", fsync)
    with pytest.raises(ExportError, match="t.md: cannot write: No space left on device"):
        files.write_atomic(target, "new text " * 1000)
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["t.md"]


def test_ctrl_c_while_writing_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(files.os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(target, "new text")
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["t.md"]


# bpwalk export


def test_export_dash_writes_to_standard_output(tmp_path: Path, monkeypatch, mazur_md: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "mazur", "-f", "md", "-o", "-"])
    assert result.exit_code == 0 and result.stdout == mazur_md
    assert names(tmp_path) == []


def test_export_into_a_link_a_fifo_and_a_device(tmp_path: Path, mazur_md: str, guard_dev) -> None:
    (tmp_path / "t.md").write_text("old", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("t.md")
    assert runner.invoke(app, ["export", "mazur", "-o", str(tmp_path / "link.md")]).exit_code == 0
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "t.md").read_text(encoding="utf-8") == mazur_md

    os.mkfifo(tmp_path / "pipe")
    got: list[bytes] = []
    thread = read_fifo(tmp_path / "pipe", got)
    assert runner.invoke(app, ["export", "mazur", "-f", "md", "-o", str(tmp_path / "pipe")]).exit_code == 0
    thread.join(timeout=10)
    assert got == [mazur_md.encode("utf-8")] and stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)

    assert runner.invoke(app, ["export", "mazur", "-f", "md", "-o", "/dev/null"]).exit_code == 0
    one_line_error(runner.invoke(app, ["export", "mazur", "-f", "md", "-o", "/dev/full"]), "No space left on device")
    assert names(tmp_path) == ["link.md", "pipe", "t.md"]


def test_export_into_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path)
    for path in (tmp_path, tmp_path / "link"):
        one_line_error(runner.invoke(app, ["export", "mazur", "-o", str(path)]), "is a directory")
    assert names(tmp_path) == ["link"]


def test_export_on_a_full_disk_or_ctrl_c_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "t.md"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(files.os, "write", no_space_after(4096))
    one_line_error(runner.invoke(app, ["export", "mazur", "-o", str(target)]), "t.md: cannot write: No space left")
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["t.md"]
    monkeypatch.setattr(files.os, "write", interrupted)
    result = runner.invoke(app, ["export", "mazur", "-o", str(target)])
    assert result.exit_code != 0 and "Traceback" not in result.output     # click's "Aborted!"
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["t.md"]


def dev_stdout_is_the_usual_link() -> None:
    assert os.path.realpath("/dev/stdout") != "/dev/stdout" and not stat.S_ISREG(os.lstat("/dev/stdout").st_mode), \
        "this machine's /dev/stdout is a regular file: restore it with `ln -sf /proc/self/fd/1 /dev/stdout`"


@pytest.mark.parametrize("into", ["pipe", "appended file"])
def test_export_to_dev_stdout(tmp_path: Path, mazur_md: str, into: str) -> None:
    dev_stdout_is_the_usual_link()
    log = tmp_path / "log"
    log.write_text("earlier line\n", encoding="utf-8")
    with open(log, "ab") as appended:           # as `bpwalk export ... >> log` opens it
        done = subprocess.run([sys.executable, "-c", GUARD, "export", "mazur", "-f", "md", "-o", "/dev/stdout"],
                              stdout=subprocess.PIPE if into == "pipe" else appended, stderr=subprocess.PIPE,
                              cwd=tmp_path, timeout=120)
    dev_stdout_is_the_usual_link()
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().strip() == "wrote /dev/stdout"
    out = done.stdout if into == "pipe" else log.read_bytes()[len(b"earlier line\n"):]
    assert out.decode("utf-8") == mazur_md
    assert log.read_bytes().startswith(b"earlier line\n") and names(tmp_path) == ["log"]


def test_export_through_a_descriptor_link(tmp_path: Path, mazur_md: str) -> None:
    (tmp_path / "out").symlink_to("/proc/self/fd/1")     # what /dev/stdout is, in a folder of the test's
    done = subprocess.run([sys.executable, "-m", "bpwalk", "export", "mazur", "-f", "md", "-o", "out"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, timeout=120)
    assert done.returncode == 0 and done.stdout.decode("utf-8") == mazur_md
    assert (tmp_path / "out").is_symlink() and names(tmp_path) == ["out"]


# bpwalk new


def test_new_dash_writes_to_standard_output(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "-", "--seed", "3"])
    assert result.exit_code == 0
    assert result.stdout == runner.invoke(app, ["new", "--seed", "3"]).stdout and "layers:" in result.stdout
    assert names(tmp_path) == []


def test_new_into_links_and_a_fifo(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "dangling.yaml").symlink_to("sub/new.yaml")
    assert runner.invoke(app, ["new", str(tmp_path / "dangling.yaml")]).exit_code == 0
    assert (tmp_path / "dangling.yaml").is_symlink() and "layers:" in (tmp_path / "sub" / "new.yaml").read_text()

    # a link to a file that exists: the file is not replaced without --force, then it is, through the link
    (tmp_path / "sub" / "new.yaml").chmod(0o640)
    one_line_error(runner.invoke(app, ["new", str(tmp_path / "dangling.yaml"), "--seed", "2"]), "exists already")
    assert runner.invoke(app, ["new", str(tmp_path / "dangling.yaml"), "--seed", "2", "--force"]).exit_code == 0
    assert (tmp_path / "dangling.yaml").is_symlink() and "seed 2" in (tmp_path / "sub" / "new.yaml").read_text()
    assert stat.S_IMODE((tmp_path / "sub" / "new.yaml").stat().st_mode) == 0o640

    os.mkfifo(tmp_path / "pipe")            # nothing in a FIFO to lose: no --force needed
    got: list[bytes] = []
    thread = read_fifo(tmp_path / "pipe", got)
    assert runner.invoke(app, ["new", str(tmp_path / "pipe")]).exit_code == 0
    thread.join(timeout=10)
    assert got and b"layers:" in got[0] and stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert names(tmp_path) == ["dangling.yaml", "pipe", "sub"] and names(tmp_path / "sub") == ["new.yaml"]


def test_new_into_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    one_line_error(runner.invoke(app, ["new", str(tmp_path)]), "is a directory")
    assert names(tmp_path) == []


def test_new_on_a_full_disk_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "s.yaml"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(files.os, "write", no_space_after(100))
    one_line_error(runner.invoke(app, ["new", str(target), "--force"]), "s.yaml: cannot write: No space left")
    assert target.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["s.yaml"]
