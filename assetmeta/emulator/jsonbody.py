"""Request bodies as the platform reads them: strict JSON (no NaN or Infinity), UTF-8."""

from __future__ import annotations

import json


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def parse_json_body(body: bytes) -> object:
    """The body's JSON value; ValueError when it is not UTF-8 JSON."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json` or a `+json` type, with or without parameters such as charset."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
