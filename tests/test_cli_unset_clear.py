"""`assetmeta unset` and `assetmeta clear`, end to end: the removing commands. What the
server received, the stored state after, the exit code, stdout and stderr apart."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator

from .cli_support import (
    BARE_ID,
    BARE_ID_2,
    OTHER_ID,
    SAMPLE_METADATA,
    asset_path,
    calls,
    metadata_path,
)
from .conftest import Cli, Run, check_output, stored, writes

# -- unset ---------------------------------------------------------------------------------


def test_unset_sends_one_patch_with_each_key_null(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "campaign", "tags")

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"campaign": None, "tags": None}}),
    ]
    assert stored(emulator, asset_id) == {
        k: v for k, v in SAMPLE_METADATA.items() if k not in ("campaign", "tags")
    }
    assert f"{asset_id}: removed campaign, removed tags" in run.stderr


def test_unset_of_an_unknown_key_is_idempotent_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "neverSet")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert f"{asset_id}: unchanged" in run.stderr


def test_unset_without_the_journal_sends_the_nulls_blind(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "neverSet", "priority", "--no-journal")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"neverSet": None, "priority": None}})
    ]
    assert stored(emulator, asset_id) == {
        k: v for k, v in SAMPLE_METADATA.items() if k != "priority"
    }


@pytest.mark.parametrize("keys", [["neverSet"], ["campaign", "neverSet"]], ids=["one", "mixed"])
def test_unset_strict_exits_4_for_a_missing_key_and_sends_no_patch(
    cli: Cli, emulator: Emulator, asset_id: str, keys: list[str]
) -> None:
    run = cli("unset", asset_id, *keys, "--strict")

    assert run.code == 4
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert run.stdout == ""
    assert "neverSet" in run.stderr and run.stderr.startswith("error: ")


def test_unset_strict_removes_keys_that_are_there(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "campaign", "--strict", "--no-journal")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"campaign": None}}),
    ]
    assert "campaign" not in stored(emulator, asset_id)


def test_unset_over_several_ids(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    (cli.cwd / "ids.txt").write_text(f"# two\n{asset_id}\n\n{OTHER_ID}\n", encoding="utf-8")

    run = cli("unset", "--ids-from", "ids.txt", "campaign", "--no-journal")

    assert run.code == 0, run.stderr
    assert sorted(writes(emulator)) == [
        ("PATCH", metadata_path(i), {"user_metadata": {"campaign": None}})
        for i in sorted([asset_id, OTHER_ID])
    ]
    assert "campaign" not in stored(emulator, asset_id)


def test_unset_dry_run_prints_the_patch_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "campaign", "tags", "--dry-run")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert run.stdout.splitlines() == [
        f"GET {emulator.base_url}/assets/{asset_id}",  # the journal's snapshot
        f"PATCH {emulator.base_url}/assets/{asset_id}/user-metadata",
        '{"user_metadata":{"campaign":null,"tags":null}}',
    ]
    assert stored(emulator, asset_id) == SAMPLE_METADATA


def test_unset_strict_dry_run_shows_its_get_even_without_the_journal(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("unset", asset_id, "campaign", "--strict", "--no-journal", "--dry-run")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert run.stdout.splitlines()[0] == f"GET {emulator.base_url}/assets/{asset_id}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no key given"),
        (["campaign", "campaign"], "given twice"),
        ([""], "empty key"),
        (["ok", "\udcff"], "not valid Unicode"),
    ],
    ids=["no-key", "twice", "empty", "surrogate"],
)
def test_unset_usage_errors_exit_2_and_send_nothing(
    cli: Cli, emulator: Emulator, asset_id: str, args: list[str], message: str
) -> None:
    run = cli("unset", asset_id, *args)

    assert run.code == 2
    assert emulator.requests == []
    assert message in run.stderr


def test_unset_with_nothing_at_all_asks_for_the_id(cli: Cli, emulator: Emulator) -> None:
    run = cli("unset")
    assert run.code == 2
    assert "error: no asset id given" in run.stderr
    assert emulator.requests == []


# -- clear ---------------------------------------------------------------------------------


def test_clear_without_a_terminal_needs_yes(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("clear", asset_id)

    assert run.code == 2
    assert emulator.requests == []
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert run.stdout == ""
    assert "--yes" in run.stderr


def _answer_at_a_terminal(cli: Cli, answer: bytes, *args: str) -> Run:
    """Run the CLI with stdin and stderr on a pseudo-terminal, answer its question, and
    return what it printed (stderr as the terminal showed it)."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assetmeta", *args],
        stdin=follower,
        stderr=follower,
        stdout=subprocess.PIPE,
        env=cli.env,
        cwd=cli.cwd,
    )
    os.close(follower)
    shown = b""
    try:
        while b"[y/N]" not in shown:
            ready, _, _ = select.select([leader], [], [], 10)
            assert ready, f"no question asked: {shown!r}"
            shown += os.read(leader, 1024)
        os.write(leader, answer)
        assert proc.stdout is not None
        stdout = proc.stdout.read()
        code = proc.wait(timeout=30)
        while select.select([leader], [], [], 0.2)[0]:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    run = Run(code, stdout.decode(), shown.decode().replace("\r\n", "\n"))
    check_output(run, cli.secrets)
    return run


