"""Metadata read from JSON text (--from-file): the bare object, the {"user_metadata": ...}
wrapper, or a whole asset as `show --asset -o json` prints it.

Pure: the caller reads the bytes; the strict JSON rules and the value checks are the same
as for KEY:=JSON items (assetmeta.items).
"""

from __future__ import annotations

from assetmeta.errors import UsageError
from assetmeta.items import (
    InexactNumber,
    combine_errors,
    load_strict_json,
    quote,
    validate_value,
)
from assetmeta.types import Patch

_WRAPPER_KEY = "user_metadata"
# Keys that mark an object as a whole asset, whose user_metadata is the metadata.
_ASSET_ID_KEYS = ("_id", "asset_id")
_JSON_WHITESPACE = " \t\r\n"


def json_kind(value: object) -> str:
    """What a JSON value is, for a message: "an array", "a string", ..."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):  # before int and float: a bool is an int
        return "a boolean"
    if isinstance(value, (int, float, InexactNumber)):
        return "a number"
    return "null"


def _position(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {column}"


def _metadata_object(document: dict[str, object]) -> dict[str, object]:
    """The metadata inside `document`: unwrap the wrapper or asset shapes, else itself."""
    inner = document.get(_WRAPPER_KEY)
    if _WRAPPER_KEY not in document or not (inner is None or isinstance(inner, dict)):
        return document
    if len(document) == 1 or any(key in document for key in _ASSET_ID_KEYS):
        return inner or {}
    return document


def parse_metadata_json(data: bytes, *, source: str, stringify: bool = False) -> Patch:
    """Parse a JSON metadata object from `data` into a patch (None values delete keys).

    `source` names the input in messages ("meta.json", "<stdin>")."""
    where = quote(source) if not source.isprintable() else source
    try:
        text = data.decode("utf-8-sig")  # strips a BOM when there is one
    except UnicodeDecodeError as exc:
        raise UsageError(f"{where}: not valid UTF-8 (byte {exc.start})") from None
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    if start == len(text):
        raise UsageError(f"{where}: empty input, expected a JSON object")
    document = load_strict_json(text, where=where)
    if not isinstance(document, dict):
        got = f"{json_kind(document)} at {_position(text, start)}"
        raise UsageError(f"{where}: expected a JSON object, got {got}")
    return patch_of(_metadata_object(document), where=where, stringify=stringify)


def patch_of(document: dict[str, object], *, where: str, stringify: bool = False) -> Patch:
    """Check every key and value of a metadata object; every error is reported at once."""
    patch: Patch = {}
    errors: list[UsageError] = []
    for key, value in document.items():
        try:
            if not key:
                raise UsageError(f"{where}: empty key")
            patch[key] = validate_value(
                key, value, stringify=stringify, source=f"{where}: key {quote(key)}"
            )
        except UsageError as exc:
            errors.append(exc)
    if errors:
        raise combine_errors(errors)
    return patch


def merge_layers(file_patch: Patch | None, item_patch: Patch) -> Patch:
    """The file's patch with the command-line items over it: the command line wins."""
    return {**(file_patch or {}), **item_patch}
