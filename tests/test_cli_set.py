"""`assetmeta set`, end to end: what the server received (method, path, exact JSON with its
types), the stored state after, the exit code, and stdout and stderr apart."""

from __future__ import annotations

import json
import time

import pytest

from assetmeta.emulator import Emulator, Fault

from .cli_support import (
    BARE_ID,
    BARE_ID_2,
    INVALID_IDS,
    OTHER_ID,
    OTHER_METADATA,
    SAMPLE_METADATA,
    UNKNOWN_ID,
    asset_path,
    calls,
    metadata_path,
    typed,
)
from .conftest import API_KEY, Cli, stored, writes

# CLI.md's inference table, row by row: the item, its key, the value sent with inference, and
# the type `set` reports for it. With --no-infer every `=` value is sent as its own text.
INFERENCE: list[tuple[str, str, object, str]] = [
    ("batchNumber=5", "batchNumber", 5, "integer"),
    ("zero=0", "zero", 0, "integer"),
    ("negative=-12", "negative", -12, "integer"),
    ("maxSafe=9007199254740991", "maxSafe", 9007199254740991, "integer"),
    ("rating=9.3", "rating", 9.3, "float"),
    ("half=-0.5", "half", -0.5, "float"),
    ("ten=10.0", "ten", 10.0, "float"),
    ("needsReview=true", "needsReview", True, "boolean"),
    ("archived=false", "archived", False, "boolean"),
    ("category=recentlyAdded", "category", "recentlyAdded", "string"),
    ("code=007", "code", "007", "string"),
    ("version=1.10", "version", "1.10", "string"),
    ("price=2.50", "price", "2.50", "string"),
    ("exp=1e3", "exp", "1e3", "string"),
    ("plus=+5", "plus", "+5", "string"),
    ("dot=.5", "dot", ".5", "string"),
    ("under=1_000", "under", "1_000", "string"),
    ("hex=0x1F", "hex", "0x1F", "string"),
    ("arabic=٣٤", "arabic", "٣٤", "string"),
    ("nan=NaN", "nan", "NaN", "string"),
    ("inf=inf", "inf", "inf", "string"),
    ("capital=True", "capital", "True", "string"),
    ("word=null", "word", "null", "string"),
    ("yes=yes", "yes", "yes", "string"),
    ("minusZero=-0", "minusZero", "-0", "string"),
    ("spaces=two words", "spaces", "two words", "string"),
    ("url=https://x?a=b", "url", "https://x?a=b", "string"),
    ("token=YWJjZA==", "token", "YWJjZA==", "string"),
    ("huge=9007199254740993", "huge", "9007199254740993", "string"),
]
# KEY:=JSON items: exact literals, the same with or without --no-infer.
JSON_ITEMS: list[tuple[str, str, object, str]] = [
    ('quoted:="007"', "quoted", "007", "string"),
    ('tags:=["a","b"]', "tags", ["a", "b"], "array"),
    ("count:=5", "count", 5, "integer"),
    ("ratio:=1.5", "ratio", 1.5, "float"),
    ("flag:=false", "flag", False, "boolean"),
]


@pytest.mark.parametrize("infer", [True, False], ids=["inferred", "no-infer"])
def test_every_inference_row_reaches_the_server_with_its_json_type(
    cli: Cli, emulator: Emulator, infer: bool
) -> None:
    items = [row[0] for row in INFERENCE + JSON_ITEMS]
    expected = {
        key: (value if infer else item.split("=", 1)[1]) for item, key, value, _ in INFERENCE
    }
    expected.update({key: value for _, key, value, _ in JSON_ITEMS})

    run = cli("set", BARE_ID, *items, *([] if infer else ["--no-infer"]))

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert calls(emulator) == [
        ("GET", asset_path(BARE_ID), None),
        ("PATCH", metadata_path(BARE_ID), {"user_metadata": expected}),
    ]
    assert typed(emulator.requests[-1].json) == typed({"user_metadata": expected})
    assert typed(stored(emulator, BARE_ID)) == typed(expected)
    # One report line naming every key with the JSON type that was sent.
    for item, key, _, kind in INFERENCE + JSON_ITEMS:
        shown = kind if infer or ":=" in item else "string"
        assert f"added {key} ({shown})" in run.stderr
    if infer:
        assert "warning: item 'huge=9007199254740993': integer beyond 53 bits" in run.stderr


