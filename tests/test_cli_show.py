"""`assetmeta show`, end to end: one GET per asset, and exactly what lands on stdout in each
format (stdout here is a pipe, so JSON unless a format is forced)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from assetmeta.emulator import Emulator

from .cli_support import (
    BARE_ID,
    OTHER_ID,
    OTHER_METADATA,
    SAMPLE_METADATA,
    UNKNOWN_ID,
    asset_path,
    calls,
)
from .conftest import Cli
from .test_security import _json, serve, url_of


def _pairs_in_order(text: str) -> list[list[tuple[str, object]]]:
    """Every JSON object in `text`, as its (key, value) pairs in the order printed."""
    objects: list[list[tuple[str, object]]] = []

    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        objects.append(pairs)
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    return objects


def test_piped_show_prints_sorted_json(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("show", asset_id)

    assert run.code == 0, run.stderr
    assert run.stderr == ""
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert json.loads(run.stdout) == SAMPLE_METADATA
    keys = [key for key, _ in _pairs_in_order(run.stdout)[-1]]
    assert keys == sorted(SAMPLE_METADATA)


def test_an_asset_without_metadata_shows_an_empty_object(cli: Cli, emulator: Emulator) -> None:
    assert "user_metadata" not in emulator.store.get(BARE_ID)

    run = cli("show", BARE_ID)

    assert run.code == 0, run.stderr
    assert run.stdout.strip() == "{}"


@pytest.mark.parametrize(
    ("key", "printed"),
    [
        ("campaign", "spring-launch"),
        ("priority", "2"),
        ("rating", "4.5"),
        ("reviewed", "true"),
        ("tags", '["hero","outdoor","product"]'),
    ],
)
def test_key_prints_the_raw_value(
    cli: Cli, emulator: Emulator, asset_id: str, key: str, printed: str
) -> None:
    run = cli("show", asset_id, "--key", key)

    assert run.code == 0, run.stderr
    assert run.stdout == printed + "\n"
    assert run.stderr == ""


def test_key_prints_a_string_without_quotes_or_escapes(cli: Cli, emulator: Emulator) -> None:
    emulator.store.put(BARE_ID, {"note": 'say "hi" ünïcode', "num": "007"})

    note = cli("show", BARE_ID, "-k", "note")
    num = cli("show", BARE_ID, "--key", "num")

    assert note.stdout == 'say "hi" ünïcode\n'
    assert num.stdout == "007\n"


def test_key_that_is_absent_exits_4(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("show", asset_id, "--key", "nope")

    assert run.code == 4
    assert run.stdout == ""
    assert "nope" in run.stderr and run.stderr.startswith("error: ")


def test_asset_shows_the_whole_asset_with_its_metadata(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, "--asset")

    assert run.code == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["_id"] == asset_id
    assert shown["filename"] == "spring-launch-hero.mp4"
    assert shown["status"] == "ready"
    assert shown["file_type"] == "video/mp4"
    assert shown["created_at"] == "2025-06-12T09:41:07Z"
    assert shown["user_metadata"] == SAMPLE_METADATA


def test_asset_without_metadata_still_has_an_empty_user_metadata(cli: Cli) -> None:
    run = cli("show", BARE_ID, "--asset", "-o", "json")

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["user_metadata"] == {}


def test_several_ids_print_json_lines_in_input_order(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    ids = [OTHER_ID, BARE_ID, asset_id]

    run = cli("show", *ids)

    assert run.code == 0, run.stderr
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"asset_id": OTHER_ID, "user_metadata": OTHER_METADATA},
        {"asset_id": BARE_ID, "user_metadata": {}},
        {"asset_id": asset_id, "user_metadata": SAMPLE_METADATA},
    ]
    assert sorted(path for _, path, _ in calls(emulator)) == sorted(asset_path(i) for i in ids)


def test_several_ids_with_one_missing_exit_6_and_print_the_others(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, UNKNOWN_ID, OTHER_ID)

    assert run.code == 6
    assert [json.loads(line) for line in run.stdout.splitlines()] == [
        {"asset_id": asset_id, "user_metadata": SAMPLE_METADATA},
        {"asset_id": OTHER_ID, "user_metadata": OTHER_METADATA},
    ]
    assert UNKNOWN_ID in run.stderr and "error: " in run.stderr
    assert asset_id not in run.stderr


def test_an_unknown_id_exits_4(cli: Cli, emulator: Emulator) -> None:
    run = cli("show", UNKNOWN_ID)

    assert run.code == 4
    assert run.stdout == ""
    assert calls(emulator) == [("GET", asset_path(UNKNOWN_ID), None)]
    assert run.stderr.startswith("error: ") and UNKNOWN_ID in run.stderr


def test_output_json_is_the_sorted_metadata(cli: Cli, asset_id: str) -> None:
    run = cli("show", asset_id, "-o", "json")

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == SAMPLE_METADATA


def test_output_jsonl_is_one_line(cli: Cli, asset_id: str) -> None:
    run = cli("show", asset_id, "--output", "jsonl")

    assert run.code == 0, run.stderr
    assert run.stdout.count("\n") == 1
    assert json.loads(run.stdout) == {"asset_id": asset_id, "user_metadata": SAMPLE_METADATA}


def test_output_tsv_is_key_value_type_rows(cli: Cli, asset_id: str) -> None:
    run = cli("show", asset_id, "-o", "tsv")

    assert run.code == 0, run.stderr
    assert run.stdout.splitlines() == [
        "campaign\tspring-launch\tstring",
        "priority\t2\tinteger",
        "rating\t4.5\tfloat",
        "reviewed\ttrue\tboolean",
        'tags\t["hero","outdoor","product"]\tarray',
    ]


def test_output_tsv_escapes_tabs_and_newlines(cli: Cli, emulator: Emulator) -> None:
    emulator.store.put(BARE_ID, {"memo": "a\tb\nc"})

    run = cli("show", BARE_ID, "-o", "tsv")

    assert run.stdout == "memo\ta\\tb\\nc\tstring\n"


@pytest.mark.parametrize("no_color", ["1", None], ids=["NO_COLOR", "colour-allowed"])
def test_forced_table_prints_values_literally(
    cli: Cli, emulator: Emulator, no_color: str | None
) -> None:
    emulator.store.put(BARE_ID, {"title": "[bold]x[/bold]", "emoji": ":smile:", "n": 3})

    run = cli("show", BARE_ID, "-o", "table", env={"NO_COLOR": no_color})

    assert run.code == 0, run.stderr
    assert "[bold]x[/bold]" in run.stdout
    assert ":smile:" in run.stdout
    assert "\x1b[" not in run.stdout
    rows = {line.split()[0]: line.split() for line in run.stdout.splitlines() if line.strip()}
    assert rows["n"][-1] == "integer"
    assert rows["title"][-1] == "string"


def test_forced_table_with_asset_shows_its_fields(cli: Cli, asset_id: str) -> None:
    run = cli("show", asset_id, "--asset", "-o", "table")

    assert run.code == 0, run.stderr
    for text in ("spring-launch-hero.mp4", "ready", "video/mp4", "spring-launch", "campaign"):
        assert text in run.stdout


def test_show_refuses_an_invalid_id_before_any_request(cli: Cli, emulator: Emulator) -> None:
    run = cli("show", "x?y=1")

    assert run.code == 2
    assert emulator.requests == []
    assert "invalid asset id 'x?y=1'" in run.stderr


def test_several_ids_as_json_with_one_missing_still_close_the_array(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, UNKNOWN_ID, OTHER_ID, "-o", "json")

    assert run.code == 6
    assert json.loads(run.stdout) == [
        {"asset_id": asset_id, "user_metadata": SAMPLE_METADATA},
        {"asset_id": OTHER_ID, "user_metadata": OTHER_METADATA},
    ]
    assert UNKNOWN_ID in run.stderr


def test_several_whole_assets_as_tsv_are_their_metadata_rows(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    plain = cli("show", asset_id, OTHER_ID, "-o", "tsv")
    whole = cli("show", asset_id, OTHER_ID, "--asset", "-o", "tsv")

    assert plain.code == whole.code == 0, plain.stderr + whole.stderr
    assert whole.stdout == plain.stdout
    assert f"{asset_id}\tcampaign\tspring-launch\tstring" in whole.stdout.splitlines()


# A server whose user_metadata is not an object answers wrongly: that is an error, never
# shown as "no metadata", and nothing is written on top of it.
@pytest.mark.parametrize(
    ("value", "kind"),
    [("str", "a string"), ([1], "an array"), (5, "a number"), (True, "a boolean")],
)
def test_user_metadata_that_is_not_an_object_is_an_error(
    cli: Cli, asset_id: str, value: object, kind: str
) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        return _json(200, {"_id": asset_id, "filename": "a.mp4", "user_metadata": value})

    expected = f"error: {asset_id}: the server's user_metadata is not an object ({kind})"
    with serve(answer) as server:
        base = ["--base-url", url_of(server) + "/v1.3"]
        for args in (["show", asset_id], ["show", asset_id, "--asset"], ["set", asset_id, "k=v"]):
            run = cli(*args, *base)
            assert run.code == 1, run.stderr
            assert run.stdout == ""
            assert run.stderr.splitlines()[0] == expected
        assert {method for method, _, _ in server.seen} == {"GET"}


@pytest.mark.parametrize("asset", [{}, {"user_metadata": None}, {"user_metadata": {}}])
def test_absent_null_and_empty_user_metadata_are_no_metadata(
    cli: Cli, asset_id: str, asset: dict[str, object]
) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        return _json(200, {"_id": asset_id, **asset})

    with serve(answer) as server:
        run = cli("show", asset_id, "--base-url", url_of(server) + "/v1.3")
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == {}
