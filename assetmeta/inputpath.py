"""Paths the user gives to read from (--ids-from, apply FILE, --from-file, --env-file)."""

from __future__ import annotations

import os
import stat

from .errors import UsageError


def check_readable(path: str | os.PathLike[str], what: str) -> None:
    """Refuse a path that can't be read, before anything is sent: missing, a directory, or
    not readable. Anything else is accepted, not only regular files: a FIFO, a shell's
    `<(...)` (/dev/fd/N) or /dev/null is data too. Nothing is opened here, since opening a
    FIFO would take the data from its reader."""
    where = f"{what} {os.fspath(path)}".lstrip()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{where}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{where}: is a directory")
    if not os.access(path, os.R_OK):
        raise UsageError(f"{where}: permission denied")
