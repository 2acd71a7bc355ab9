"""User metadata values, checked exactly as the platform does (API-CONTRACT "Values").

A body's `user_metadata` is checked whole before anything is applied, so a request with
one bad key changes nothing.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

from assetmeta.metadata import is_ignored
from assetmeta.types import MAX_SAFE_INTEGER, MetaValue, Patch

from .errors import StoreError


def parse_user_metadata(user_metadata: object) -> Patch:
    """Check a request's `user_metadata` and return key -> value, or None for `null`.

    Ignored keys (`""`, `[]`) are left out. Integers beyond 53 bits come back rounded to
    the nearest double, as the platform stores them. Every bad key is named in one 400.
    """
    if not isinstance(user_metadata, dict):
        raise StoreError(400, "parameter_invalid", "user_metadata must be a JSON object")
    patch: Patch = {}
    problems: list[str] = []
    for key, value in user_metadata.items():
        if not isinstance(key, str) or key == "":
            problems.append("keys must be non-empty strings")
            continue
        if value is None:
            patch[key] = None
            continue
        if is_ignored(value):
            continue
        try:
            patch[key] = _platform_value(value)
        except ValueError as error:
            problems.append(f"user_metadata key {json.dumps(key)} {error}")
    if problems:
        raise StoreError(400, "parameter_invalid", "; ".join(problems))
    return patch


def _platform_value(value: object) -> MetaValue:
    """The value as the platform stores it; ValueError says why it is refused."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return _platform_int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("is not a finite number")
        return value
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return [str(item) for item in value]
        raise ValueError(
            "is an array of non-strings: arrays may hold only strings; "
            "store anything else as a string (JSON text)"
        )
    if isinstance(value, dict):
        raise ValueError(
            "is an object: objects are not allowed; store them as a string (JSON text)"
        )
    raise ValueError(f"has an unsupported type ({type(value).__name__})")


def _platform_int(value: int) -> int | float:
    """An integer as the platform keeps it: an IEEE 754 double, printed the way JavaScript
    and Go print one (shortest digits that read back the same; exponent form from 1e21).

    So 2**53 + 1 comes back as 9007199254740992 and 12345678901234567890 as
    12345678901234567000.
    """
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return value
    try:
        double = float(value)
    except OverflowError:
        raise ValueError("is too large to be a number; send it as a string") from None
    if abs(double) >= 1e21:
        return double
    return int(Decimal(repr(double)))
