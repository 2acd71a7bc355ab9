"""Where assetmeta keeps its files: XDG folders on Linux, the same layout elsewhere."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

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
