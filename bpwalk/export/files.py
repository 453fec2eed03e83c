"""Writing an export without destroying what the path names.

A regular file (new, or reached through symbolic links) is replaced atomically: the text goes
to a temporary file in the same folder, which is renamed over it only once it is complete, so
an error, a full disk or Ctrl-C leaves the old file as it was. A FIFO, a device or a
descriptor's link such as /dev/stdout is written straight: renaming over it would replace it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from bpwalk.errors import ExportError

MAX_LINKS = 40          # Linux's MAXSYMLINKS: beyond this the chain is a loop


def write_atomic(path: str | Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` as the module says; returns `path`.

    Raises:
        ExportError: a directory, a missing folder, a link loop, or a failed write.
    """
    given, data = Path(path), text.encode("utf-8")
    try:
        target, descriptor = _follow_links(given)
        old = None if descriptor else _stat_or_none(target)
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise ExportError(f"{given}: is a directory; give a file name")
        if descriptor or (old is not None and not stat.S_ISREG(old.st_mode)):
            _write_straight(target, data)
            return given
        folder = target.parent
        if not folder.is_dir():
            if target != given:
                raise ExportError(f"{given}: the link points to {target}, whose folder does not exist")
            raise ExportError(f"{given}: the folder {folder} does not exist")
        _replace(target, data, old)
    except OSError as err:
        raise ExportError(f"{given}: cannot write: {err.strerror or err}") from None
    return given


def _follow_links(path: Path) -> tuple[Path, bool]:
    """Where `path` leads once its symbolic links are followed, even to nothing yet.

    The flag is true when a link lives in /proc (/dev/stdout -> /proc/self/fd/1): such a link
    names an open descriptor, which must be opened, since its target may be a pipe's name or
    a file that the shell opened for appending.
    """
    start = path
    for _ in range(MAX_LINKS):
        if not path.is_symlink():
            return path, False
        if os.path.realpath(path.parent).startswith("/proc/"):
            return path, True
        path = path.parent / os.readlink(path)    # a relative link is relative to its own folder
    raise ExportError(f"{start}: too many levels of symbolic links")


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _write_straight(path: Path, data: bytes) -> None:
    """Write to an existing FIFO or device: no O_CREAT, so nothing is created if it went away,
    and O_APPEND rather than O_TRUNC, so that `>> log` behind /dev/stdout keeps its lines."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _replace(target: Path, data: bytes, old: os.stat_result | None) -> None:
    """Write a temporary file beside `target`, give it `old`'s mode (and owner, as root), rename it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)        # a full disk may only show when the data reaches it
        finally:
            os.close(fd)
        if old is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        else:
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                os.chown(tmp, old.st_uid, old.st_gid)   # before chmod, which chown may undo
            os.chmod(tmp, old.st_mode & 0o777)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def is_folder(path: Path) -> bool:
    """A folder to write files into: one that exists, or a name with no extension that does not."""
    return path.is_dir() or (not path.exists() and not path.suffix)
