"""The item grammar: every row of CLI.md's inference table, := literals, and errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assetmeta.errors import ExitCode, UsageError
from assetmeta.items import (
    SEP_JSON,
    SEP_VALUE,
    ParsedItem,
    infer_value,
    parse_item,
    parse_items,
    validate_value,
)
from assetmeta.types import MAX_SAFE_INTEGER


def assert_one_line(error: UsageError) -> None:
    assert error.exit_code == ExitCode.USAGE
    assert error.message
    assert len(error.message.splitlines()) == 1
    assert error.hint is None or len(error.hint.splitlines()) == 1


def usage_error(raw: str, **options: bool) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse_item(raw, **options)
    assert_one_line(caught.value)
    return caught.value


# item, value sent, its exact type. Every example of CLI.md "Metadata items".
INFERENCE = [
    ("batchNumber=5", 5, int),
    ("rating=9.3", 9.3, float),
    ("needsReview=true", True, bool),
    ("needsReview=false", False, bool),
    ("category=recentlyAdded", "recentlyAdded", str),
    ("n=0", 0, int),
    ("n=-12", -12, int),
    ("n=42", 42, int),
    (f"n={MAX_SAFE_INTEGER}", MAX_SAFE_INTEGER, int),
    (f"n=-{MAX_SAFE_INTEGER}", -MAX_SAFE_INTEGER, int),
    ("f=-0.5", -0.5, float),
    ("f=10.0", 10.0, float),
    ("f=0.1", 0.1, float),
    ("s=-0", "-0", str),
    ("s=007", "007", str),
    ("s=1.10", "1.10", str),
    ("s=2.50", "2.50", str),
    ("s=1e3", "1e3", str),
    ("s=+5", "+5", str),
    ("s=.5", ".5", str),
    ("s=5.", "5.", str),
    ("s=1_000", "1_000", str),
    ("s=0x1F", "0x1F", str),
    ("s=٣٤", "٣٤", str),
    ("s=٣.٤", "٣.٤", str),
    ("s=NaN", "NaN", str),
    ("s=inf", "inf", str),
    ("s=-inf", "-inf", str),
    ("s=True", "True", str),
    ("s=FALSE", "FALSE", str),
    ("s=null", "null", str),
    ("s=yes", "yes", str),
    ("s= 5", " 5", str),
    ("s=5 ", "5 ", str),
    ("s=5\n", "5\n", str),
    ("s=hello world", "hello world", str),
    ("url=https://x?a=b", "https://x?a=b", str),
    ("token=YWJjZA==", "YWJjZA==", str),
    ("s=0.00001", "0.00001", str),  # the shortest float form is 1e-05
    ("s=12345678901234567890.0", "12345678901234567890.0", str),
    ("a:b=c", "c", str),  # a ':' not right before '=' belongs to the key
]


@pytest.mark.parametrize(("raw", "expected", "kind"), INFERENCE)
def test_inference(raw: str, expected: object, kind: type) -> None:
    item = parse_item(raw)
    assert item.value == expected
    assert type(item.value) is kind
    assert item.warning is None
    assert item.raw == raw


@pytest.mark.parametrize("number", [MAX_SAFE_INTEGER + 1, -(MAX_SAFE_INTEGER + 1), 10**30])
def test_integer_beyond_53_bits_stays_a_string_with_a_warning(number: int) -> None:
    item = parse_item(f"id={number}")
    assert item.value == str(number)
    assert type(item.value) is str
    assert item.warning is not None
    assert "53 bits" in item.warning
    assert f"'id={number}'" in item.warning


def test_a_huge_digit_string_is_not_handed_to_int() -> None:
    digits = "9" * 10_000  # int() refuses more than 4300 digits
    value, warning = infer_value(digits)
    assert value == digits
    assert warning is not None


def test_no_infer_keeps_every_value_a_string() -> None:
    for raw in ("a=5", "a=true", "a=9.3"):
        item = parse_item(raw, infer=False)
        assert type(item.value) is str
        assert item.value == raw[2:]
    assert parse_item("a=99999999999999999999", infer=False).warning is None


# KEY:=JSON: exact literals.
JSON_ITEMS = [
    ('code:="007"', "code", "007", str),
    ('tags:=["a","b"]', "tags", ["a", "b"], list),
    ('tags:=["a", ""]', "tags", ["a", ""], list),
    ("old:=null", "old", None, type(None)),
    ("n:=5", "n", 5, int),
    ("n:=-0", "n", 0, int),
    ("f:=1.5", "f", 1.5, float),
    ("f:=1.10", "f", 1.1, float),
    ("b:=true", "b", True, bool),
    ("b:=false", "b", False, bool),
    ('s:="a=b"', "s", "a=b", str),
    ('k:=" 1 "', "k", " 1 ", str),
    ("a::=1", "a:", 1, int),
    ("x:= 5 ", "x", 5, int),
    (f"n:={MAX_SAFE_INTEGER}", "n", MAX_SAFE_INTEGER, int),
]


@pytest.mark.parametrize(("raw", "key", "expected", "kind"), JSON_ITEMS)
def test_json_items(raw: str, key: str, expected: object, kind: type) -> None:
    item = parse_item(raw)
    assert item == ParsedItem(key=key, value=expected, raw=raw, warning=None)
    assert type(item.value) is kind


def test_no_infer_does_not_change_json_items() -> None:
    assert parse_item("n:=5", infer=False).value == 5


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("x:=[1,2]", "[1,2]"),
        ('x:={"b": 1, "a": [true, null]}', '{"a":[true,null],"b":1}'),
        ('x:={"é": "ü"}', '{"é":"ü"}'),
        ("x:={}", "{}"),
        ('x:=["a", 1]', '["a",1]'),
        ("x:=[12345678901234567890]", "[12345678901234567890]"),
    ],
)
def test_stringify_stores_compact_json_text(raw: str, stored: str) -> None:
    assert parse_item(raw, stringify=True).value == stored


# An item that is refused, and a piece of the message that says why.
ERRORS = [
    ("novalue", "expected KEY=VALUE or KEY:=JSON"),
    ("", "expected KEY=VALUE or KEY:=JSON"),
    ("=5", "empty key"),
    (":=5", "empty key"),
    ("=", "empty key"),
    ("x=", "the platform ignores empty strings"),
    ("x=", "assetmeta unset ID x"),
    ("my key=", "assetmeta unset ID 'my key'"),
    ('x:=""', "the platform ignores empty strings"),
    ("x:=[]", "the platform ignores empty arrays"),
    ("x:=", "not valid JSON at line 1, column 1"),
    ("x:=[1,", "not valid JSON at line 1, column 4: Expecting value"),
    ("x:=007", "not valid JSON"),
    ("x:=abc", "not valid JSON"),
    ("x:=[1,2]", "arrays may hold only strings (use --stringify to store it as JSON text)"),
    ('x:=["a", null]', "arrays may hold only strings"),
    ('x:={"a": 1}', "objects are not allowed (use --stringify"),
    ("x:=NaN", "NaN is not allowed"),
    ("x:=Infinity", "Infinity is not allowed"),
    ("x:=-Infinity", "-Infinity is not allowed"),
    ("x:=1e400", "too large"),
    ("x:=-1e400", "too large"),
    (f"x:={MAX_SAFE_INTEGER + 1}", "integer beyond 53 bits"),
    (f"x:={-(MAX_SAFE_INTEGER + 1)}", "integer beyond 53 bits"),
    ("x:=" + "1" * 5000, "more than 4000 digits"),
    ("x:=" + "[" * 100_000, "nested too deeply"),
    ('x:={"a": 1, "a": 2}', "duplicate key 'a'"),
    ("x:=1\n2", "line 2, column 1"),
]


@pytest.mark.parametrize(("raw", "reason"), ERRORS)
def test_errors_quote_the_item_on_one_line(raw: str, reason: str) -> None:
    error = usage_error(raw)
    assert reason in error.message
    shown = repr(raw) if len(raw) <= 200 else repr(raw[:200]) + "…"
    assert error.message.startswith(f"invalid item {shown}: ")


def test_the_spec_example_message() -> None:
    assert usage_error("x:=[1,2]").message == (
        "invalid item 'x:=[1,2]': arrays may hold only strings "
        "(use --stringify to store it as JSON text)"
    )


def test_beyond_53_bits_in_json_hints_at_a_string() -> None:
    error = usage_error("x:=9007199254740992")
    assert error.hint is not None
    assert "string" in error.hint


@pytest.mark.parametrize(
    "raw", ["x:=NaN", "x:=[NaN]", "x:=1e400", 'x:={"a":1,"a":2}', "x:=[]", 'x:=""']
)
def test_stringify_never_lets_through_what_json_forbids(raw: str) -> None:
    usage_error(raw, stringify=True)


def test_control_characters_are_escaped_in_messages() -> None:
    error = usage_error("a\nb\u2028c")
    assert "\\n" in error.message
    assert "\\u2028" in error.message


def test_parse_items_keeps_order_and_collects_warnings() -> None:
    patch, warnings = parse_items(["b=1", "a:=null", "c=x", "big=9007199254740993"])
    assert list(patch) == ["b", "a", "c", "big"]
    assert patch == {"b": 1, "a": None, "c": "x", "big": "9007199254740993"}
    assert len(warnings) == 1
    assert "big=9007199254740993" in warnings[0]


def test_parse_items_of_nothing_is_an_empty_patch() -> None:
    assert parse_items([]) == ({}, [])


@pytest.mark.parametrize(("first", "second"), [("a=1", "a=2"), ("a=1", "a:=1"), ("a=1", "a=1")])
def test_the_same_key_twice_is_an_error(first: str, second: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_items([first, second])
    assert_one_line(caught.value)
    assert "'a' given twice" in caught.value.message


def test_parse_items_reports_the_first_error_and_counts_the_rest() -> None:
    with pytest.raises(UsageError) as caught:
        parse_items(["ok=1", "bad", "=2", "x=", "ok=3"])
    assert_one_line(caught.value)
    assert caught.value.message.startswith("invalid item 'bad': ")
    assert caught.value.message.endswith(" (and 3 more)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (1, 1), (1.5, 1.5), ("s", "s"), (["a"], ["a"]), (None, None)],
)
def test_validate_value_accepts_storable_values(value: object, expected: object) -> None:
    result = validate_value("k", value, stringify=False, source="test")
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), 2**53, {"a": 1}, [1], (1,), {1}, b"x", "", []]
)
def test_validate_value_refuses_the_rest(value: object) -> None:
    with pytest.raises(UsageError) as caught:
        validate_value("k", value, stringify=False, source="test")
    assert_one_line(caught.value)
    assert caught.value.message.startswith("test: ")


@pytest.mark.parametrize("value", [[float("nan")], {1: "a", "b": 2}, [{1, 2}]])
def test_stringify_of_unserialisable_python_values_is_a_usage_error(value: object) -> None:
    with pytest.raises(UsageError):
        validate_value("k", value, stringify=True, source="test")


def test_separators_are_named() -> None:
    assert (SEP_VALUE, SEP_JSON) == ("=", ":=")


# Properties: whatever the user types, the result is a value or one clean UsageError.

ITEM_PARTS = st.sampled_from(["=", ":=", ":", "a", "-", "0", "1", ".", "e", '"', "[", "]", "{"])
ITEMS = st.one_of(st.text(), st.lists(ITEM_PARTS | st.text(max_size=3)).map("".join))


@settings(max_examples=2000)
@given(raw=ITEMS, infer=st.booleans(), stringify=st.booleans())
def test_parse_item_never_tracebacks(raw: str, infer: bool, stringify: bool) -> None:
    try:
        item = parse_item(raw, infer=infer, stringify=stringify)
    except UsageError as error:
        assert_one_line(error)
    else:
        assert item.key
        assert item.warning is None or len(item.warning.splitlines()) == 1


@settings(max_examples=2000)
@given(raws=st.lists(ITEMS, max_size=5), stringify=st.booleans())
def test_parse_items_never_tracebacks(raws: list[str], stringify: bool) -> None:
    try:
        parse_items(raws, stringify=stringify)
    except UsageError as error:
        assert_one_line(error)


NUMBERISH = st.from_regex(r"-?[0-9]{1,20}(\.[0-9]{1,20})?", fullmatch=True)


@settings(max_examples=500)
@given(text=st.one_of(st.text(), NUMBERISH, st.floats().map(repr), st.integers().map(str)))
def test_a_typed_value_prints_back_as_the_same_text(text: str) -> None:
    value, _ = infer_value(text)
    if isinstance(value, bool):
        assert ("true" if value else "false") == text
    elif not isinstance(value, str):
        assert json.dumps(value) == text


@given(number=st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER))
def test_every_safe_integer_is_inferred(number: int) -> None:
    assert infer_value(str(number)) == (number, None)


@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_in_plain_decimal_form_is_inferred(number: float) -> None:
    text = repr(number)
    value, _ = infer_value(text)
    if "e" in text:
        assert value == text
    else:
        assert type(value) is float
        assert value == number


# A := number is an exact literal: one whose value a float can't hold is refused, not rounded.
INEXACT_NUMBERS = [
    "9007199254740993.0",
    "123456789012345678901234567890.5",
    "1e-400",
    "-1e-400",
    "0.10000000000000000000000001",
]


@pytest.mark.parametrize("literal", INEXACT_NUMBERS)
def test_a_number_a_float_cannot_hold_is_refused(literal: str) -> None:
    error = usage_error(f"k:={literal}")
    assert error.message.startswith(f"invalid item 'k:={literal}': ")
    assert literal in error.message.split(": ", 1)[1]
    assert error.hint is not None and f'"{literal}"' in error.hint


@pytest.mark.parametrize(
    ("literal", "value"),
    [("0.1", 0.1), ("9.3", 9.3), ("1.0e2", 100.0), ("-0.0", -0.0), ("1E-5", 1e-5), ("0e9", 0.0)],
)
def test_a_number_a_float_holds_exactly_is_kept(literal: str, value: float) -> None:
    item = parse_item(f"k:={literal}")
    assert type(item.value) is float and item.value == value


def test_stringify_refuses_an_inexact_number_inside_too() -> None:
    error = usage_error("k:=[1, 1e-400]", stringify=True)
    assert "1e-400" in error.message


# A lone surrogate (a JSON "\ud800", or a byte of argv that is not UTF-8) can't be sent as
# UTF-8: it is refused as invalid input, in the key or anywhere in the value.
@pytest.mark.parametrize(
    ("raw", "options"),
    [
        ('k:="\\ud800"', {}),
        ('k:="a\\udc80"', {}),
        ('k:=["a", "\\udfff"]', {}),
        ('k:={"x": "\\ud800"}', {"stringify": True}),
        ('k:={"\\ud800": 1}', {"stringify": True}),
        ("k=\udc80", {}),
        ("k=\udcff", {"infer": False}),
        ("\udcff=1", {}),
        ('\ud800:="x"', {}),
    ],
)
def test_a_lone_surrogate_is_refused(raw: str, options: dict[str, bool]) -> None:
    error = usage_error(raw, **options)
    assert "not valid Unicode" in error.message
    error.message.encode("utf-8")  # the message itself can be printed


def test_a_surrogate_pair_is_one_character_and_fine() -> None:
    assert parse_item('k:="\\ud83d\\ude00"').value == "\U0001f600"