def test_null_deletes_a_key_and_leaves_the_others(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("set", asset_id, "campaign:=null", "priority=3")

    assert run.code == 0, run.stderr
    assert writes(emulator) == [
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"campaign": None, "priority": 3}})
    ]
    expected = {k: v for k, v in SAMPLE_METADATA.items() if k != "campaign"} | {"priority": 3}
    assert typed(stored(emulator, asset_id)) == typed(expected)
    assert "removed campaign" in run.stderr
    assert "updated priority (integer)" in run.stderr


@pytest.mark.parametrize(
    ("item", "text"),
    [
        ('nested:={"b":1,"a":[1,2]}', {"b": 1, "a": [1, 2]}),
        ('mixed:=[1,"a",true]', [1, "a", True]),
    ],
    ids=["object", "mixed-array"],
)
def test_stringify_stores_objects_and_mixed_arrays_as_compact_json_text(
    cli: Cli, emulator: Emulator, item: str, text: object
) -> None:
    key = item.split(":=", 1)[0]

    run = cli("set", BARE_ID, item, "--stringify")

    assert run.code == 0, run.stderr
    sent = writes(emulator)[0][2]
    assert isinstance(sent, dict)
    value = sent["user_metadata"][key]
    assert isinstance(value, str)
    assert " " not in value
    assert json.loads(value) == text
    assert stored(emulator, BARE_ID) == {key: value}
    assert f"added {key} (string)" in run.stderr


FILE_METADATA = {"batch": 7, "code": "007", "rating": 9.3, "ok": True, "tags": ["x", "y"]}


@pytest.mark.parametrize(
    ("document", "via_stdin"),
    [
        (FILE_METADATA, False),
        ({"user_metadata": FILE_METADATA}, False),
        (FILE_METADATA, True),
        ({"user_metadata": FILE_METADATA}, True),
    ],
    ids=["bare-file", "wrapper-file", "bare-stdin", "wrapper-stdin"],
)
def test_from_file_sends_the_files_metadata_as_is(
    cli: Cli, emulator: Emulator, document: object, via_stdin: bool
) -> None:
    text = json.dumps(document, indent=2)
    if via_stdin:
        run = cli("set", BARE_ID, "-f", "-", stdin=text)
    else:
        (cli.cwd / "meta.json").write_text(text, encoding="utf-8")
        run = cli("set", BARE_ID, "--from-file", "meta.json")

    assert run.code == 0, run.stderr
    assert writes(emulator) == [("PATCH", metadata_path(BARE_ID), {"user_metadata": FILE_METADATA})]
    assert typed(stored(emulator, BARE_ID)) == typed(FILE_METADATA)


