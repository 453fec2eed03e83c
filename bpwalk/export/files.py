"""Writing a file so that an error or Ctrl-C never leaves a partial one behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bpwalk.errors import ExportError


def write_atomic(path: str | Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file in the same folder, then rename it.

    Raises:
        ExportError: the folder is missing, or the path cannot be written.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError(f"{target}: is a directory; give a file name")
    if not folder.is_dir():
        raise ExportError(f"{target}: the folder {folder} does not exist")
    fd, tmp = None, None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            fd = None
            handle.write(text)
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = None
    except OSError as err:
        raise ExportError(f"{target}: cannot write: {err.strerror or err}") from None
    finally:
        if fd is not None:
            os.close(fd)
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return target
