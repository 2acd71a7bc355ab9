"""The local undo journal: the metadata of an asset as it was before each write.

One JSON object per line in an append-only file. Two kinds of line:

- an entry (``JournalEntry.to_json()``), written *before* the request with status
  "pending", holding the metadata as it was and what the write intends;
- a status line ``{"ref": ENTRY_ID, "asset_id": ..., "status": ..., "time": ...}``, appended
  once the outcome is known, so that no line is ever rewritten in place.

Readers fold the status lines into their entries. Lines that are not valid JSON (a record
torn by a crash) are skipped, so a damaged journal never stops a command.

Stdlib only and cheap to import: every command that writes imports this module.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assetmeta.types import Metadata

try:  # Windows has no fcntl: there the journal is only safe between threads of one process.
    import fcntl
except ImportError:  # pragma: no cover - exercised only off Linux/macOS
    fcntl = None  # type: ignore[assignment]

STATUSES = ("pending", "done", "failed", "rolled-back")

# flock cannot exclude threads of this process on a platform without fcntl, and an append
# holds the lock only for one write, so one process-wide lock costs nothing.
_THREAD_LOCK = threading.Lock()


def utc_now() -> str:
    """The current time as RFC 3339 UTC with milliseconds: 2026-12-03T19:22:37.123Z."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_entry_id(time: str) -> str:
    """A unique id that sorts by time: the compact timestamp plus 48 random bits."""
    compact = time.replace("-", "").replace(":", "").replace(".", "")
    return f"{compact}-{os.urandom(6).hex()}"


@dataclass(frozen=True)
class JournalEntry:
    time: str
    asset_id: str
    command: str
    base_url: str
    before: Metadata
    after: Metadata | None
    status: str
    id: str

    @classmethod
    def new(
        cls,
        *,
        asset_id: str,
        command: str,
        base_url: str,
        before: Metadata,
        after: Metadata | None = None,
        status: str = "pending",
    ) -> JournalEntry:
        """An entry stamped now, with a fresh id."""
        time = utc_now()
        return cls(time, asset_id, command, base_url, before, after, status, new_entry_id(time))

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "time": self.time,
            "asset_id": self.asset_id,
            "command": self.command,
            "base_url": self.base_url,
            "status": self.status,
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_json(cls, obj: object) -> JournalEntry:
        """Rebuild an entry, raising ValueError for anything not shaped like one."""
        if not isinstance(obj, dict):
            raise ValueError("a journal entry must be a JSON object")
        after = obj.get("after")
        return cls(
            time=_str(obj, "time"),
            asset_id=_str(obj, "asset_id"),
            command=_str(obj, "command"),
            base_url=_str(obj, "base_url"),
            before=_metadata(obj.get("before")),
            after=None if after is None else _metadata(after),
            status=_str(obj, "status"),
            id=_str(obj, "id"),
        )


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string")
    return value


def _metadata(value: object) -> Metadata:
    # Checked, not cast: `undo` sends `before` back to the platform as it stands.
    if not isinstance(value, dict):
        raise ValueError("metadata must be a JSON object")
    for key, item in value.items():
        if not isinstance(key, str) or not _is_meta_value(item):
            raise ValueError(f"invalid metadata value for {key!r}")
    return value


def _is_meta_value(item: object) -> bool:
    if isinstance(item, list):
        return all(isinstance(element, str) for element in item)
    return isinstance(item, (str, int, float, bool))


def _encode(record: dict[str, object]) -> bytes:
    # allow_nan=False: NaN is not JSON, and the line must stay readable by any tool.
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


