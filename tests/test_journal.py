"""The undo journal: round trips, permissions, statuses, torn lines, rotation, concurrency."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assetmeta.journal import STATUSES, Journal, JournalEntry
from assetmeta.types import Metadata

REPO = Path(__file__).resolve().parents[1]
URL = "https://api.twelvelabs.io/v1.3"
EMULATOR = "http://127.0.0.1:8765"

EVERY_TYPE: Metadata = {
    "title": "Café ☕ 日本語 🎬",
    "empty": "",
    "count": 42,
    "negative": -7,
    "huge": 2**53 - 1,
    "ratio": 0.1,
    "whole_float": 1.0,
    "on": True,
    "off": False,
    "tags": ["ünïcode", "b"],
    "no_tags": [],
}


def entry(
    asset_id: str = "a1", *, base_url: str = URL, i: int = 0, status: str = "pending"
) -> JournalEntry:
    return JournalEntry.new(
        asset_id=asset_id, command="set", base_url=base_url, before={"i": i}, status=status
    )


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "assetmeta" / "journal.jsonl"


def test_round_trip_keeps_unicode_and_every_value_type(path: Path) -> None:
    journal = Journal(path)
    written = JournalEntry.new(
        asset_id="a1", command="replace", base_url=URL, before=EVERY_TYPE, after={"x": "ÿ"}
    )
    journal.append(written)
    journal.append(JournalEntry.new(asset_id="a2", command="clear", base_url=URL, before={}))

    read = journal.entries("a1")
    assert read == [written]
    for key, value in read[0].before.items():
        assert type(value) is type(EVERY_TYPE[key]), key  # True stays bool, 1.0 stays float
    assert [e.after for e in journal.entries()] == [{"x": "ÿ"}, None]

    raw = lines(path)[0]
    assert "Café ☕ 日本語 🎬" in raw  # ensure_ascii=False
    assert ", " not in raw and ": " not in raw.replace("Café ☕", "")  # compact
    assert JournalEntry.from_json(json.loads(raw)) == written


def test_new_entry_shape() -> None:
    e = entry()
    assert e.status == "pending" and e.after is None
    assert len(e.time) == len("2026-12-03T19:22:37.123Z") and e.time.endswith("Z")
    assert e.id != entry().id


def test_file_is_0600_and_folder_0700(path: Path) -> None:
    Journal(path).append(entry())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sidecar in path.parent.iterdir():
        assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600, sidecar


def test_reading_a_missing_journal_creates_nothing(path: Path) -> None:
    journal = Journal(path)
    assert journal.entries() == []
    assert journal.last("a1") is None
    assert not path.parent.exists()


def test_mark_applies_the_latest_status(path: Path) -> None:
    journal = Journal(path)
    first, second = entry(i=1), entry(i=2)
    journal.append(first)
    journal.append(second)
    assert [e.status for e in journal.entries()] == ["pending", "pending"]

    journal.mark(first.id, "done", asset_id="a1")
    journal.mark(second.id, "failed", asset_id="a1")
    journal.mark(first.id, "rolled-back", asset_id="a1")

    assert [e.status for e in journal.entries("a1")] == ["rolled-back", "failed"]
    assert len(lines(path)) == 5  # nothing rewritten in place


def test_unknown_status_is_refused(path: Path) -> None:
    journal = Journal(path)
    with pytest.raises(ValueError, match="unknown journal status"):
        journal.mark("x", "finished", asset_id="a1")
    with pytest.raises(ValueError, match="unknown journal status"):
        journal.append(entry(status="ok"))
    assert not path.exists()


def test_nan_is_refused_rather_than_written_as_invalid_json(path: Path) -> None:
    bad = JournalEntry.new(asset_id="a1", command="set", base_url=URL, before={"x": float("nan")})
    with pytest.raises(ValueError):
        Journal(path).append(bad)


def test_last_per_asset_base_url_and_status(path: Path) -> None:
    journal = Journal(path)
    done_prod = entry("a1", i=1)
    other_asset = entry("a2", i=2)
    done_emulator = entry("a1", base_url=EMULATOR, i=3)
    pending_prod = entry("a1", i=4)
    for e in (done_prod, other_asset, done_emulator, pending_prod):
        journal.append(e)
    for e in (done_prod, other_asset, done_emulator):
        journal.mark(e.id, "done", asset_id=e.asset_id)

    def last_i(
        asset_id: str, base_url: str | None = None, statuses: tuple[str, ...] = STATUSES
    ) -> object:
        found = journal.last(asset_id, base_url=base_url, statuses=statuses)
        return None if found is None else found.before["i"]

    assert last_i("a1") == 4
    assert last_i("a2") == 2
    assert last_i("a3") is None
    assert journal.last("a1") == journal.last("a1", statuses=STATUSES)  # the default: any
    assert last_i("a1", base_url=URL) == 4
    assert last_i("a1", base_url=EMULATOR) == 3
    assert last_i("a1", base_url="http://elsewhere") is None
    assert last_i("a1", statuses=("done",)) == 3
    assert last_i("a1", base_url=URL, statuses=("done",)) == 1
    assert last_i("a1", statuses=("failed",)) is None


def test_torn_last_line_is_skipped_and_the_next_append_readable(path: Path) -> None:
    journal = Journal(path)
    journal.append(entry(i=1))
    torn = json.dumps(entry(i=99).to_json(), ensure_ascii=False).encode()
    with path.open("ab") as f:  # a crash halfway through a record, mid-character too
        f.write(torn[: len(torn) // 2] + "é".encode()[:1])

    assert [e.before["i"] for e in journal.entries()] == [1]
    journal.append(entry(i=2))
    assert [e.before["i"] for e in journal.entries()] == [1, 2]
    assert path.read_bytes().endswith(b"\n")


@pytest.mark.parametrize(
    "garbage",
    [b"not json", b"[1, 2]", b'"text"', b"{}", b'{"id": 1}', b"\xff\xfe", b'{"ref": 5}'],
)
def test_foreign_lines_are_skipped(path: Path, garbage: bytes) -> None:
    journal = Journal(path)
    journal.append(entry(i=1))
    with path.open("ab") as f:
        f.write(garbage + b"\n")
    journal.append(entry(i=2))
    assert [e.before["i"] for e in journal.entries()] == [1, 2]


@pytest.mark.parametrize(
    "change",
    [
        {"before": None},
        {"before": {"k": None}},
        {"before": {"k": {"nested": 1}}},
        {"before": {"k": [1, 2]}},
        {"after": "x"},
        {"time": 5},
        {"id": None},
    ],
)
def test_from_json_rejects_wrong_shapes(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        JournalEntry.from_json({**entry().to_json(), **change})


def test_rotation_bounds_size_and_keeps_history_across_files(path: Path) -> None:
    journal = Journal(path, max_bytes=1000, keep=2, durable=False)
    written = [entry(i=i) for i in range(60)]
    for e in written:
        journal.append(e)
    # The oldest entry's outcome lands in a newer file than the entry itself.
    survivors = journal.entries()
    journal.mark(survivors[0].id, "done", asset_id="a1")

    files = sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".lock"))
    assert files == ["journal.jsonl", "journal.jsonl.1", "journal.jsonl.2"]
    assert all(p.stat().st_size <= 1000 for p in path.parent.iterdir())

    read = journal.entries()
    assert len(read) > len(lines(path))  # history spans the rotated files
    assert [e.id for e in read] == [e.id for e in written[-len(read) :]]  # newest, in order
    assert read[0].status == "done"
    assert journal.last("a1") == written[-1]


def test_keep_zero_keeps_only_the_current_file(path: Path) -> None:
    journal = Journal(path, max_bytes=500, keep=0, durable=False)
    for i in range(20):
        journal.append(entry(i=i))
    assert sorted(p.name for p in path.parent.iterdir()) == ["journal.jsonl", "journal.jsonl.lock"]
    assert journal.entries()[-1].before["i"] == 19


# Each process waits on stdin so that all four start appending at the same moment.
WRITER = """
import sys
from pathlib import Path
from assetmeta.journal import STATUSES, Journal, JournalEntry
path, name, max_bytes, keep = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
journal = Journal(Path(path), max_bytes=max_bytes, keep=keep, durable=False)
sys.stdin.read(1)
for i in range(200):
    journal.append(JournalEntry.new(
        asset_id=name, command="set", base_url="u", before={"i": i, "pad": "é" * 40}))
