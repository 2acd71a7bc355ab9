"""The config file: a `[default]` table and one table per profile, written with mode 0600."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ConfigValue = str | int | float | bool
ConfigData = dict[str, dict[str, ConfigValue]]

DEFAULT_PROFILE = "default"
# The settings a profile may hold, and how a `config set` string becomes a value.
KNOWN_KEYS: dict[str, type] = {
    "api_key": str,
    "base_url": str,
    "timeout": float,
    "retries": int,
    "concurrency": int,
    "journal": bool,
}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def load(path: Path) -> ConfigData:
    """Read the file; a missing file is an empty config, a broken one a clear error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        parsed = tomllib.loads(raw.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"config file {path} is not valid TOML: {reason}") from None
    data: ConfigData = {}
    for name, table in parsed.items():
        if isinstance(table, dict):
            data[name] = {k: v for k, v in table.items() if isinstance(v, (str, int, float, bool))}
    return data


def readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def coerce(key: str, text: str) -> ConfigValue:
    """Turn the text of `config set KEY VALUE` into the value stored for KEY."""
    kind = KNOWN_KEYS.get(key)
    if kind is None:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise UsageError(f"unknown config key {key!r}", hint=f"known keys: {known}")
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise UsageError(f"config key {key!r} takes true or false, not {text!r}")
    if kind is int or kind is float:
        try:
            number = int(text) if kind is int else float(text)
        except ValueError:
            raise UsageError(f"config key {key!r} takes a number, not {text!r}") from None
        if number < 0:
            raise UsageError(f"config key {key!r} must not be negative")
        return number
    return text.strip() if key == "api_key" else text


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: ConfigValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # A JSON string with ensure_ascii is a valid TOML basic string.
    return json.dumps(value)


def dumps(data: ConfigData) -> str:
    parts = []
    for name in sorted(data, key=lambda n: (n != DEFAULT_PROFILE, n)):
        lines = [f"[{_toml_key(name)}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in sorted(data[name].items())]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def save(path: Path, data: ConfigData) -> None:
    """Write atomically with mode 0600: the file may hold an API key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dumps(data))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
