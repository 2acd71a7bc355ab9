"""Where assetmeta keeps its files: XDG folders on Linux, the same layout elsewhere."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .errors import UsageError

APP = "assetmeta"


def _xdg(environ: Mapping[str, str], name: str, fallback: str) -> Path:
    value = environ.get(name, "")
    # The XDG spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path(environ.get("HOME") or Path.home()) / fallback


def config_file(environ: Mapping[str, str]) -> Path:
    override = environ.get("ASSETMETA_CONFIG")
    if override:
        return Path(override)
    return _xdg(environ, "XDG_CONFIG_HOME", ".config") / APP / "config.toml"


def state_dir(environ: Mapping[str, str]) -> Path:
    override = environ.get("ASSETMETA_STATE_DIR")
    if override:
        return Path(override)
    return _xdg(environ, "XDG_STATE_HOME", ".local/state") / APP


def _state_dir_origin(environ: Mapping[str, str]) -> str:
    if environ.get("ASSETMETA_STATE_DIR"):
        return "from ASSETMETA_STATE_DIR"
    value = environ.get("XDG_STATE_HOME", "")
    return "from XDG_STATE_HOME" if value and os.path.isabs(value) else "the default"


def checked_state_dir(environ: Mapping[str, str]) -> Path:
    """The state folder, or a usage error if it is, or would have to be made under, a file:
    one line naming it and the variable it came from, not the OS's bare 'File exists'."""
    path = state_dir(environ)
    # os.path, not Path: it never raises (a folder it may not enter reads as absent).
    blocker = next((p for p in (path, *path.parents) if os.path.lexists(p)), None)
    if blocker is None or os.path.isdir(blocker):
        return path
    what = "is not a folder" if blocker == path else f"can't be created: {blocker} is not a folder"
    origin = _state_dir_origin(environ)
    raise UsageError(
        f"the state folder {path} ({origin}) {what}",
        hint="point ASSETMETA_STATE_DIR at a folder (it is created if missing), or unset it",
    )
