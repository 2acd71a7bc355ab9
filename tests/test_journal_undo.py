"""The undo journal from the command line (CLI.md "Safety"): every write is journaled before
it is sent, `history` lists it, `undo` restores the state before the last change (and is
journaled itself), `--no-journal` saves the GET of set/unset only, and a replace that could
not even restore its snapshot points at `undo`, which then really restores it."""

from __future__ import annotations

import json
import stat
import threading
import time
from typing import Any

import pytest

from assetmeta.emulator import Emulator, Fault

from .cli_support import history
from .conftest import Cli, Run, stored, writes

NEW = {"owner": "lena", "title": "Final cut"}


def journal_path(cli: Cli) -> Any:
    return cli.state_dir / "journal.jsonl"


def journal_lines(cli: Cli) -> list[dict[str, Any]]:
    path = journal_path(cli)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


# Each write command, and the request that changes something.
WRITES = {
    "set": (("set", "{id}", "owner=lena"), "PATCH"),
    "unset": (("unset", "{id}", "campaign"), "PATCH"),
    "clear": (("clear", "{id}", "--yes"), "DELETE"),
    "replace": (("replace", "{id}", "owner=lena", "title=Final cut"), "DELETE"),
    "replace-put": (("replace", "{id}", "owner=lena", "--strategy", "put"), "PUT"),
}


def argv(name: str, asset_id: str) -> list[str]:
    return [arg.format(id=asset_id) for arg in WRITES[name][0]]


