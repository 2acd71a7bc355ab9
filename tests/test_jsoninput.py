"""Metadata from JSON files: encodings, shapes, strictness, and clean errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assetmeta.errors import ExitCode, UsageError
from assetmeta.jsoninput import merge_layers, parse_metadata_json
from assetmeta.types import Patch


def parse(text: str | bytes, *, stringify: bool = False) -> Patch:
    data = text.encode() if isinstance(text, str) else text
    return parse_metadata_json(data, source="meta.json", stringify=stringify)


def usage_error(text: str | bytes, *, stringify: bool = False) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse(text, stringify=stringify)
    error = caught.value
    assert error.exit_code == ExitCode.USAGE
    assert len(error.message.splitlines()) == 1
    assert error.hint is None or len(error.hint.splitlines()) == 1
    return error


METADATA = {"category": "news", "batch": 5, "rating": 9.3, "ok": True, "tags": ["a", "b"]}


@pytest.mark.parametrize(
    "data",
    [
        json.dumps(METADATA).encode(),
        b"\xef\xbb\xbf" + json.dumps(METADATA).encode(),
        json.dumps(METADATA, indent=2).replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + json.dumps(METADATA, indent=2).replace("\n", "\r\n").encode(),
        json.dumps({"user_metadata": METADATA}).encode(),
        json.dumps({"_id": "a1", "filename": "x.mp4", "user_metadata": METADATA}).encode(),
        json.dumps({"asset_id": "a1", "user_metadata": METADATA}).encode(),
    ],
    ids=["bare", "bom", "crlf", "bom-crlf", "wrapper", "asset", "export-line"],
)
def test_accepted_shapes(data: bytes) -> None:
    patch = parse(data)
    assert patch == METADATA
    assert list(patch) == list(METADATA)
    assert type(patch["batch"]) is int
    assert type(patch["ok"]) is bool


@pytest.mark.parametrize(
    "text",
    [
        '{"user_metadata": null}',
        '{"user_metadata": {}}',
        "{}",
        '{"_id": "a", "user_metadata": null}',
    ],
)
def test_empty_metadata_is_an_empty_patch(text: str) -> None:
    assert parse(text) == {}


def test_null_values_delete_keys() -> None:
    assert parse('{"a": null, "b": 1}') == {"a": None, "b": 1}


def test_a_user_metadata_key_that_is_not_a_wrapper_is_a_plain_key() -> None:
    assert parse('{"user_metadata": "x"}') == {"user_metadata": "x"}


def test_user_metadata_beside_other_keys_without_an_id_is_not_unwrapped() -> None:
    assert "objects are not allowed" in usage_error('{"user_metadata": {}, "x": 1}').message


def test_non_ascii_text_survives() -> None:
    assert parse('{"città": "東京", "digits": "٣٤"}'.encode()) == {"città": "東京", "digits": "٣٤"}


def test_stringify_stores_nested_values_as_compact_json() -> None:
    patch = parse('{"o": {"b": 1, "a": [1.5, null]}, "l": [1, "x"]}', stringify=True)
    assert patch == {"o": '{"a":[1.5,null],"b":1}', "l": '[1,"x"]'}


# Input refused, and a piece of the message that says why.
ERRORS = [
    (b"", "empty input"),
    (b" \r\n\t", "empty input"),
    (b"\xef\xbb\xbf", "empty input"),
    (b'{"a": "\xff"}', "not valid UTF-8"),
    (b"\xef\xbb\xbf\xef\xbb\xbf{}", "not valid JSON"),
    (b"[1, 2]", "expected a JSON object, got an array at line 1, column 1"),
    (b'\n  "text"', "expected a JSON object, got a string at line 2, column 3"),
    (b"5", "got a number"),
    (b"true", "got a boolean"),
    (b"null", "got null"),
    (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
    (b'{"o": {"n": 1, "n": 2}}', "duplicate key 'n'"),
    (b'{"user_metadata": {"k": 1, "k": 2}}', "duplicate key 'k'"),
    (b'{"a": NaN}', "NaN is not allowed"),
    (b'{"a": Infinity}', "Infinity is not allowed"),
    (b'{"a": -Infinity}', "-Infinity is not allowed"),
    (b'{"a": 1e400}', "too large"),
    (b'{"a": 9007199254740992}', "key 'a': integer beyond 53 bits"),
    (b'{"a": {"b": 1}}', "key 'a': objects are not allowed (use --stringify"),
    (b'{"a": [1]}', "key 'a': arrays may hold only strings"),
    (b'{"a": ""}', "key 'a': empty value"),
    (b'{"a": []}', "key 'a': empty array"),
    (b'{"": 1}', "empty key"),
    (b'{"a": 1,}', "not valid JSON at line 1, column 9"),
    (b'{\r\n  "a": 1\r\n  "b": 2\r\n}', "not valid JSON at line 3, column 3"),
    (b"{'a': 1}", "not valid JSON at line 1, column 2"),
    (b'{"a": 1} {"b": 2}', "not valid JSON at line 1, column 10: Extra data"),
]


@pytest.mark.parametrize(("data", "reason"), ERRORS)
def test_refused_input(data: bytes, reason: str) -> None:
    error = usage_error(data)
    assert error.message.startswith("meta.json: ")
    assert reason in error.message


@pytest.mark.parametrize(
    "text", ['{"a": NaN}', '{"a": [1e400]}', '{"o": {"n": 1, "n": 2}}', '{"a": []}']
)
def test_stringify_never_lets_through_what_json_forbids(text: str) -> None:
    usage_error(text, stringify=True)


def test_every_bad_value_is_counted() -> None:
    message = usage_error('{"a": [1], "ok": 1, "b": {}, "c": ""}').message
    assert "key 'a'" in message
    assert message.endswith(" (and 2 more)")


def test_a_source_name_with_a_newline_is_escaped() -> None:
    with pytest.raises(UsageError) as caught:
        parse_metadata_json(b"[]", source="bad\nname.json")
    assert "\n" not in caught.value.message


def test_merge_layers_lets_the_command_line_win() -> None:
    file_patch: Patch = {"a": 1, "b": "file", "c": None}
    assert merge_layers(file_patch, {"b": "cli", "d": True}) == {
        "a": 1,
        "b": "cli",
        "c": None,
        "d": True,
    }
    assert file_patch["b"] == "file"  # the file's patch is not changed


def test_merge_layers_without_a_file() -> None:
    assert merge_layers(None, {"a": 1}) == {"a": 1}
    assert merge_layers({}, {}) == {}


# Properties: whatever bytes arrive, the result is a patch or one clean UsageError.

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)
DOCUMENTS = st.one_of(
    st.binary(),
    st.text().map(str.encode),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=4).map(
        lambda value: json.dumps({"user_metadata": value}).encode()
    ),
)


@settings(max_examples=2000)
@given(data=DOCUMENTS, stringify=st.booleans())
def test_parse_metadata_json_never_tracebacks(data: bytes, stringify: bool) -> None:
    try:
        patch = parse_metadata_json(data, source="<stdin>", stringify=stringify)
    except UsageError as error:
        assert len(error.message.splitlines()) == 1
    else:
        assert all(isinstance(key, str) and key for key in patch)


@pytest.mark.parametrize("literal", ["9007199254740993.0", "1e-400", "1.00000000000000000001"])
def test_a_number_a_float_cannot_hold_is_refused_naming_the_key(literal: str) -> None:
    for data in (f'{{"k": {literal}}}', f'{{"user_metadata": {{"k": {literal}}}}}'):
        error = usage_error(data)
        assert error.message.startswith("meta.json: key 'k': ")
        assert literal in error.message
        assert error.hint is not None and "string" in error.hint


def test_a_top_level_inexact_number_is_a_number() -> None:
    assert "got a number" in usage_error("1e-400").message


def test_exact_floats_in_a_file_are_kept() -> None:
    assert parse('{"a": 0.1, "b": 1.0e2, "c": 9.3}') == {"a": 0.1, "b": 100.0, "c": 9.3}


@pytest.mark.parametrize(
    ("text", "stringify"),
    [
        ('{"a": "\\ud800"}', False),
        ('{"\\udc80": 1}', False),
        ('{"a": ["b", "\\udc80"]}', False),
        ('{"a": {"b": "\\ud800"}}', True),
        ('{"user_metadata": {"a": "\\ud800"}}', False),
    ],
)
def test_a_lone_surrogate_is_refused(text: str, stringify: bool) -> None:
    error = usage_error(text, stringify=stringify)
    assert error.message.startswith("meta.json: key ")
    assert "not valid Unicode" in error.message
    error.message.encode("utf-8")
