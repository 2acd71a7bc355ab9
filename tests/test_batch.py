"""Many assets per command: --ids-from, concurrency, partial failure, export and apply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assetmeta.emulator import Emulator

from .conftest import Cli, stored


def make_assets(
    emulator: Emulator, count: int, *, metadata: dict[str, Any] | None = None
) -> list[str]:
    ids = [f"{n:024x}" for n in range(1, count + 1)]
    emulator.store.replace_all(
        [
            {
                "_id": i,
                "filename": f"clip-{n}.mp4",
                "file_type": "video/mp4",
                "method": "direct",
                "status": "ready",
                "created_at": f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                **({"user_metadata": metadata} if metadata else {}),
            }
            for n, i in enumerate(ids)
        ]
    )
    emulator.clear_requests()
    return ids


def test_set_over_ids_from_a_file(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 40)
    listing = tmp_path / "ids.txt"
    listing.write_text(
        "# uploaded today\n" + "\n".join(ids[:20]) + "\n\n" + "\n".join(ids[20:]) + "\n"
    )
    run = cli("set", "--ids-from", str(listing), "batch=42", "--concurrency", "8")
    assert run.code == 0, run.stderr
    patches = [r for r in emulator.requests if r.method == "PATCH"]
    assert sorted(r.path.split("/")[3] for r in patches) == sorted(ids)
    assert all(r.json == {"user_metadata": {"batch": 42}} for r in patches)
    assert all(stored(emulator, i) == {"batch": 42} for i in ids)
    assert "40 changed, 0 failed (of 40)" in run.stderr


def test_ids_from_stdin_and_no_journal_sends_only_patches(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 10)
    run = cli("set", "--ids-from", "-", "k=v", "--no-journal", stdin="\n".join(ids))
    assert run.code == 0, run.stderr
    assert [r.method for r in emulator.requests] == ["PATCH"] * 10


def test_some_missing_ids_exit_6_and_are_listed(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 6)
    missing = ["ffffffffffffffffffffff01", "ffffffffffffffffffffff02"]
    failed_file = tmp_path / "failed.txt"
    run = cli(
        "set", *ids[:3], missing[0], *ids[3:], missing[1], "k=1", "--failed-to", str(failed_file)
    )
    assert run.code == 6
    assert failed_file.read_text().split() == missing
    for missing_id in missing:
        assert f"error: {missing_id}" in run.stderr
    assert "6 changed, 2 failed (of 8)" in run.stderr
    assert f"set: failed: {missing[0]}, {missing[1]}\n" in run.stderr
    assert all(stored(emulator, i) == {"k": 1} for i in ids)
    # The rerun takes exactly the failed ones.
    rerun = cli("set", "--ids-from", str(failed_file), "k=1")
    assert rerun.code == 4


def test_a_bad_id_in_a_file_fails_alone(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 3)
    listing = tmp_path / "ids.txt"
    listing.write_text(f"{ids[0]}\n../indexes\n{ids[1]}\n")
    run = cli("set", "--ids-from", str(listing), "k=1")
    assert run.code == 6
    assert "invalid asset id '../indexes'" in run.stderr
    assert {r.path for r in emulator.requests if "indexes" in r.path} == set()


def test_show_several_in_input_order(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 12, metadata={"k": "v"})
    order = list(reversed(ids))
    run = cli("show", *order, "--concurrency", "4")
    assert run.code == 0
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["asset_id"] for line in lines] == order
    assert all(line["user_metadata"] == {"k": "v"} for line in lines)


def test_export_follows_pagination(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 120, metadata={"n": 1})
    run = cli("export")
    assert run.code == 0, run.stderr
    exported = [json.loads(line) for line in run.stdout.splitlines()]
    assert sorted(e["asset_id"] for e in exported) == sorted(ids)
    lists = [r for r in emulator.requests if r.path.endswith("/assets")]
    assert [r.query.get("page") for r in lists] == [["1"], ["2"], ["3"]]
    assert all(r.query.get("page_limit") == ["50"] for r in lists)


def test_export_filters_reach_the_server(cli: Cli, emulator: Emulator) -> None:
    run = cli("export", "--asset-type", "video", "--asset-type", "image", "--filename", "LAUNCH")
    assert run.code == 0
    query = emulator.requests[0].query
    assert query["asset_types"] == ["video", "image"] and query["filename"] == ["LAUNCH"]
    names = {
        emulator.store.get(json.loads(line)["asset_id"])["filename"]
        for line in run.stdout.splitlines()
    }
    assert names and all("launch" in n.lower() for n in names)


def test_export_then_apply_round_trips_exactly(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    odd = {
        "s": "007",
        "i": 5,
        "f": 1.5,
        "b": False,
        "tags": ["ü", "漢字"],
        "big": "9007199254740993",
    }
    ids = make_assets(emulator, 5, metadata=odd)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(cli("export").stdout)
    for i in ids:
        emulator.store.delete(i)
    emulator.clear_requests()
    run = cli("apply", str(dump), "--replace")
    assert run.code == 0, run.stderr
    for i in ids:
        value = stored(emulator, i)
        assert value == odd and type(value["f"]) is float and type(value["b"]) is bool


def test_apply_merges_and_journals(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 3, metadata={"keep": 1})
    lines = "".join(
        json.dumps({"asset_id": i, "user_metadata": {"new": n}}) + "\n" for n, i in enumerate(ids)
    )
    run = cli("apply", "-", stdin=lines)
    assert run.code == 0, run.stderr
    assert [stored(emulator, i) for i in ids] == [{"keep": 1, "new": n} for n in range(3)]
    history = cli("history", ids[0], "-o", "json")
    assert json.loads(history.stdout)[0]["command"] == "apply"


def test_apply_file_with_a_bad_line_sends_nothing(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 2)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"asset_id": ids[0], "user_metadata": {"a": 1}})
        + "\n"
        + json.dumps({"asset_id": ids[1], "user_metadata": {"a": {"nested": 1}}})
        + "\n"
    )
    run = cli("apply", str(bad))
    assert run.code == 2
    assert "line 2" in run.stderr
    assert emulator.requests == []


def test_apply_stdin_bad_line_fails_alone(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2)
    lines = (
        json.dumps({"asset_id": ids[0], "user_metadata": {"a": 1}})
        + "\nnot json\n"
        + json.dumps({"asset_id": ids[1], "user_metadata": {"a": 2}})
        + "\n"
    )
    run = cli("apply", "-", stdin=lines)
    assert run.code == 6
    assert stored(emulator, ids[0]) == {"a": 1} and stored(emulator, ids[1]) == {"a": 2}
    assert "line 2" in run.stderr


def test_show_several_honours_output_formats(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2, metadata={"k": "v", "n": 2})
    tsv = cli("show", *ids, "-o", "tsv")
    assert tsv.stdout.splitlines() == [
        f"{ids[0]}\tk\tv\tstring",
        f"{ids[0]}\tn\t2\tinteger",
        f"{ids[1]}\tk\tv\tstring",
        f"{ids[1]}\tn\t2\tinteger",
    ]
    array = json.loads(cli("show", *ids, "-o", "json").stdout)
    assert [r["asset_id"] for r in array] == ids
    keyed = cli("show", *ids, "--key", "n", "-o", "tsv")
    assert keyed.stdout.splitlines() == [f"{ids[0]}\t2", f"{ids[1]}\t2"]


def test_ids_from_takes_a_comment_after_an_id(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2)
    run = cli("set", "--ids-from", "-", "k=1", stdin=f"{ids[0]}  # first\n\t{ids[1]}#second\n")
    assert run.code == 0, run.stderr
    assert [stored(emulator, i) for i in ids] == [{"k": 1}, {"k": 1}]


def test_the_summary_names_the_first_failed_ids_and_points_at_the_rest(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    missing = [f"ffffffffffffffffffff{n:04d}" for n in range(13)]
    run = cli("set", *make_assets(emulator, 1), *missing, "k=1")
    assert run.code == 6
    line = next(x for x in run.stderr.splitlines() if x.startswith("set: failed: "))
    assert line == (
        f"set: failed: {', '.join(missing[:10])} (+3 more; --failed-to FILE writes them all)"
    )


def test_show_of_several_ids_summarises_and_keeps_the_failed_ones(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 3)
    missing = "ffffffffffffffffffffff01"
    failed_file = tmp_path / "failed.txt"
    run = cli("show", ids[0], missing, *ids[1:], "--failed-to", str(failed_file))
    assert run.code == 6
    assert [json.loads(line)["asset_id"] for line in run.stdout.splitlines()] == ids
    assert "show: 3 shown, 1 failed (of 4)" in run.stderr
    assert f"show: failed: {missing}" in run.stderr
    assert failed_file.read_text() == f"{missing}\n"


def test_a_failed_to_in_a_missing_folder_is_refused_before_anything_is_sent(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 2)
    run = cli("set", *ids, "k=1", "--failed-to", str(tmp_path / "nope" / "failed.txt"))
    assert run.code == 2
    assert run.stderr.startswith(
        f"error: --failed-to {tmp_path / 'nope' / 'failed.txt'}: {tmp_path / 'nope'} does not exist"
    )
    assert emulator.requests == []


def test_failed_to_may_be_the_ids_file_being_read(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """`--ids-from failed.txt --failed-to failed.txt`: the rerun's own list is read whole
    before it is replaced by what failed this time."""
    ids = make_assets(emulator, 30)
    missing = "ffffffffffffffffffffff01"
    listing = tmp_path / "failed.txt"
    listing.write_text("\n".join([*ids, missing]) + "\n")
    run = cli("set", "--ids-from", str(listing), "k=1", "--failed-to", str(listing))
    assert run.code == 6
    assert all(stored(emulator, i) == {"k": 1} for i in ids)
    assert listing.read_text() == f"{missing}\n"


def test_a_refused_key_stops_a_batch_from_sending_more(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """A wrong key fails every asset the same way: after the first 401 the rest are not
    sent (no point spending the account's rate budget), but still fail, and are listed."""
    ids = make_assets(emulator, 5)
    failed = tmp_path / "failed.txt"
    run = cli(
        "set", *ids, "k=1", "--concurrency", "1", "--failed-to", str(failed),
        env={"TWELVE_LABS_API_KEY": "tlk_WRONGWRONGWRONG0000"},
    )  # fmt: skip
    assert run.code == 3, run.stderr
    assert [r.status for r in emulator.requests] == [401]
    assert failed.read_text().split() == ids
    assert run.stderr.count("not sent: the platform refused the API key") == 4


def test_failed_to_writes_through_a_symlink_and_keeps_the_mode(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    target = tmp_path / "target.txt"
    target.write_text("old\n")
    target.chmod(0o644)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    missing = "ffffffffffffffffffffff01"
    run = cli("set", *make_assets(emulator, 1), missing, "k=1", "--failed-to", str(link))
    assert run.code == 6
    assert link.is_symlink()
    assert target.read_text() == f"{missing}\n"
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("command", [["set", "z=1"], ["clear", "--yes"], ["undo"]])
def test_a_dry_run_fails_a_bad_id_alone_as_the_real_run_does(
    cli: Cli, emulator: Emulator, tmp_path: Path, command: list[str]
) -> None:
    good = make_assets(emulator, 2)
    if command == ["undo"]:
        for i in good:
            assert cli("set", i, "z=1").code == 0
        emulator.clear_requests()
    listing = tmp_path / "ids.txt"
    listing.write_text(f"{good[0]}\nbad id!\n{good[1]}\n")
    run = cli(*command[:1], "--ids-from", str(listing), *command[1:], "--dry-run")
    assert run.code == 6, run.stderr
    assert emulator.requests == []
    urls = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("GET ")]
    assert [url.rsplit("/", 1)[1] for url in urls] == good
    assert "invalid asset id 'bad id!'" in run.stderr
    assert "--dry-run: 2 planned, 1 failed (of 3)" in run.stderr
