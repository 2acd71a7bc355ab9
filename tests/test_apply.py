"""`assetmeta apply`: each line's shape is checked, lines of one asset run in file order, and
failures are reported in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator, Fault

from .conftest import Cli, stored
from .test_batch import make_assets


def _line(asset_id: str, metadata: object) -> str:
    return json.dumps({"asset_id": asset_id, "user_metadata": metadata}) + "\n"


BAD_SHAPES = [
    pytest.param('{"asset_id": "%s", "tag": "x"}', "user_metadata", id="no-wrapper"),
    pytest.param('{"asset_id": "%s", "user_metadata": "x"}', "must be a JSON object", id="string"),
    pytest.param('{"asset_id": "%s", "user_metadata": null}', "must be a JSON object", id="null"),
    pytest.param(
        '{"asset_id": "%s", "user_metadata": {}, "user_meta": {"a": 1}}',
        "unknown key 'user_meta'",
        id="extra-key",
    ),
    pytest.param('{"user_metadata": {"a": 1}}', "asset_id", id="no-id"),
    pytest.param('["%s"]', "expected", id="array"),
]


@pytest.mark.parametrize(("template", "message"), BAD_SHAPES)
def test_a_file_line_of_the_wrong_shape_sends_nothing(
    cli: Cli, emulator: Emulator, tmp_path: Path, template: str, message: str
) -> None:
    ids = make_assets(emulator, 2, metadata={"keep": 1})
    text = template % ids[1] if "%s" in template else template
    source = tmp_path / "in.jsonl"
    source.write_text(_line(ids[0], {"a": 1}) + text + "\n")
    for args in (["apply", str(source)], ["apply", "--replace", str(source)]):
        run = cli(*args)
        assert run.code == 2, run.stderr
        assert f"{source} line 2" in run.stderr and message in run.stderr
        assert emulator.requests == []
    assert [stored(emulator, i) for i in ids] == [{"keep": 1}, {"keep": 1}]


@pytest.mark.parametrize(("template", "message"), BAD_SHAPES)
def test_a_stdin_line_of_the_wrong_shape_fails_alone(
    cli: Cli, emulator: Emulator, template: str, message: str
) -> None:
    ids = make_assets(emulator, 3, metadata={"keep": 1})
    text = template % ids[1] if "%s" in template else template
    lines = _line(ids[0], {"a": 1}) + text + "\n" + _line(ids[2], {"a": 3})
    run = cli("apply", "--replace", "-", stdin=lines)
    assert run.code == 6, run.stderr
    assert [stored(emulator, i) for i in ids] == [{"a": 1}, {"keep": 1}, {"a": 3}]
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0]
    # The line is named once, as the user would look for it.
    assert errors[0].startswith("error: <stdin> line 2: ") and "line-2" not in errors[0]


def test_lines_of_one_asset_run_in_file_order(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2)
    emulator.faults.latency = 0.05
    lines = "".join(_line(ids[n % 2], {"n": n, f"k{n}": True}) for n in range(8))
    run = cli("apply", "-", "--concurrency", "8", stdin=lines)
    assert run.code == 0, run.stderr
    assert stored(emulator, ids[0]) == {"n": 6, "k0": True, "k2": True, "k4": True, "k6": True}
    assert stored(emulator, ids[1]) == {"n": 7, "k1": True, "k3": True, "k5": True, "k7": True}
    for asset in ids:
        # Each write of an asset reads the state the previous one left (journal GET, PATCH).
        methods = [r.method for r in emulator.requests if f"/assets/{asset}" in r.path]
        assert methods == ["GET", "PATCH"] * 4


def test_json_output_carries_failures_too(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2)
    missing = "f" * 24
    lines = _line(ids[0], {"a": 1}) + _line(missing, {"a": 2}) + "oops\n" + _line(ids[1], {"a": 3})
    run = cli("apply", "-", "-o", "json", stdin=lines)
    assert run.code == 6
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["asset_id"], r["action"]) for r in records] == [
        (ids[0], "changed"),
        (missing, "failed"),
        (None, "failed"),
        (ids[1], "changed"),
    ]
    assert records[1]["exit_code"] == 4 and missing in records[1]["error"]
    assert records[2]["exit_code"] == 2 and records[2]["line"] == 3


def test_failed_to_keeps_the_failed_lines_for_a_rerun(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 3)
    lines = [_line(i, {"a": n}) for n, i in enumerate(ids)]
    emulator.faults.add(Fault(method="PATCH", path_contains=ids[1], status=500))
    failed = tmp_path / "failed.jsonl"
    run = cli("apply", "-", "--failed-to", str(failed), stdin="".join(lines))
    assert run.code == 6
    assert failed.read_text() == lines[1]
    rerun = cli("apply", str(failed))
    assert rerun.code == 0, rerun.stderr
    assert [stored(emulator, i) for i in ids] == [{"a": 0}, {"a": 1}, {"a": 2}]


def test_dry_run_prints_the_requests(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 1)
    line = _line(ids[0], {"a": 1})
    merge = cli("apply", "-", "--dry-run", "-o", "jsonl", stdin=line)
    assert merge.code == 0, merge.stderr
    assert [(p["method"], p["body"]) for p in map(json.loads, merge.stdout.splitlines())] == [
        ("GET", None),
        ("PATCH", {"user_metadata": {"a": 1}}),
    ]
    unjournaled = cli("apply", "-", "--dry-run", "-o", "jsonl", "--no-journal", stdin=line)
    assert [p["method"] for p in map(json.loads, unjournaled.stdout.splitlines())] == ["PATCH"]
    replace = cli("apply", "--replace", "-", "--dry-run", "-o", "jsonl", stdin=line)
    assert [p["method"] for p in map(json.loads, replace.stdout.splitlines())] == [
        "GET",
        "DELETE",
        "PATCH",
    ]
    assert emulator.requests == []


def test_a_line_with_a_number_a_float_cannot_hold_sends_nothing(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    ids = make_assets(emulator, 1, metadata={"keep": 1})
    source = tmp_path / "in.jsonl"
    source.write_text(f'{{"asset_id": "{ids[0]}", "user_metadata": {{"k": 1e-400}}}}\n')
    run = cli("apply", str(source))
    assert run.code == 2, run.stderr
    assert f"{source} line 1: key 'k': " in run.stderr and "1e-400" in run.stderr
    assert emulator.requests == []


def test_a_line_with_a_byte_that_is_not_utf8_fails_alone_and_is_kept_byte_for_byte(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """Never sent as U+FFFD in its place: the line is refused, and --failed-to keeps the
    original bytes so the fixed file can be rerun."""
    good, bad = make_assets(emulator, 2)
    broken = b'{"asset_id": "%s", "user_metadata": {"title": "caf\xe9"}}\n' % bad.encode()
    failed = tmp_path / "failed.jsonl"
    run = cli(
        "apply", "-", "--failed-to", str(failed), stdin=_line(good, {"k": 1}).encode() + broken
    )
    assert run.code == 6, run.stderr
    assert "not valid Unicode" in run.stderr
    assert stored(emulator, good) == {"k": 1}
    assert [r.method for r in emulator.requests if bad in r.path] == []
    assert failed.read_bytes() == broken
