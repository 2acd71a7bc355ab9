"""The item grammar of the command line (KEY=VALUE, KEY:=JSON) and the typing of values.

Pure: no I/O and only the standard library, so that it imports fast and tests run alone.
The JSON rules here are also the rules for files (assetmeta.jsoninput), so that a value
is storable or not in exactly one place: `validate_value`.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from assetmeta.errors import UsageError
from assetmeta.types import MAX_SAFE_INTEGER, MetaValue, Patch

SEP_VALUE = "="
SEP_JSON = ":="

# [0-9] rather than \d: Python's \d, int() and float() accept any Unicode digit ("٣٤"),
# and a value must only become a number when it prints back as the same text.
# "-0" is left out on purpose: the integer 0 prints as "0", so "-0" stays a string.
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
# 2**53 - 1 has 16 digits: a longer integer is out of range, and int() is never asked to
# convert a huge digit string (Python refuses more than 4300 digits).
_MAX_SAFE_DIGITS = len(str(MAX_SAFE_INTEGER))
_MAX_JSON_INT_DIGITS = 4000
_QUOTE_LIMIT = 200
_SURROGATE = re.compile(r"[\ud800-\udfff]")

_STRINGIFY = "use --stringify to store it as JSON text"


@dataclass(frozen=True)
class ParsedItem:
    key: str
    value: MetaValue | None  # None: delete the key (KEY:=null)
    raw: str
    warning: str | None


def quote(text: str) -> str:
    """Quote user text for a one-line message: repr escapes newlines and control characters."""
    if len(text) > _QUOTE_LIMIT:
        return repr(text[:_QUOTE_LIMIT]) + "…"
    return repr(text)


def _shell_word(key: str) -> str:
    # shlex.quote keeps a newline as is; such a key is shown escaped instead.
    return shlex.quote(key) if key.isprintable() else quote(key)


def combine_errors(errors: Sequence[UsageError]) -> UsageError:
    """One error for many, on one line: the first, and how many more there were."""
    first = errors[0]
    if len(errors) == 1:
        return first
    return UsageError(f"{first.message} (and {len(errors) - 1} more)", hint=first.hint)


def infer_value(text: str) -> tuple[MetaValue, str | None]:
    """Type a KEY=VALUE value conservatively: a number or boolean only if it prints back as
    exactly `text`; anything else is the string itself. The second item is a warning."""
    if text in ("true", "false"):
        return text == "true", None
    if _CANONICAL_INT.fullmatch(text):
        if len(text.lstrip("-")) <= _MAX_SAFE_DIGITS and abs(int(text)) <= MAX_SAFE_INTEGER:
            return int(text), None
        return text, "integer beyond 53 bits, sent as a string (the platform would round it)"
    if _DECIMAL.fullmatch(text) and repr(float(text)) == text:
        return float(text), None
    return text, None


class _Rejected(ValueError):
    """A JSON text that parses but breaks the strict rules; the reason is one line."""


def _refuse_constant(name: str) -> object:
    raise _Rejected(f"{name} is not allowed (JSON has no NaN or Infinity)")


@dataclass(frozen=True)
class InexactNumber:
    """A JSON number whose value no float holds (`1e-400`, `9007199254740993.0`): kept as
    its text so that `validate_value`, which knows the key, refuses it rather than the
    number being rounded silently."""

    literal: str
    nearest: float


def _exact_float(text: str) -> float | InexactNumber:
    number = float(text)
    if not math.isfinite(number):
        raise _Rejected(f"number {quote(text)} is too large for a float")
    # What is sent is the float's shortest form (repr): it must be the literal's value.
    if Decimal(text) != Decimal(repr(number)):
        return InexactNumber(text, number)
    return number


def _inexact_error(number: InexactNumber, source: str) -> UsageError:
    literal = number.literal
    if len(literal) > _QUOTE_LIMIT:
        literal = literal[:_QUOTE_LIMIT] + "…"
        hint = "to keep every digit, send it as a JSON string"
    else:
        hint = f'to keep every digit, send it as a JSON string: "{literal}"'
    return UsageError(
        f"{source}: number {literal}: a float can't hold it exactly "
        f"(it would be sent as {number.nearest!r})",
        hint=hint,
    )


def _bounded_int(text: str) -> int:
    if len(text) > _MAX_JSON_INT_DIGITS:
        raise _Rejected(f"integer with more than {_MAX_JSON_INT_DIGITS} digits")
    return int(text)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # Last-wins would silently drop a value the user wrote; refuse instead, at any level.
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _Rejected(f"duplicate key {quote(key)}")
        result[key] = value
    return result


def load_strict_json(text: str, *, where: str) -> object:
    """json.loads with no NaN/Infinity, no overflowing floats and no duplicate keys.

    Every failure is a one-line UsageError starting with `where`."""
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_float=_exact_float,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{where}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except _Rejected as exc:
        raise UsageError(f"{where}: {exc}") from None
    except RecursionError:
        raise UsageError(f"{where}: JSON nested too deeply") from None


def _stringified(value: object, source: str) -> str:
    def unserialisable(item: object) -> object:
        if isinstance(item, InexactNumber):
            raise _inexact_error(item, source)
        raise TypeError(f"Object of type {type(item).__name__} is not JSON serializable")

    try:
        return json.dumps(
            value,
            separators=(",", ":"),
            ensure_ascii=False,
            sort_keys=True,
            allow_nan=False,
            default=unserialisable,
        )
    except (TypeError, ValueError, RecursionError) as exc:
        raise UsageError(f"{source}: cannot store it as JSON text: {exc}") from None


def check_unicode(text: str, what: str, source: str) -> None:
    """Refuse a lone surrogate: from a JSON "\\ud800" or a byte of argv that is not UTF-8, it
    can't be encoded to be sent, so it is bad input, found before any request."""
    found = _SURROGATE.search(text)
    if found is not None:
        raise UsageError(
            f"{source}: {what} is not valid Unicode: lone surrogate \\u{ord(found.group()):04x} "
            "(a byte that is not UTF-8, or half of a \\u pair)"
        )


