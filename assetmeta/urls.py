"""Asset ids and the URLs they form; no HTTP library, so every command can import it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .errors import UsageError
from .types import Metadata

_ASSET_ID = re.compile(r"[A-Za-z0-9_-]{1,200}\Z")
METADATA = "/user-metadata"


def check_asset_id(asset_id: str) -> str:
    """Only letters, digits, '_' and '-' may form a path segment: no '..', '/', '?', '%', '#'."""
    if not _ASSET_ID.match(asset_id):
        shown = asset_id if asset_id.isprintable() else repr(asset_id)
        raise UsageError(
            f"invalid asset id {shown!r}: only letters, digits, '_' and '-' are allowed",
            hint="platform asset ids are 24 hex digits",
        )
    return asset_id


def asset_url(base_url: str, asset_id: str, suffix: str = "") -> str:
    """The URL of an asset: the id is checked, then still percent-encoded."""
    return f"{base_url.rstrip('/')}/assets/{quote(check_asset_id(asset_id), safe='')}{suffix}"


def metadata_of(asset: Mapping[str, Any]) -> Metadata:
    """Absent, null and {} all mean "no metadata"."""
    value = asset.get("user_metadata")
    return dict(value) if isinstance(value, dict) else {}