def test_a_file_with_bom_and_crlf_is_read(cli: Cli, emulator: Emulator) -> None:
    text = '{\r\n  "a": 1,\r\n  "b": "x"\r\n}\r\n'
    (cli.cwd / "win.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    run = cli("set", BARE_ID, "-f", "win.json")

    assert run.code == 0, run.stderr
    assert writes(emulator) == [
        ("PATCH", metadata_path(BARE_ID), {"user_metadata": {"a": 1, "b": "x"}})
    ]


def test_show_asset_json_pipes_back_into_set(cli: Cli, emulator: Emulator) -> None:
    shown = cli("show", OTHER_ID, "--asset", "-o", "json")
    assert shown.code == 0, shown.stderr
    emulator.clear_requests()

    run = cli("set", BARE_ID, "-f", "-", stdin=shown.stdout)

    assert run.code == 0, run.stderr
    assert writes(emulator) == [
        ("PATCH", metadata_path(BARE_ID), {"user_metadata": OTHER_METADATA})
    ]
    assert stored(emulator, BARE_ID) == OTHER_METADATA


def test_items_layer_over_the_file_and_the_command_line_wins(cli: Cli, emulator: Emulator) -> None:
    (cli.cwd / "meta.json").write_text('{"a": 1, "b": "from-file", "c": true}', encoding="utf-8")

    run = cli("set", BARE_ID, "-f", "meta.json", "b=from-cli", "d=4")

    assert run.code == 0, run.stderr
    expected = {"a": 1, "b": "from-cli", "c": True, "d": 4}
    assert writes(emulator) == [("PATCH", metadata_path(BARE_ID), {"user_metadata": expected})]
    assert stored(emulator, BARE_ID) == expected


def test_several_ids_are_written_concurrently(cli: Cli, emulator: Emulator) -> None:
    ids = [BARE_ID, BARE_ID_2, OTHER_ID]
    delay = 0.5
    emulator.faults.add(Fault(method="PATCH", status=200, delay=delay, count=len(ids)))

    started = time.monotonic()
    run = cli("set", *ids, "wave=2")
    elapsed = time.monotonic() - started

    assert run.code == 0, run.stderr
    assert sorted(writes(emulator)) == sorted(
        ("PATCH", metadata_path(i), {"user_metadata": {"wave": 2}}) for i in ids
    )
    for i in ids:
        assert stored(emulator, i)["wave"] == 2
        assert f"{i}: added wave (integer)" in run.stderr
    assert "set: 3 changed, 0 failed (of 3)" in run.stderr
    # One after the other, the PATCHes alone would take len(ids) * delay.
    assert elapsed < len(ids) * delay


IDS_FILE = f"# assets to tag\n\n{BARE_ID}\n   \n  # another comment\n{BARE_ID_2}\n"


@pytest.mark.parametrize("via_stdin", [False, True], ids=["file", "stdin"])
def test_ids_from_skips_blank_lines_and_comments(
    cli: Cli, emulator: Emulator, via_stdin: bool
) -> None:
    if via_stdin:
        run = cli("set", "--ids-from", "-", "lot=A1", stdin=IDS_FILE)
    else:
        (cli.cwd / "ids.txt").write_text(IDS_FILE, encoding="utf-8")
        run = cli("set", "--ids-from", "ids.txt", "lot=A1")

    assert run.code == 0, run.stderr
    assert sorted(writes(emulator)) == [
        ("PATCH", metadata_path(i), {"user_metadata": {"lot": "A1"}})
        for i in sorted([BARE_ID, BARE_ID_2])
    ]
    assert {r.path for r in emulator.requests} == {
        asset_path(BARE_ID),
        asset_path(BARE_ID_2),
        metadata_path(BARE_ID),
        metadata_path(BARE_ID_2),
    }


def test_a_bad_id_in_an_ids_file_fails_alone_and_never_reaches_the_server(
    cli: Cli, emulator: Emulator
) -> None:
    (cli.cwd / "ids.txt").write_text(f"../indexes\n{BARE_ID}\n", encoding="utf-8")

    run = cli("set", "--ids-from", "ids.txt", "lot=A1")

    assert run.code == 6, run.stderr
    assert writes(emulator) == [("PATCH", metadata_path(BARE_ID), {"user_metadata": {"lot": "A1"}})]
    assert all(r.path.startswith(asset_path(BARE_ID)) for r in emulator.requests)
    # The id is named once, in the message that says what is wrong with it.
    assert "error: invalid asset id '../indexes': " in run.stderr
    assert run.stderr.count("../indexes") == 2  # its error line, and the summary's list


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"id\x1b[2J", "'id\\x1b[2J'"),
        (b"ab\xffcd", "'ab\\xffcd'"),
    ],
    ids=["esc", "not-utf8"],
)
def test_an_invalid_id_is_shown_once_escaped_once(
    cli: Cli, emulator: Emulator, raw: bytes, shown: str
) -> None:
    (cli.cwd / "ids.txt").write_bytes(raw + b"\n")
    # A byte of argv that is not UTF-8 arrives as Python's surrogate escape of it.
    arg = raw.decode("utf-8", "surrogateescape")
    for argv in ([arg, "a=1"], ["--ids-from", "ids.txt", "a=1"]):
        run = cli("set", *argv)
        assert run.code == 2, run.stderr
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        assert errors[0] == (
            f"error: invalid asset id {shown}: only letters, digits, '_' and '-' are allowed"
        )
        assert "\ufffd" not in run.stderr and "\x1b" not in run.stderr
    assert emulator.requests == []