def validate_value(key: str, value: object, *, stringify: bool, source: str) -> MetaValue | None:
    """Return `value` as the platform can store it, None for a deletion, or raise.

    `source` starts every message and names where the value came from, e.g.
    "invalid item 'x:=[1]'" or "meta.json: key 'x'"."""
    check_unicode(key, "the key", source)
    storable = _storable(key, value, stringify=stringify, source=source)
    for text in storable if isinstance(storable, list) else [storable]:
        if isinstance(text, str):
            check_unicode(text, "the value", source)
    return storable


def _storable(key: str, value: object, *, stringify: bool, source: str) -> MetaValue | None:
    to_delete = f"to delete the key, use `assetmeta unset ID {_shell_word(key)}`"
    if isinstance(value, InexactNumber):
        raise _inexact_error(value, source)
    if value is None or isinstance(value, (bool, str)):
        if value == "":
            raise UsageError(
                f"{source}: empty value; the platform ignores empty strings ({to_delete})"
            )
        return value
    if isinstance(value, int):  # after bool: True is an int too
        if abs(value) > MAX_SAFE_INTEGER:
            raise UsageError(
                f"{source}: integer beyond 53 bits; the platform would round it",
                hint=f'to keep every digit, send it as a JSON string: "{value}"',
            )
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"{source}: NaN and infinities are not allowed")
        return value
    if isinstance(value, list):
        strings = [item for item in value if isinstance(item, str)]
        if len(strings) == len(value):
            if not strings:
                raise UsageError(
                    f"{source}: empty array; the platform ignores empty arrays ({to_delete})"
                )
            return strings
        if stringify:
            return _stringified(value, source)
        raise UsageError(f"{source}: arrays may hold only strings ({_STRINGIFY})")
    if isinstance(value, dict):
        if stringify:
            return _stringified(value, source)
        raise UsageError(f"{source}: objects are not allowed ({_STRINGIFY})")
    raise UsageError(f"{source}: unsupported value of type {type(value).__name__}")


# One handler per separator (httpie style):
# (key, text after the separator, infer, stringify, message prefix) -> (value, warning).
_Handler = Callable[[str, str, bool, bool, str], tuple[MetaValue | None, str | None]]


def _text_value(
    key: str, text: str, infer: bool, stringify: bool, where: str
) -> tuple[MetaValue | None, str | None]:
    value, warning = infer_value(text) if infer else (text, None)
    return validate_value(key, value, stringify=stringify, source=where), warning


def _json_value(
    key: str, text: str, infer: bool, stringify: bool, where: str
) -> tuple[MetaValue | None, str | None]:
    value = load_strict_json(text, where=where)
    return validate_value(key, value, stringify=stringify, source=where), None


_HANDLERS: dict[str, _Handler] = {SEP_VALUE: _text_value, SEP_JSON: _json_value}


def parse_item(raw: str, *, infer: bool = True, stringify: bool = False) -> ParsedItem:
    """Parse one KEY=VALUE or KEY:=JSON item; the first "=" splits key from value."""
    where = f"invalid item {quote(raw)}"
    index = raw.find(SEP_VALUE)
    if index < 0:
        raise UsageError(f"{where}: expected KEY{SEP_VALUE}VALUE or KEY{SEP_JSON}JSON")
    separator = SEP_JSON if raw[:index].endswith(SEP_JSON[0]) else SEP_VALUE
    key = raw[: index + len(SEP_VALUE) - len(separator)]
    if not key:
        raise UsageError(f"{where}: empty key")
    value, warning = _HANDLERS[separator](key, raw[index + 1 :], infer, stringify, where)
    if warning is not None:
        warning = f"item {quote(raw)}: {warning}"
    return ParsedItem(key=key, value=value, raw=raw, warning=warning)


def parse_items(
    raws: Sequence[str], *, infer: bool = True, stringify: bool = False
) -> tuple[Patch, list[str]]:
    """Parse every item into one patch (in the given order) and the warnings.

    All items are checked; the error names the first problem and counts the rest."""
    patch: Patch = {}
    first_raw: dict[str, str] = {}
    warnings: list[str] = []
    errors: list[UsageError] = []
    for raw in raws:
        try:
            item = parse_item(raw, infer=infer, stringify=stringify)
        except UsageError as exc:
            errors.append(exc)
            continue
        if item.key in first_raw:
            errors.append(
                UsageError(
                    f"key {quote(item.key)} given twice: "
                    f"{quote(first_raw[item.key])} and {quote(raw)}"
                )
            )
            continue
        first_raw[item.key] = raw
        patch[item.key] = item.value
        if item.warning is not None:
            warnings.append(item.warning)
    if errors:
        raise combine_errors(errors)
    return patch, warnings
