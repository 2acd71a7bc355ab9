"""The config file: a `[default]` table and one table per profile, written with mode 0600."""

from __future__ import annotations

import json
import math
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
# Each unit of concurrency is a thread and an open connection. The platform limits requests
# per account, so more in flight only earns 429s; and 64 stays well inside the smallest
# usual open-file limit (256 on macOS) with room for the journal and the pipes.
MAX_CONCURRENCY = 64
# What a numeric setting may be, from every source: (type, least, most, the rule as told).
# A timeout past a day overflows the socket layer; 0 already means "wait for ever".
NUMBER_RULES: dict[str, tuple[type, float, float, str]] = {
    "timeout": (float, 0, 86400, "must be a number of seconds from 0 to 86400 (0 = no timeout)"),
    "retries": (int, 0, math.inf, "must be an integer of at least 0"),
    "concurrency": (int, 1, MAX_CONCURRENCY, f"must be an integer from 1 to {MAX_CONCURRENCY}"),
}
# An integer longer than this is out of every range (and int() refuses past 4300 digits).
_MAX_DIGITS = 40
# Plain decimal: digits, for a float perhaps one point; no sign (no setting is negative),
# no exponent (1e-400 would be a timeout of 0, "none"), no `_`, ASCII only.
_INTEGER = re.compile(r"[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+", re.ASCII)
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
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"config file {path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} "
            f"at offset {exc.start})",
            hint=_broken_hint(path),
        ) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(
            f"config file {path} is not valid TOML: {reason}", hint=_broken_hint(path)
        ) from None
    data: ConfigData = {}
    for name, table in parsed.items():
        if isinstance(table, dict):
            data[name] = {k: v for k, v in table.items() if isinstance(v, (str, int, float, bool))}
    return data


def _broken_hint(path: Path) -> str:
    # Not "rewrite it with config set": config set reads the file first, and refuses it too.
    return f"fix it, or move it aside ({path}) and start afresh"


def unknown_keys(data: ConfigData, names: list[str], path: Path) -> list[str]:
    """A warning for each key of the tables NAMES that no setting reads: a typo, most likely,
    and silently ignoring it would leave the user wondering why the setting has no effect."""
    return [
        f"unknown key {key!r} in [{name}] of {path} is ignored"
        for name in dict.fromkeys(names)
        for key in sorted(data.get(name, {}))
        if key not in KNOWN_KEYS
    ]


def readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
    except OSError:
        return False


def open_file_warning(path: Path) -> str | None:
    """The warning for a config file others can read (it holds the key), if it is one."""
    if not readable_by_others(path):
        return None
    return f"config file {path} is readable by others; run: chmod 600 {path}"


def check_key(key: str) -> type:
    """The type KEY holds; an unknown key is a usage error that lists the known ones."""
    kind = KNOWN_KEYS.get(key)
    if kind is None:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise UsageError(f"unknown config key {key!r}", hint=f"known keys: {known}")
    return kind


def check_number(key: str, value: object) -> int | float:
    """A numeric setting from text (flag, environment, `config set`) or from TOML.

    The same rules wherever it comes from; ValueError carries the rule. Text is plain ASCII
    decimal: `1_0`, `٣`, `nan` and `inf` are refused, and so is an integer written `2.0`.
    """
    kind, least, most, rule = NUMBER_RULES[key]
    number: int | float | None = None
    if isinstance(value, str):
        text = value.strip()
        pattern = _INTEGER if kind is int else _DECIMAL
        if pattern.fullmatch(text) and (kind is float or len(text) <= _MAX_DIGITS):
            number = int(text) if kind is int else float(text)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value if kind is int else float(value)
    elif isinstance(value, float) and kind is float:
        number = value
    if number is None or not math.isfinite(number) or not least <= number <= most:
        raise ValueError(rule)
    return number


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def bool_word(text: str) -> bool | None:
    """The boolean a word means, in any source (config set, the environment, .env); None
    when it is no boolean."""
    lowered = text.strip().lower()
    return True if lowered in TRUE_WORDS else False if lowered in FALSE_WORDS else None


def coerce(key: str, text: str) -> ConfigValue:
    """Turn the text of `config set KEY VALUE` into the value stored for KEY."""
    kind = check_key(key)
    if kind is bool:
        meant = bool_word(text)
        if meant is None:
            raise UsageError(f"config key {key!r} takes true or false, not {text!r}")
        return meant
    if key in NUMBER_RULES:
        try:
            return check_number(key, text)
        except ValueError as exc:
            raise UsageError(f"config key {key!r} {exc}, not {text!r}") from None
    return text.strip() if key == "api_key" else text


def show(value: ConfigValue) -> str:
    """A value as the file spells it: `false`, not Python's `False`."""
    return value if isinstance(value, str) else _toml_value(value)


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
