"""The platform's asset API as a state machine: no HTTP, just the contract's rules.

Assets are plain dicts shaped like the platform's JSON. `user_metadata` is absent from an
asset that has none (never `{}` or null). Every method is thread-safe; with a state file,
several processes (each with its own store) share one set of assets.
"""

from __future__ import annotations

import copy
import json
import math
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assetmeta.metadata import apply_merge, apply_replace

from .errors import StoreError
from .seed import sample_assets
from .statefile import StateFile
from .values import parse_user_metadata

Asset = dict[str, Any]

# What an asset id may be made of; anything else can never name an asset (API-CONTRACT
# "Connection": an id must not be able to reach another path).
ASSET_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")
ASSET_TYPES = ("image", "video", "audio", "document")
DEFAULT_PAGE_LIMIT = 10
MAX_PAGE_LIMIT = 50

STATE_FORMAT = "assetmeta-emulator-state"
STATE_VERSION = 1


class StateFileError(Exception):
    """The state file exists but does not hold emulator state."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is not an emulator state file: {reason}")
        self.path = path
        self.reason = reason


def asset_type(file_type: str) -> str:
    """The `asset_types` filter value of a MIME type: image, video, audio or document."""
    major = file_type.split("/", 1)[0].lower()
    return major if major in ("image", "video", "audio") else "document"


class AssetStore:
    """Assets and their user metadata, in memory or backed by a shared JSON file."""

    def __init__(self, state_file: Path | None = None, seed: bool = True) -> None:
        self._lock = threading.RLock()
        self._seed = seed
        self._file = StateFile(state_file) if state_file is not None else None
        self._raw: bytes | None = None  # the file's bytes `_assets` was loaded from
        self._assets: dict[str, Asset] = {}
        self._sorted: list[Asset] | None = None  # newest first; reset whenever assets change
        if self._file is None:
            self._assets = self._initial_assets()
        else:
            with self._lock, self._file.locked():
                self._sync(locked=True)

    @property
    def state_file(self) -> Path | None:
        return self._file.path if self._file is not None else None

    def get(self, asset_id: str) -> Asset:
        """One asset (a copy); 404 resource_not_exist when there is none with that id."""
        with self._lock:
            return copy.deepcopy(self._find(self._current(), asset_id))

    def all(self) -> list[Asset]:
        """Every asset (copies), newest first."""
        with self._lock:
            return copy.deepcopy(_newest_first(self._current().values()))

    def patch(self, asset_id: str, user_metadata: object) -> None:
        """Merge: a value creates or replaces its key, null deletes it, "" and [] are ignored."""
        changes = parse_user_metadata(user_metadata)

        def merge(assets: dict[str, Asset]) -> None:
            asset = self._find(assets, asset_id)
            _set_user_metadata(asset, apply_merge(asset.get("user_metadata") or {}, changes))

        self._mutate(merge)

    def put(self, asset_id: str, user_metadata: object) -> None:
        """Replace: the metadata becomes exactly the keys with a value ({} clears all)."""
        values = apply_replace(parse_user_metadata(user_metadata))
        self._mutate(lambda assets: _set_user_metadata(self._find(assets, asset_id), values))

    def delete(self, asset_id: str) -> None:
        """Clear all user metadata of the asset."""
        self._mutate(lambda assets: _set_user_metadata(self._find(assets, asset_id), {}))

    def reset(self) -> None:
        """Back to the sample assets (or to none, for a store made with seed=False)."""
        initial = self._initial_assets()
        self._mutate(lambda assets: _replace(assets, initial))

    def replace_all(self, assets: object) -> None:
        """Replace every asset with the given list (each needs an `_id`; metadata is checked)."""
        checked = _check_assets(assets)
        self._mutate(lambda current: _replace(current, checked))

    # -- internals ----------------------------------------------------------------------

    def _initial_assets(self) -> dict[str, Asset]:
        return {asset["_id"]: asset for asset in sample_assets()} if self._seed else {}

    @staticmethod
    def _find(assets: dict[str, Asset], asset_id: str) -> Asset:
        asset = assets.get(asset_id)
        if asset is None:
            raise StoreError(404, "resource_not_exist", f"No asset with id {asset_id!r} exists.")
        return asset

    def _newest_first(self) -> list[Asset]:
        """The listing order, computed once per change: sorting 100k assets per page is slow."""
        current = self._current()
        if self._sorted is None:
            self._sorted = _newest_first(current.values())
        return self._sorted

    def _current(self) -> dict[str, Asset]:
        """The assets, reloaded first when another process changed the file."""
        if self._file is not None:
            self._sync(locked=False)
        return self._assets

    def _mutate(self, change: Callable[[dict[str, Asset]], None]) -> None:
        """Apply a change (which raises before modifying anything) and persist it."""
        with self._lock:
            self._sorted = None
            if self._file is None:
                change(self._assets)
                return
            with self._file.locked():
                self._sync(locked=True)
                change(self._assets)
                self._save()

    def _sync(self, *, locked: bool) -> None:
        assert self._file is not None
        raw = self._file.read()
        if raw is None:  # a new or deleted file: seed it, under the lock
            if not locked:
                with self._file.locked():
                    self._sync(locked=True)
                return
            self._assets = self._initial_assets()
            self._sorted = None
            self._save()
        elif raw != self._raw:
            self._assets = _decode(raw, self._file.path)
            self._sorted = None
            self._raw = raw

    def _save(self) -> None:
        assert self._file is not None
        state = {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "assets": _newest_first(self._assets.values()),
        }
        raw = (json.dumps(state, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
        self._file.write(raw)
        self._raw = raw

    # Last in the class body: inside it, the name `list` means this method.
    def list(
        self,
        page: int = 1,
        page_limit: int = DEFAULT_PAGE_LIMIT,
        asset_ids: Iterable[str] | None = None,
        asset_types: Iterable[str] | None = None,
        filename: str | None = None,
    ) -> dict[str, Any]:
        """One page of assets, newest first: `{"data": [...], "page_info": {...}}`."""
        if page < 1:
            raise StoreError(400, "parameter_invalid", f"page must be 1 or more, not {page}.")
        if not 1 <= page_limit <= MAX_PAGE_LIMIT:
            raise StoreError(
                400,
                "parameter_invalid",
                f"page_limit must be between 1 and {MAX_PAGE_LIMIT}, not {page_limit}.",
            )
        types = set(asset_types or ())
        unknown = sorted(types.difference(ASSET_TYPES))
        if unknown:
            raise StoreError(
                400,
                "parameter_invalid",
                f"asset_types must be among {', '.join(ASSET_TYPES)}; got {', '.join(unknown)}.",
            )
        ids = set(asset_ids or ())
        needle = (filename or "").casefold()
        with self._lock:
            matches = [
                asset
                for asset in self._newest_first()
                if (not ids or asset["_id"] in ids)
                and (not types or asset_type(str(asset.get("file_type", ""))) in types)
                and needle in str(asset.get("filename", "")).casefold()
            ]
            start = (page - 1) * page_limit
            data = copy.deepcopy(matches[start : start + page_limit])
        return {
            "data": data,
            "page_info": {
                "page": page,
                "limit_per_page": page_limit,
                "total_page": math.ceil(len(matches) / page_limit),
                "total_results": len(matches),
            },
        }


def _set_user_metadata(asset: Asset, metadata: dict[str, Any]) -> None:
    """Store the metadata; an asset without any has no `user_metadata` field at all."""
    if metadata:
        asset["user_metadata"] = metadata
    else:
        asset.pop("user_metadata", None)


def _replace(assets: dict[str, Asset], new: dict[str, Asset]) -> None:
    assets.clear()
    assets.update(copy.deepcopy(new))


_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def _created(asset: Asset) -> datetime:
    text = str(asset.get("created_at", ""))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _newest_first(assets: Iterable[Asset]) -> list[Asset]:
    return sorted(assets, key=lambda a: (_created(a), str(a["_id"])), reverse=True)


def _check_assets(assets: object) -> dict[str, Asset]:
    """Assets given whole (state file, control endpoint): ids and metadata checked."""
    if not isinstance(assets, list):
        raise StoreError(400, "parameter_invalid", "assets must be a JSON array of objects.")
    checked: dict[str, Asset] = {}
    for position, asset in enumerate(assets):
        if not isinstance(asset, dict):
            raise StoreError(400, "parameter_invalid", f"assets[{position}] is not an object.")
        asset_id = asset.get("_id")
        if not isinstance(asset_id, str) or not ASSET_ID_PATTERN.fullmatch(asset_id):
            raise StoreError(
                400,
                "parameter_invalid",
                f"assets[{position}]._id must be letters, digits, '_' and '-' only.",
            )
        if asset_id in checked:
            raise StoreError(400, "parameter_invalid", f"assets[{position}]._id is a duplicate.")
        asset = dict(asset)
        metadata = parse_user_metadata(asset.get("user_metadata") or {})
        _set_user_metadata(asset, {k: v for k, v in metadata.items() if v is not None})
        checked[asset_id] = asset
    return checked


def _decode(raw: bytes, path: Path) -> dict[str, Asset]:
    try:
        state = json.loads(raw.decode("utf-8-sig"))
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise ValueError(f"no {STATE_FORMAT!r} format marker")
        return _check_assets(state.get("assets"))
    except UnicodeDecodeError:
        reason = "it is not UTF-8 text"
    except json.JSONDecodeError as error:
        reason = f"it is not JSON ({error.msg} at line {error.lineno} column {error.colno})"
    except (ValueError, StoreError) as error:
        reason = str(error)
    raise StateFileError(path, reason)
