"""`assetmeta replace`, end to end: the exact sequence of requests (GET snapshot, DELETE,
PATCH, or one PUT), the stored state after, and the rollback when the PATCH fails."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator, Fault

from .cli_support import (
    BARE_ID,
    SAMPLE_METADATA,
    asset_path,
    calls,
    history,
    metadata_path,
    typed,
    wait_until,
)
from .conftest import API_KEY, Cli, stored

NEW = {"batchNumber": 5, "code": "007", "tags": ["a", "b"]}
NEW_ITEMS = ["batchNumber=5", "code=007", 'tags:=["a","b"]']
# The rollback's one PATCH: the snapshot back, and the keys only the new set has deleted.
RESTORE = {"batchNumber": None, "code": None, **SAMPLE_METADATA}


@pytest.fixture
def old_server(tmp_path: Path) -> Iterator[tuple[Emulator, Cli]]:
    """A server that predates PUT /assets/{id}/user-metadata (it answers 405)."""
    with Emulator(api_key=API_KEY, put_enabled=False) as emulator:
        yield emulator, Cli(tmp_path / "old-home", emulator.base_url)


def test_replace_is_get_then_delete_then_patch(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS)

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("DELETE", metadata_path(asset_id), None),
        ("PATCH", metadata_path(asset_id), {"user_metadata": NEW}),
    ]
    assert typed(stored(emulator, asset_id)) == typed(NEW)
    assert "added batchNumber (integer)" in run.stderr
    assert "removed campaign" in run.stderr


def test_replace_from_a_file_with_items_over_it(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    (cli.cwd / "new.json").write_text(json.dumps({"user_metadata": NEW}), encoding="utf-8")

    run = cli("replace", asset_id, "-f", "new.json", "code=008")

    assert run.code == 0, run.stderr
    assert calls(emulator)[-1] == (
        "PATCH",
        metadata_path(asset_id),
        {"user_metadata": NEW | {"code": "008"}},
    )
    assert stored(emulator, asset_id) == NEW | {"code": "008"}


def test_replace_with_no_items_is_refused(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    for args in ([asset_id], ["--ids-from", "-"]):
        run = cli("replace", *args, stdin=asset_id)
        assert run.code == 2
        assert "replace would remove every key" in run.stderr and "clear" in run.stderr
    assert emulator.requests == []
    assert stored(emulator, asset_id) == SAMPLE_METADATA


@pytest.mark.parametrize("items", [["x:=null"], ["x:=null", "campaign:=null"]])
def test_replace_with_only_null_items_is_refused_like_no_items(
    cli: Cli, emulator: Emulator, asset_id: str, items: list[str]
) -> None:
    nothing = cli("replace", asset_id)
    for args in ([asset_id, *items], ["--ids-from", "-", *items]):
        run = cli("replace", *args, stdin=asset_id)
        assert run.code == 2, run.stderr
        assert "replace would remove every key" in run.stderr
        assert run.stderr.splitlines()[1:] == nothing.stderr.splitlines()[1:]  # the same hint
    assert emulator.requests == []
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    allowed = cli("replace", asset_id, *items, "--allow-empty")
    assert allowed.code == 0, allowed.stderr
    assert stored(emulator, asset_id) == {}


def test_replace_with_a_file_of_only_nulls_is_refused_too(
    cli: Cli, emulator: Emulator, asset_id: str, tmp_path: Path
) -> None:
    nulls = tmp_path / "nulls.json"
    nulls.write_text('{"campaign": null}')
    run = cli("replace", asset_id, "-f", str(nulls))
    assert run.code == 2, run.stderr
    assert "every key given is null" in run.stderr
    assert emulator.requests == []
    assert cli("replace", asset_id, "-f", str(nulls), "--allow-empty").code == 0
    assert stored(emulator, asset_id) == {}


def test_replace_with_an_empty_file_or_allow_empty_clears(
    cli: Cli, emulator: Emulator, asset_id: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    assert cli("replace", asset_id, "-f", str(empty)).code == 0
    assert stored(emulator, asset_id) == {}
    assert cli("undo", asset_id).code == 0
    emulator.clear_requests()
    run = cli("replace", asset_id, "--allow-empty")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("DELETE", metadata_path(asset_id), None),
    ]
    assert stored(emulator, asset_id) == {}


def test_replace_with_the_same_data_sends_no_delete(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    (cli.cwd / "same.json").write_text(json.dumps(SAMPLE_METADATA), encoding="utf-8")

    run = cli("replace", asset_id, "-f", "same.json")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert f"{asset_id}: unchanged" in run.stderr


def test_replace_always_journals_even_with_no_journal(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS, "--no-journal")

    assert run.code == 0, run.stderr
    assert [method for method, _, _ in calls(emulator)] == ["GET", "DELETE", "PATCH"]
    assert (cli.state_dir / "journal.jsonl").is_file()


def test_strategy_put_sends_one_put(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "put")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [
        ("GET", asset_path(asset_id), None),
        ("PUT", metadata_path(asset_id), {"user_metadata": NEW}),
    ]
    assert typed(stored(emulator, asset_id)) == typed(NEW)


def test_strategy_put_against_a_server_without_put_changes_nothing(
    old_server: tuple[Emulator, Cli], asset_id: str
) -> None:
    emulator, cli = old_server

    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "put")

    assert run.code == 1
    assert [(r.method, r.status) for r in emulator.requests] == [("GET", 200), ("PUT", 405)]
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert run.stdout == ""
    assert "no PUT route" in run.stderr
    assert "nothing was changed" in run.stderr
    assert "--strategy" in run.stderr  # the hint says how to get it done


def test_strategy_auto_falls_back_to_delete_and_patch(
    old_server: tuple[Emulator, Cli], asset_id: str
) -> None:
    emulator, cli = old_server

    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "auto")

    assert run.code == 0, run.stderr
    assert [(r.method, r.path, r.json, r.status) for r in emulator.requests] == [
        ("GET", asset_path(asset_id), None, 200),
        ("PUT", metadata_path(asset_id), {"user_metadata": NEW}, 405),
        ("DELETE", metadata_path(asset_id), None, 204),
        ("PATCH", metadata_path(asset_id), {"user_metadata": NEW}, 204),
    ]
    assert typed(stored(emulator, asset_id)) == typed(NEW)


def test_strategy_auto_uses_put_when_the_server_has_it(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "auto")

    assert run.code == 0, run.stderr
    assert [method for method, _, _ in calls(emulator)] == ["GET", "PUT"]
    assert stored(emulator, asset_id) == NEW


def test_a_failed_patch_is_rolled_back_to_the_snapshot(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=500, count=1))

    run = cli("replace", asset_id, *NEW_ITEMS)

    assert run.code == 5
    assert [(r.method, r.path, r.json, r.status) for r in emulator.requests] == [
        ("GET", asset_path(asset_id), None, 200),
        ("DELETE", metadata_path(asset_id), None, 204),
        ("PATCH", metadata_path(asset_id), {"user_metadata": NEW}, 500),
        ("PATCH", metadata_path(asset_id), {"user_metadata": RESTORE}, 204),
    ]
    assert typed(stored(emulator, asset_id)) == typed(SAMPLE_METADATA)
    assert run.stdout == ""
    assert "previous metadata was restored" in run.stderr


def test_a_refused_patch_is_rolled_back_with_a_hint_to_fix_the_input(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=400, count=1))

    run = cli("replace", asset_id, *NEW_ITEMS)

    assert run.code == 2, run.stderr
    assert typed(stored(emulator, asset_id)) == typed(SAMPLE_METADATA)
    assert "previous metadata was restored" in run.stderr
    hint = [line for line in run.stderr.splitlines() if line.startswith("hint:")]
    assert hint and "refused" in hint[0] and "when the platform answers" not in hint[0]


def test_a_patch_applied_but_answered_500_is_rolled_back_too(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    # The server applied the new set, then the answer was an error: the restore must also
    # delete the keys only the new set has.
    emulator.faults.add(Fault(method="PATCH", status=500, count=1, after=True))

    run = cli("replace", asset_id, *NEW_ITEMS)

    assert run.code == 5
    assert calls(emulator)[-1] == ("PATCH", metadata_path(asset_id), {"user_metadata": RESTORE})
    assert typed(stored(emulator, asset_id)) == typed(SAMPLE_METADATA)
    assert "previous metadata was restored" in run.stderr


def test_a_failed_restore_says_the_metadata_may_be_gone(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=500, count=2))

    run = cli("replace", asset_id, *NEW_ITEMS)

    assert run.code == 5
    assert stored(emulator, asset_id) == {}
    assert "restoring the previous metadata failed too" in run.stderr
    assert f"assetmeta undo {asset_id}" in run.stderr


def test_replace_dry_run_prints_every_step_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS, "--dry-run")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    base = emulator.base_url
    assert run.stdout.splitlines() == [
        f"GET {base}/assets/{asset_id}",
        f"DELETE {base}/assets/{asset_id}/user-metadata",
        f"PATCH {base}/assets/{asset_id}/user-metadata",
        json.dumps({"user_metadata": NEW}, sort_keys=True, separators=(",", ":")),
    ]
    assert stored(emulator, asset_id) == SAMPLE_METADATA


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a="], "empty value"),
        (["a=1", "a=2"], "given twice"),
        (['x:={"a":1}'], "objects are not allowed"),
        (["--strategy", "sideways"], "sideways"),
    ],
)
def test_replace_refuses_bad_input_before_sending(
    cli: Cli, emulator: Emulator, asset_id: str, args: list[str], message: str
) -> None:
    run = cli("replace", asset_id, *args)

    assert run.code == 2
    assert emulator.requests == []
    assert message in run.stderr


def test_replace_of_an_asset_without_metadata_is_one_patch_after_delete(
    cli: Cli, emulator: Emulator
) -> None:
    run = cli("replace", BARE_ID, "a=1")

    assert run.code == 0, run.stderr
    assert stored(emulator, BARE_ID) == {"a": 1}
    assert calls(emulator)[-1] == ("PATCH", metadata_path(BARE_ID), {"user_metadata": {"a": 1}})


# -- Requests that go unanswered and are applied late ------------------------------------
# A timed-out request may still be applied by the platform after the client has moved on,
# after the restore or the PATCH it sent next. No client can prevent that; the tool must
# not claim the asset is safe, and the journal must keep the way back.


def test_a_patch_applied_after_its_timeout_is_not_reported_as_restored(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=200, delay=1.5, count=1))

    run = cli("--timeout", "0.5", "replace", asset_id, *NEW_ITEMS)

    assert run.code == 5
    assert "may still apply the unanswered PATCH" in run.stderr
    assert "nothing changed" not in run.stderr
    assert f"assetmeta undo {asset_id}" in run.stderr
    wait_until(lambda: len(emulator.requests) == 4)
    # The restore went first; the late PATCH then merged the new set over it: neither the
    # old metadata nor the new, as the user was warned.
    assert [(r.method, r.json) for r in emulator.requests][-2:] == [
        ("PATCH", {"user_metadata": RESTORE}),
        ("PATCH", {"user_metadata": NEW}),
    ]
    assert typed(stored(emulator, asset_id)) == typed({**SAMPLE_METADATA, **NEW})
    assert history(cli, asset_id)[-1]["status"] == "pending"

    assert cli("undo", asset_id).code == 0
    assert typed(stored(emulator, asset_id)) == typed(SAMPLE_METADATA)


def test_a_delete_sent_twice_after_a_timeout_is_warned_about(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="DELETE", status=200, delay=1.5, count=1))

    run = cli("--timeout", "0.5", "--retries", "1", "replace", asset_id, *NEW_ITEMS)

    assert run.code == 0, run.stderr
    assert "warning:" in run.stderr and "a DELETE went unanswered" in run.stderr
    wait_until(lambda: len(emulator.requests) == 4)
    # The first DELETE, applied last, emptied the asset: exactly what the warning said.
    assert [r.method for r in emulator.requests] == ["GET", "DELETE", "PATCH", "DELETE"]
    assert stored(emulator, asset_id) == {}


def test_a_put_answered_404_after_the_asset_was_read_falls_back_with_auto(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    # An older server's unknown route may answer like an unknown asset; the GET just found
    # the asset, so the 404 is the route's.
    emulator.faults.add(Fault(method="PUT", status=404, count=1))

    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "auto")

    assert run.code == 0, run.stderr
    assert [(r.method, r.status) for r in emulator.requests] == [
        ("GET", 200),
        ("PUT", 404),
        ("DELETE", 204),
        ("PATCH", 204),
    ]
    assert typed(stored(emulator, asset_id)) == typed(NEW)


def test_strategy_auto_dry_run_shows_the_put_and_says_what_would_follow_it(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("replace", asset_id, *NEW_ITEMS, "--strategy", "auto", "--dry-run")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert [line.split()[0] for line in run.stdout.splitlines() if " http" in line] == [
        "GET",
        "PUT",
    ]
    assert "without a PUT route: DELETE, then PATCH" in run.stderr