"""


def assert_complete(journal: Journal, writers: int, per_writer: int) -> None:
    """Every record intact on its own line, none lost, each writer's in its own order."""
    raw: list[str] = []
    for p in sorted(journal.path.parent.glob("journal.jsonl*")):
        if not p.name.endswith(".lock"):
            raw += lines(p)
    assert len(raw) == writers * per_writer
    assert all(json.loads(line)["before"]["pad"] == "é" * 40 for line in raw)
    read = journal.entries()
    assert len({e.id for e in read}) == writers * per_writer
    for name in {e.asset_id for e in read}:
        assert [e.before["i"] for e in read if e.asset_id == name] == list(range(per_writer))


@pytest.mark.parametrize(("max_bytes", "keep"), [(8 * 1024 * 1024, 3), (20_000, 100)])
def test_processes_appending_at_once(path: Path, max_bytes: int, keep: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"p{n}", str(max_bytes), str(keep)],
            stdin=subprocess.PIPE,
            env=env,
        )
        for n in range(4)
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"g")
        proc.stdin.close()
    assert [proc.wait(timeout=30) for proc in procs] == [0, 0, 0, 0]
    assert_complete(Journal(path, max_bytes=max_bytes, keep=keep), 4, 200)
    if max_bytes < 8 * 1024 * 1024:
        assert len(list(path.parent.glob("journal.jsonl.*"))) > 3  # it did rotate


def test_threads_appending_at_once(path: Path) -> None:
    shared = Journal(path, max_bytes=20_000, keep=100, durable=False)
    start = threading.Barrier(8)

    def write(n: int) -> None:
        # Half share one Journal, half have their own, as separate callers would.
        journal = shared if n % 2 else Journal(path, max_bytes=20_000, keep=100, durable=False)
        start.wait()
        for i in range(100):
            journal.append(
                JournalEntry.new(
                    asset_id=f"t{n}", command="set", base_url="u", before={"i": i, "pad": "é" * 40}
                )
            )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert_complete(shared, 8, 100)