class Journal:
    """An append-only JSON-lines file, rotated at max_bytes, keeping `keep` older files."""

    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int = 8 * 1024 * 1024,
        keep: int = 3,
        durable: bool = True,
    ) -> None:
        if max_bytes <= 0 or keep < 0:
            raise ValueError("max_bytes must be positive and keep not negative")
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.keep = keep
        self.durable = durable
        # A sidecar lock, not the journal itself: rotation renames the journal, and a
        # process waiting on the old file's lock would then append to a rotated file.
        self._lock_path = self.path.with_name(self.path.name + ".lock")

    # Writing

    def append(self, entry: JournalEntry) -> None:
        _check_status(entry.status)
        self._write(_encode(entry.to_json()))

    def mark(self, entry_id: str, status: str, *, asset_id: str) -> None:
        """Record the outcome of an entry; readers apply the latest status line."""
        _check_status(status)
        record: dict[str, object] = {
            "ref": entry_id,
            "asset_id": asset_id,
            "status": status,
            "time": utc_now(),
        }
        self._write(_encode(record))

    def _write(self, line: bytes) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._locked(exclusive=True):
            fd = self._open()
            try:
                size = os.fstat(fd).st_size
                if size > 0 and size + len(line) > self.max_bytes:
                    os.close(fd)
                    fd = -1
                    self._rotate()
                    fd = self._open()
                    size = 0
                if size > 0 and not _ends_with_newline(fd):
                    # A crash tore the last record: start ours on a fresh line so it
                    # stays readable, and let readers skip the fragment.
                    line = b"\n" + line
                # One write of the whole line, so no other record can land inside it.
                written = os.write(fd, line)
                if written != len(line):  # pragma: no cover - disk full or a signal
                    raise OSError(f"short write to {self.path}: {written} of {len(line)} bytes")
                if self.durable:
                    os.fsync(fd)
            finally:
                if fd >= 0:
                    os.close(fd)

    def _open(self) -> int:
        # O_RDWR rather than O_WRONLY: checking for a torn last line reads one byte.
        # 0o600 at creation, so the file is never readable by others, even for a moment;
        # a file some other tool left wider is narrowed back.
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        if os.name == "posix" and os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
        return fd

    def _rotate(self) -> None:
        """journal → journal.1 → journal.2 …; the file beyond `keep` is dropped."""
        oldest = self._rotated(self.keep) if self.keep else self.path
        oldest.unlink(missing_ok=True)
        for index in range(self.keep - 1, 0, -1):
            source = self._rotated(index)
            if source.exists():
                os.replace(source, self._rotated(index + 1))
        if self.keep:
            os.replace(self.path, self._rotated(1))

    def _rotated(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{index}")

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        with _THREAD_LOCK:
            if fcntl is None:
                yield
                return
            if exclusive:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            else:
                # A reader must not create files: history works on a read-only folder.
                try:
                    fd = os.open(self._lock_path, os.O_RDONLY)
                except OSError:
                    yield
                    return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
                yield
            finally:
                os.close(fd)  # closing releases the flock

    # Reading

    def entries(self, asset_id: str | None = None) -> list[JournalEntry]:
        """Entries oldest first, across rotated files, each with its latest status."""
        entries: dict[str, JournalEntry] = {}
        statuses: dict[str, str] = {}
        for record in self._records():
            if "ref" in record:
                ref, status = record.get("ref"), record.get("status")
                if isinstance(ref, str) and isinstance(status, str):
                    statuses[ref] = status
                continue
            try:
                entry = JournalEntry.from_json(record)
            except ValueError:
                continue
            if asset_id is None or entry.asset_id == asset_id:
                entries[entry.id] = entry
        return [
            replace(entry, status=statuses[entry.id]) if entry.id in statuses else entry
            for entry in entries.values()
        ]

    def last(
        self,
        asset_id: str,
        *,
        base_url: str | None = None,
        statuses: tuple[str, ...] = ("done", "pending", "rolled-back", "failed"),
    ) -> JournalEntry | None:
        """The newest entry of this asset (on this server) whose status is one of these."""
        for entry in reversed(self.entries(asset_id)):
            if entry.status in statuses and base_url in (None, entry.base_url):
                return entry
        return None

    def _records(self) -> Iterator[dict[str, Any]]:
        # Read every file under a shared lock, so a rotation cannot happen between two.
        with self._locked(exclusive=False):
            chunks: list[bytes] = []
            for path in [*(self._rotated(i) for i in range(self.keep, 0, -1)), self.path]:
                try:
                    chunks.append(path.read_bytes())
                except FileNotFoundError:
                    continue
        for chunk in chunks:
            for raw in chunk.split(b"\n"):
                try:
                    record = json.loads(raw.decode("utf-8"))
                except ValueError:  # torn or foreign line (UnicodeDecodeError is one too)
                    continue
                if isinstance(record, dict):
                    yield record


def _ends_with_newline(fd: int) -> bool:
    os.lseek(fd, -1, os.SEEK_END)
    return os.read(fd, 1) == b"\n"


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown journal status {status!r}; expected one of {STATUSES}")


__all__ = ["STATUSES", "Journal", "JournalEntry", "new_entry_id", "utc_now"]