def test_some_ids_failing_exits_6_and_names_them(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("set", asset_id, UNKNOWN_ID, "lot=B2")

    assert run.code == 6
    assert writes(emulator) == [
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"lot": "B2"}})
    ]
    assert stored(emulator, asset_id)["lot"] == "B2"
    assert f"error: {UNKNOWN_ID}:" in run.stderr
    assert "1 failed (of 2)" in run.stderr


@pytest.mark.parametrize("ids", [[BARE_ID], [BARE_ID, BARE_ID_2]], ids=["one", "two"])
def test_dry_run_prints_the_requests_and_sends_nothing(
    cli: Cli, emulator: Emulator, ids: list[str]
) -> None:
    run = cli("set", *ids, "a=1", 'tags:=["x"]', "--dry-run", "--no-journal")

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert stored(emulator, BARE_ID) == {}
    body = {"user_metadata": {"a": 1, "tags": ["x"]}}
    lines = run.stdout.splitlines()
    assert len(lines) == 2 * len(ids)
    for index, asset_id in enumerate(ids):
        assert lines[2 * index] == f"PATCH {emulator.base_url}/assets/{asset_id}/user-metadata"
        assert json.loads(lines[2 * index + 1]) == body
    assert API_KEY not in run.stdout + run.stderr


def test_dry_run_shows_the_snapshot_read_when_journaling(cli: Cli, emulator: Emulator) -> None:
    run = cli("set", BARE_ID, "a=1", "--dry-run")
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[:2] == [
        f"GET {emulator.base_url}/assets/{BARE_ID}",
        f"PATCH {emulator.base_url}/assets/{BARE_ID}/user-metadata",
    ]
    assert emulator.requests == []


def test_dry_run_never_prints_a_key_given_as_a_flag(cli: Cli, emulator: Emulator) -> None:
    run = cli(
        "set", BARE_ID, "a=1", "--dry-run", "--api-key", API_KEY, env={"TWELVE_LABS_API_KEY": None}
    )

    assert run.code == 0, run.stderr
    assert emulator.requests == []
    assert API_KEY not in run.stdout + run.stderr
    assert API_KEY[-4:] not in run.stdout


