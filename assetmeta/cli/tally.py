"""What every run over several assets shares: the progress display, the failures as they
come, `--failed-to`, the summary with the failed ids, and the exit code."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ..batch import exit_code_for
from ..errors import AssetmetaError, ExitCode, ExitWith, UsageError
from ..urls import InvalidAssetId
from .runtime import Runtime

FailedToOpt = Annotated[
    Path | None,
    typer.Option(
        "--failed-to",
        help="Write what failed to FILE, one a line, so a rerun takes exactly those.",
        show_default=False,
    ),
]

# The summary's order, whatever order the outcomes came in.
ACTIONS = ("changed", "unchanged", "sent", "shown", "planned")
# The summary names this many failed ids at most; --failed-to keeps every one.
LISTED_FAILURES = 10


def error_line(asset_id: str, error: AssetmetaError) -> str:
    message = error.message
    if isinstance(error, InvalidAssetId) or message.startswith(asset_id):
        return message
    return f"{asset_id}: {message}"


class Tally:
    """Counts one run's outcomes. Use as a context manager around the run (it draws the
    progress display), then call `finish()`."""

    def __init__(
        self, rt: Runtime, command: str, several: bool, failed_to: Path | None = None
    ) -> None:
        self.rt = rt
        self.command = command
        self.several = several
        self.failed_to = failed_to
        if failed_to is not None:
            check_writable(failed_to)
        self.counts: dict[str, int] = dict.fromkeys(ACTIONS, 0)
        self.failures: list[AssetmetaError] = []
        self.failed_ids: list[str] = []
        self.failed_records: list[str] = []
        self.total = 0
        shown = several and rt.terminal.stderr_tty and not rt.quiet
        self._progress = _Progress(rt) if shown else None

    def __enter__(self) -> Tally:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def done(self, action: str) -> None:
        self.total += 1
        self.counts[action] = self.counts.get(action, 0) + 1
        self._advance()

    def failed(self, asset_id: str, error: AssetmetaError, record: str | None = None) -> str:
        """Say the failure on stderr now (its line is returned, for a JSON record too)."""
        self.total += 1
        self.failures.append(error)
        self.failed_ids.append(asset_id)
        self.failed_records.append(asset_id if record is None else record)
        message = error_line(asset_id, error)
        self.rt.say(f"error: {message}")
        self._advance()
        return message

    def _advance(self) -> None:
        if self._progress is not None:
            self._progress.advance()

    def finish(self, *, interrupted: bool = False) -> None:
        """Write --failed-to, summarise, and leave with the run's exit code (130 when it
        was interrupted, whatever else happened)."""
        if self.failed_to is not None:
            write_whole(self.failed_to, "".join(f"{r}\n" for r in self.failed_records))
        if self.several:
            done = ", ".join(f"{n} {name}" for name, n in self.counts.items() if n)
            self.rt.info(
                f"{self.command}: {done or 'nothing done'}, "
                f"{len(self.failures)} failed (of {self.total})"
            )
            if self.failed_ids:
                self.rt.say(f"{self.command}: failed: {self._failed_list()}")
        if interrupted:
            raise ExitWith(ExitCode.INTERRUPTED)
        code = exit_code_for(self.total, self.failures)
        if code is not ExitCode.OK:
            if not self.several and self.failures[0].hint:
                self.rt.say(f"hint: {self.failures[0].hint}")
            raise ExitWith(code)

    def _failed_list(self) -> str:
        shown = ", ".join(_short(i) for i in self.failed_ids[:LISTED_FAILURES])
        more = len(self.failed_ids) - LISTED_FAILURES
        if more <= 0:
            return shown
        if self.failed_to is None:
            return f"{shown} (+{more} more; --failed-to FILE writes them all)"
        return f"{shown} (+{more} more, all in {self.failed_to})"


def _short(label: str, limit: int = 80) -> str:
    """An id as the summary names it: a line of a file can be any length."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def check_writable(path: Path) -> None:
    """Before the run, not after it: a typo in --failed-to must not cost the run's record."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"--failed-to {path}: is a directory")
    if not folder.is_dir():
        what = "is not a directory" if folder.exists() else "does not exist"
        raise UsageError(f"--failed-to {path}: {folder} {what}")
    if not os.access(folder if not path.exists() else path, os.W_OK):
        raise UsageError(f"--failed-to {path}: not writable")


def write_whole(path: Path, text: str) -> None:
    """Replace a regular file in one step (it may be the --ids-from file of this very run,
    still being read), through a symlink to it and keeping its mode; write anything else
    (a pipe, /dev/stdout) as it is."""
    target = path.resolve()
    # surrogateescape: a line read with a byte that is not UTF-8 goes back as that byte.
    if target.exists() and not target.is_file():
        target.write_text(text, encoding="utf-8", errors="surrogateescape")
        return
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _default_mode()
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
            out.write(text)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _default_mode() -> int:
    """What a new file gets: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class _Progress:
    """A count of assets done and the time taken, on stderr, gone when the run ends."""

    def __init__(self, rt: Runtime) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=rt.stderr, markup=False, highlight=False)
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.completed} assets"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            redirect_stdout=False,
        )
        self._task = self._bar.add_task("assets", total=None)
        self.start: Callable[[], None] = self._bar.start
        self.stop: Callable[[], None] = self._bar.stop

    def advance(self) -> None:
        self._bar.advance(self._task)