@pytest.mark.parametrize(
    ("answer", "code", "deleted"), [(b"y\n", 0, True), (b"n\n", 1, False), (b"\n", 1, False)]
)
def test_clear_asks_at_a_terminal(
    cli: Cli, emulator: Emulator, asset_id: str, answer: bytes, code: int, deleted: bool
) -> None:
    run = _answer_at_a_terminal(cli, answer, "clear", asset_id)

    assert run.code == code
    assert f"Delete all user metadata of {asset_id}? [y/N]" in run.stderr
    assert run.stdout == ""
    if deleted:
        assert writes(emulator) == [("DELETE", metadata_path(asset_id), None)]
        assert stored(emulator, asset_id) == {}
    else:
        assert emulator.requests == []
        assert stored(emulator, asset_id) == SAMPLE_METADATA
        assert "nothing was changed" in run.stderr


@pytest.mark.parametrize("flag", ["--yes", "-y"])
def test_clear_with_yes_deletes_everything(
    cli: Cli, emulator: Emulator, asset_id: str, flag: str
) -> None:
    run = cli("clear", asset_id, flag)

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    # The GET is the journal's snapshot: clear always journals.
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("DELETE", metadata_path(asset_id), None),
    ]
    assert stored(emulator, asset_id) == {}
    assert "user_metadata" not in emulator.store.get(asset_id)
    assert "removed campaign" in run.stderr


def test_clear_of_an_asset_without_metadata_sends_nothing(cli: Cli, emulator: Emulator) -> None:
    run = cli("clear", BARE_ID, "--yes")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [("GET", asset_path(BARE_ID), None)]
    assert f"{BARE_ID}: unchanged" in run.stderr


def test_clear_dry_run_prints_the_snapshot_and_the_delete_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("clear", asset_id, OTHER_ID, "--dry-run")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert run.stdout.splitlines() == [
        f"GET {emulator.base_url}/assets/{asset_id}",  # the journal's snapshot, always
        f"DELETE {emulator.base_url}/assets/{asset_id}/user-metadata",
        f"GET {emulator.base_url}/assets/{OTHER_ID}",
        f"DELETE {emulator.base_url}/assets/{OTHER_ID}/user-metadata",
    ]
    assert stored(emulator, asset_id) == SAMPLE_METADATA


def test_clear_over_several_ids(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("clear", asset_id, OTHER_ID, BARE_ID_2, "--yes")

    assert run.code == 0, run.stderr
    assert sorted(writes(emulator)) == [
        ("DELETE", metadata_path(i), None) for i in sorted([asset_id, OTHER_ID])
    ]
    assert stored(emulator, asset_id) == stored(emulator, OTHER_ID) == {}
    assert "clear: 2 changed, 1 unchanged, 0 failed (of 3)" in run.stderr


# -- unset over several assets: with --id or --ids-from, every argument is a key ----------


def test_unset_with_ids_from_takes_every_argument_as_a_key(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = [a["_id"] for a in emulator.store.all()][:3]
    for i in ids:
        emulator.store.put(i, {"draft": True, "needsReview": True, "keep": 1})
    listing = tmp_path / "ids.txt"
    listing.write_text("\n".join(ids) + "\n")

    run = cli("unset", "--ids-from", str(listing), "draft", "needsReview")

    assert run.code == 0, run.stderr
    assert all(stored(emulator, i) == {"keep": 1} for i in ids)


def test_unset_with_id_options_takes_every_argument_as_a_key(
    cli: Cli, emulator: Emulator
) -> None:
    ids = [a["_id"] for a in emulator.store.all()][:2]
    for i in ids:
        emulator.store.put(i, {"draft": True, "keep": 1})

    run = cli("unset", "--id", ids[0], "-i", ids[1], "draft")

    assert run.code == 0, run.stderr
    assert all(stored(emulator, i) == {"keep": 1} for i in ids)


def test_unset_with_ids_given_and_no_key_says_so(cli: Cli, emulator: Emulator) -> None:
    run = cli("unset", "--id", SAMPLE_ASSET_ID)
    assert run.code == 2
    assert "no key given" in run.stderr
    assert emulator.requests == []