def test_an_unchanged_set_sends_no_patch(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("set", asset_id, "campaign=spring-launch", "priority=2", "rating=4.5")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert f"{asset_id}: unchanged" in run.stderr


def test_no_journal_sends_exactly_one_patch_and_no_get(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("set", asset_id, "priority=2", "extra=yes", "--no-journal")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [
        ("PATCH", metadata_path(asset_id), {"user_metadata": {"priority": 2, "extra": "yes"}})
    ]
    assert stored(emulator, asset_id) == SAMPLE_METADATA | {"extra": "yes"}
    assert "priority (integer)" in run.stderr and "extra (string)" in run.stderr


def test_no_journal_json_records_say_what_was_sent(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    """Without the snapshot there is no before/after to report, but the record still says
    exactly what the PATCH carried."""
    run = cli("set", asset_id, "priority=2", "old:=null", "--no-journal", "-o", "json")

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == {
        "asset_id": asset_id,
        "action": "sent",
        "sent": {"priority": 2, "old": None},
    }


FILES = {
    "bad.json": '{\n  "a": 1,\n  "b": \n}\n',
    "dup.json": '{"a": 1, "a": 2}',
    "array.json": '["a", "b"]',
    "nested.json": '{"a": {"b": 1}}',
    "nan.json": '{"a": NaN}',
    "inexact.json": '{"k": 1e-400}',
    "surrogate.json": '{"a": "\\ud800"}',
}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["ID", "k="], None, "empty value"),
        (["ID", "=v"], None, "empty key"),
        (["ID", ":=1"], None, "empty key"),
        (["ID", "a=1", "a=2"], None, "given twice"),
        (["ID", "a=1", "a:=2"], None, "given twice"),
        (["ID", "x:=NaN"], None, "NaN"),
        (["ID", "x:=Infinity"], None, "Infinity"),
        (["ID", "x:=-Infinity"], None, "Infinity"),
        (["ID", 'x:={"a":1}'], None, "objects are not allowed"),
        (["ID", "x:=[1,2]"], None, "arrays may hold only strings"),
        (["ID", "x:=[]"], None, "empty array"),
        (["ID", 'x:=""'], None, "empty value"),
        (["ID", "x:=nope"], None, "not valid JSON"),
        (["ID", "k:=9007199254740993.0"], None, "9007199254740993.0"),
        (["ID", "k:=123456789012345678901234567890.5"], None, "a float can't hold it"),
        (["ID", "k:=1e-400"], None, "1e-400"),
        (["ID", "-f", "surrogate.json"], None, "surrogate.json: key 'a': the value is not valid"),
        (["ID", 'k:="\\udc80"'], None, "not valid Unicode"),
        (["ID", "k=\udcff"], None, "not valid Unicode"),
        (["ID", "\udcff=1"], None, "not valid Unicode"),
        (["ID", "-f", "inexact.json"], None, "inexact.json: key 'k': number 1e-400: a float can't"),
        (["ID"], None, "nothing to set"),
        (["ID", "-f", "bad.json"], None, "bad.json: not valid JSON at line 4, column 1"),
        (["ID", "-f", "dup.json"], None, "duplicate key 'a'"),
        (["ID", "-f", "array.json"], None, "expected a JSON object, got an array at line 1"),
        (["ID", "-f", "nested.json"], None, "objects are not allowed"),
        (["ID", "-f", "nan.json"], None, "NaN"),
        (["ID", "-f", "missing.json"], None, "missing.json"),
        (["ID", "-f", "-"], "{oops", "<stdin>: not valid JSON at line 1, column 2"),
        (["--ids-from", "-", "-f", "-"], "{}", "standard input can't be both"),
        (["--ids-from", "-", "a=1", "-f", "-"], "{}", "standard input can't be both"),
        (["ID", "a=1", "stray"], None, "invalid item 'stray'"),
        (["ID", "../indexes", "a=1"], None, "invalid asset id '../indexes'"),
    ],
)
def test_invalid_input_exits_2_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str, args: list[str], stdin: str | None, message: str
) -> None:
    for name, text in FILES.items():
        (cli.cwd / name).write_text(text, encoding="utf-8")
    argv = [asset_id if arg == "ID" else arg for arg in args]

    run = cli("set", *argv, stdin=stdin)

    assert run.code == 2, run.stderr
    assert emulator.requests == []
    assert stored(emulator, asset_id) == SAMPLE_METADATA
    assert run.stdout == ""
    assert run.stderr.startswith("error: ")
    assert message in run.stderr
    assert len(run.stderr.splitlines()) <= 2  # one line, and perhaps a hint


@pytest.mark.parametrize("bad", INVALID_IDS)
def test_an_invalid_id_exits_2_and_never_reaches_the_server(
    cli: Cli, emulator: Emulator, bad: str
) -> None:
    run = cli("set", bad, "a=1")

    assert run.code == 2
    assert emulator.requests == []
    if "=" in bad:
        # `x?y=1` reads as an item (ids never hold '='), so no id is left: nothing is sent.
        assert "no asset id given" in run.stderr
    else:
        assert f"invalid asset id {bad!r}" in run.stderr