@pytest.mark.parametrize("name", list(WRITES))
def test_the_journal_entry_is_on_disk_before_the_write_reaches_the_platform(
    name: str, emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    method = WRITES[name][1]
    before = stored(emulator, asset_id)
    # The write is held at the emulator (then applied) while the journal is read.
    emulator.faults.add(Fault(method=method, status=200, delay=1.5))
    result: list[Run] = []
    worker = threading.Thread(target=lambda: result.append(cli(*argv(name, asset_id))))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while emulator.faults.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not emulator.faults.pending(), "the write never reached the emulator"
        entries = [e for e in journal_lines(cli) if e.get("asset_id") == asset_id]
        assert stored(emulator, asset_id) == before  # not applied yet
    finally:
        worker.join()
    assert [e["status"] for e in entries if "command" in e] == ["pending"]
    assert entries[0]["before"] == before
    assert result[0].code == 0, result[0].stderr
    assert history(cli, asset_id)[-1]["status"] == "done"


def test_journal_file_is_private_in_the_state_folder(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    assert cli("set", asset_id, "owner=lena").code == 0
    path = journal_path(cli)
    assert path.parent == cli.state_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.state_dir.stat().st_mode) & 0o077 == 0


def test_history_lists_command_before_after_and_status(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    original = stored(emulator, asset_id)
    assert cli("set", asset_id, "owner=lena").code == 0
    assert cli("unset", asset_id, "owner").code == 0
    entries = history(cli, asset_id)
    assert [(e["command"], e["status"]) for e in entries] == [("set", "done"), ("unset", "done")]
    assert entries[0]["before"] == original
    assert entries[0]["after"] == {**original, "owner": "lena"}
    assert entries[1]["before"] == {**original, "owner": "lena"}
    assert entries[1]["after"] == original
    assert all(e["base_url"] == emulator.base_url for e in entries)
    assert history(cli, "6848572f3f28f5d866e8f86f") == []  # per asset


@pytest.mark.parametrize("name", list(WRITES))
def test_undo_restores_the_state_before_the_last_change(
    name: str, emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    assert cli("set", asset_id, "priority=7").code == 0  # an earlier change stays
    before = stored(emulator, asset_id)
    assert cli(*argv(name, asset_id)).code == 0
    changed = stored(emulator, asset_id)
    assert changed != before

    run = cli("undo", asset_id)
    assert run.code == 0, run.stderr
    assert stored(emulator, asset_id) == before
    assert history(cli, asset_id)[-1]["command"] == "undo"

    # Undo is journaled: undoing it goes back to the state after the change.
    assert cli("undo", asset_id).code == 0
    assert stored(emulator, asset_id) == changed


def test_undo_dry_run_sends_nothing(emulator: Emulator, cli: Cli, asset_id: str) -> None:
    original = stored(emulator, asset_id)
    assert cli("set", asset_id, "owner=lena").code == 0
    emulator.clear_requests()
    run = cli("undo", asset_id, "--dry-run")
    assert run.code == 0
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines if line[:1].isupper()] == ["GET", "DELETE", "PATCH"]
    assert json.loads(lines[-1]) == {"user_metadata": original}
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("how", "flags", "env"),
    [
        ("flag", ["--no-journal"], {}),
        ("env", [], {"ASSETMETA_NO_JOURNAL": "1"}),
        ("config", [], {}),
    ],
)
@pytest.mark.parametrize("command", [["set", "{id}", "owner=lena"], ["unset", "{id}", "campaign"]])
def test_no_journal_skips_the_get_and_the_entry_of_set_and_unset(
    how: str,
    flags: list[str],
    env: dict[str, str | None],
    command: list[str],
    emulator: Emulator,
    cli: Cli,
    asset_id: str,
) -> None:
    if how == "config":
        assert cli("config", "set", "journal", "false").code == 0
    run = cli(*[a.format(id=asset_id) for a in command], *flags, env=env)
    assert run.code == 0, run.stderr
    assert [r.method for r in emulator.requests] == ["PATCH"]
    assert journal_lines(cli) == []
    assert history(cli, asset_id) == []


@pytest.mark.parametrize(
    ("command", "methods"),
    [
        (["clear", "{id}", "--yes"], ["GET", "DELETE"]),
        (["replace", "{id}", "owner=lena"], ["GET", "DELETE", "PATCH"]),
        (["replace", "{id}", "owner=lena", "--strategy", "put"], ["GET", "PUT"]),
    ],
)
def test_clear_and_replace_journal_even_with_no_journal(
    command: list[str], methods: list[str], emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    original = stored(emulator, asset_id)
    run = cli(*[a.format(id=asset_id) for a in command], "--no-journal")
    assert run.code == 0, run.stderr
    assert [r.method for r in emulator.requests] == methods
    entries = history(cli, asset_id)
    assert [(e["command"], e["before"], e["status"]) for e in entries] == [
        (command[0], original, "done")
    ]
    assert cli("undo", asset_id, "--no-journal").code == 0
    assert stored(emulator, asset_id) == original


def test_replace_whose_restore_failed_too_points_at_undo_which_restores(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    original = stored(emulator, asset_id)
    # The PATCH of the new set fails, and so does the PATCH that puts the snapshot back.
    emulator.faults.add(Fault(method="PATCH", status=500, count=2))
    run = cli("replace", asset_id, "owner=lena", "--retries", "0")
    assert run.code == 5
    assert stored(emulator, asset_id) == {}  # the DELETE went through
    assert f"assetmeta undo {asset_id}" in run.stderr
    assert "restored" not in run.stderr.replace("restoring", "")
    assert [m for m, _, _ in writes(emulator)] == ["DELETE", "PATCH", "PATCH"]
    # Its outcome is unknown to the tool, so the entry stays pending and undo takes it.
    assert history(cli, asset_id)[-1]["status"] == "pending"

    run = cli("undo", asset_id)
    assert run.code == 0, run.stderr
    assert stored(emulator, asset_id) == original


def test_a_rolled_back_replace_is_journaled_as_such(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    original = stored(emulator, asset_id)
    emulator.faults.add(Fault(method="PATCH", status=503, count=1))
    run = cli("replace", asset_id, "owner=lena", "--retries", "0")
    assert run.code == 5
    assert "restored" in run.stderr
    assert stored(emulator, asset_id) == original
    assert history(cli, asset_id)[-1]["status"] == "rolled-back"


def test_undo_with_nothing_journaled_exits_4(emulator: Emulator, cli: Cli, asset_id: str) -> None:
    run = cli("undo", asset_id)
    assert run.code == 4
    assert "nothing to undo" in run.stderr
    assert emulator.requests == []


def test_undo_only_uses_entries_of_the_same_platform(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    assert cli("set", asset_id, "owner=lena").code == 0
    with Emulator(api_key=None) as other:
        run = cli("undo", asset_id, env={"TWELVELABS_BASE_URL": other.base_url})
        assert run.code == 4
        assert other.requests == []


def test_undo_skips_a_rolled_back_replace(emulator: Emulator, cli: Cli, asset_id: str) -> None:
    """A rolled-back replace changed nothing: undo takes back the change before it."""
    original = stored(emulator, asset_id)
    assert cli("set", asset_id, "owner=lena").code == 0
    emulator.faults.add(Fault(method="PATCH", status=503, count=1))
    assert cli("replace", asset_id, "only=this", "--retries", "0").code == 5
    assert stored(emulator, asset_id) == {**original, "owner": "lena"}
    run = cli("undo", asset_id)
    assert run.code == 0, run.stderr
    assert "from before 'set'" in run.stderr
    assert stored(emulator, asset_id) == original


def test_undo_skips_a_refused_write(emulator: Emulator, cli: Cli, asset_id: str) -> None:
    """A 400 is a definite no: the entry is marked failed and undo looks past it."""
    original = stored(emulator, asset_id)
    assert cli("set", asset_id, "owner=lena").code == 0
    emulator.faults.add(Fault(method="PATCH", status=400, count=1))
    assert cli("set", asset_id, "owner=max").code == 2
    assert history(cli, asset_id)[-1]["status"] == "failed"
    assert cli("undo", asset_id).code == 0
    assert stored(emulator, asset_id) == original


def test_undo_after_two_broken_replaces_restores_the_original(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    """The second replace snapshots the emptied asset; undo must look past that snapshot
    (it equals the metadata now) to the state before the first."""
    original = stored(emulator, asset_id)
    for _ in range(2):
        emulator.faults.add(Fault(method="PATCH", status=500, count=2))
        assert cli("replace", asset_id, "owner=lena", "--retries", "0").code == 5
        assert stored(emulator, asset_id) == {}
    run = cli("undo", asset_id)
    assert run.code == 0, run.stderr
    assert stored(emulator, asset_id) == original


def test_undo_takes_several_ids_and_ids_from(emulator: Emulator, cli: Cli) -> None:
    ids = [a["_id"] for a in emulator.store.all()][:3]
    originals = [stored(emulator, i) for i in ids]
    for i in ids:
        assert cli("set", i, "undo_me=1").code == 0
    run = cli("undo", ids[0], "--ids-from", "-", stdin="\n".join(ids[1:]) + "\n")
    assert run.code == 0, run.stderr
    assert [stored(emulator, i) for i in ids] == originals
    # An id with nothing journaled fails alone among several.
    missing = "e" * 24
    run = cli("undo", ids[0], missing)
    assert run.code == 6
    assert f"{missing}: nothing to undo" in run.stderr
