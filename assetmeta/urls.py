"""Asset ids and the URLs they form; no HTTP library, so every command can import it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .errors import AssetmetaError, UsageError
from .jsoninput import json_kind
from .types import Metadata

_MAX_ID = 200
_ASSET_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{_MAX_ID}}}\Z")
METADATA = "/user-metadata"


class InvalidAssetId(UsageError):
    """An id that can't be one; the message names it, so it needs no other prefix."""


def check_asset_id(asset_id: str) -> str:
    """Only letters, digits, '_' and '-' may form a path segment: no '..', '/', '?', '%', '#'."""
    if not _ASSET_ID.match(asset_id):
        # Shown as given: a message is escaped once, where it is printed (message_line).
        shown = asset_id if len(asset_id) <= _MAX_ID else asset_id[:_MAX_ID] + "…"
        raise InvalidAssetId(
            f"invalid asset id '{shown}': only letters, digits, '_' and '-' are allowed",
            hint="platform asset ids are 24 hex digits",
        )
    return asset_id


def asset_url(base_url: str, asset_id: str, suffix: str = "") -> str:
    """The URL of an asset: the id is checked, then still percent-encoded."""
    return f"{base_url.rstrip('/')}/assets/{quote(check_asset_id(asset_id), safe='')}{suffix}"


def metadata_of(asset: Mapping[str, Any]) -> Metadata:
    """Absent, null and {} all mean "no metadata". Anything else that is not an object is a
    malformed answer: shown as "no metadata" it would hide the stored data, and a write
    would be planned and journaled against it."""
    value = asset.get("user_metadata")
    if value is None:
        return {}
    if not isinstance(value, dict):
        asset_id = asset.get("_id")
        named = f"{asset_id}: " if isinstance(asset_id, str) and asset_id else ""
        raise AssetmetaError(
            f"{named}the server's user_metadata is not an object ({json_kind(value)})"
        )
    return dict(value)
