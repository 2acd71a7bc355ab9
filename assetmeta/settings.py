"""Settings, highest first: flags > environment > .env > config file profile > [default] > built-in.

Nothing here prints; the API key is only ever returned, never formatted into a message.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import config, paths
from .errors import AuthError, UsageError

DEFAULT_BASE_URL = "https://api.twelvelabs.io/v1.3"

# Environment names per setting, first wins. The SDK's own names come first, so a user of
# the official SDK needs no new setup.
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "api_key": ("TWELVE_LABS_API_KEY", "ASSETMETA_API_KEY"),
    "base_url": ("TWELVELABS_BASE_URL", "ASSETMETA_BASE_URL"),
    "profile": ("ASSETMETA_PROFILE",),
    "timeout": ("ASSETMETA_TIMEOUT",),
    "retries": ("ASSETMETA_RETRIES",),
    "concurrency": ("ASSETMETA_CONCURRENCY",),
    "no_journal": ("ASSETMETA_NO_JOURNAL",),
    "sandbox": ("ASSETMETA_SANDBOX",),
    "insecure_http": ("ASSETMETA_INSECURE_HTTP",),
}
DEFAULTS: dict[str, object] = {"timeout": 30.0, "retries": 3, "concurrency": 8}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Flags:
    """What the command line said; None means "not given"."""

    api_key: str | None = None
    base_url: str | None = None
    profile: str | None = None
    timeout: float | None = None
    retries: int | None = None
    concurrency: int | None = None
    no_journal: bool | None = None
    sandbox: bool | None = None
    insecure_http: bool | None = None
    env_file: Path | None = None


@dataclass(frozen=True)
class Settings:
    api_key: str | None
    base_url: str
    timeout: float
    retries: int
    concurrency: int
    journal: bool
    sandbox: bool
    insecure_http: bool
    profile: str
    config_path: Path
    state_dir: Path
    key_places: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    key_source: str = ""

    def require_key(self) -> str:
        if self.api_key:
            # httpx would fail on the header and quote it back in the error: refuse it first.
            if not all(" " <= char <= "~" for char in self.api_key):
                raise AuthError(
                    f"the API key from {self.key_source or 'the settings'} has a line break, "
                    "a control or a non-ASCII character in it, so it cannot be sent",
                    hint="set it again, copied whole (the key itself is never shown)",
                )
            return self.api_key
        raise AuthError(
            "no API key found; looked in " + ", ".join(self.key_places),
            hint="export TWELVE_LABS_API_KEY=..., run 'assetmeta config set api_key', "
            "or try it all out with --sandbox",
        )


class _Layers:
    """Looks a setting up through environment, .env and config file, remembering where."""

    def __init__(
        self, environ: Mapping[str, str], dotenv: Mapping[str, str | None], dotenv_path: Path
    ) -> None:
        self.environ = environ
        self.dotenv = dotenv
        self.dotenv_path = dotenv_path

    def lookup(self, name: str) -> tuple[str, str] | None:
        for env in ENV_NAMES[name]:
            if self.environ.get(env, "").strip():
                return self.environ[env], f"${env}"
        for env in ENV_NAMES[name]:
            value = self.dotenv.get(env)
            if value is not None and value.strip():
                return value, f"{env} in {self.dotenv_path}"
        return None


def _read_dotenv(path: Path) -> Mapping[str, str | None]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # imported here: only worth its start-up cost when used

    return dotenv_values(path, encoding="utf-8")


def _parse_bool(text: str, where: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise UsageError(f"{where} must be true or false, not {text!r}")


def _parse_number(text: str, where: str, kind: type[int] | type[float]) -> float:
    try:
        value = kind(text.strip())
    except ValueError:
        raise UsageError(f"{where} must be a number, not {text!r}") from None
    if value < 0:
        raise UsageError(f"{where} must not be negative")
    return value


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, *, insecure_http: bool) -> str:
    """Accept https anywhere, http only to loopback (the emulator) unless allowed."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"base URL {url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise UsageError("base URL must not contain credentials")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not insecure_http:
        raise UsageError(
            f"refusing to send the API key over plain http to {parts.hostname}",
            hint="use https, or pass --insecure-http if you really mean it",
        )
    return url


def resolve(flags: Flags, environ: Mapping[str, str], cwd: Path) -> Settings:
    dotenv_path = flags.env_file or cwd / ".env"
    if flags.env_file is not None and not flags.env_file.is_file():
        raise UsageError(f"--env-file {flags.env_file}: no such file")
    layers = _Layers(environ, _read_dotenv(dotenv_path), dotenv_path)
    config_path = paths.config_file(environ)
    data = config.load(config_path)

    found_profile = layers.lookup("profile")
    profile = flags.profile or (found_profile[0].strip() if found_profile else "default")
    if profile != config.DEFAULT_PROFILE and profile not in data:
        raise UsageError(
            f"profile {profile!r} not found in {config_path}",
            hint="create it with 'assetmeta config set --profile NAME KEY VALUE'",
        )
    table = {**data.get(config.DEFAULT_PROFILE, {}), **data.get(profile, {})}
    warnings: list[str] = []
    if data and config.readable_by_others(config_path):
        warnings.append(
            f"config file {config_path} is readable by others; run: chmod 600 {config_path}"
        )

    def pick(name: str, flag: object, config_key: str | None = None) -> tuple[object, str]:
        if flag is not None:
            return flag, "--" + name.replace("_", "-")
        hit = layers.lookup(name)
        if hit is not None:
            return hit
        key = config_key or name
        if key in table:
            return table[key], f"{config_path} [{profile}]"
        return DEFAULTS.get(name), "default"

    def number(name: str, flag: float | None, kind: type[int] | type[float]) -> float:
        value, where = pick(name, flag)
        if isinstance(value, str):
            return _parse_number(value, where, kind)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UsageError(f"{name} from {where} must be a non-negative number")
        return kind(value)

    def boolean(name: str, flag: bool | None) -> bool:
        value, where = pick(name, flag)
        if isinstance(value, str):
            return _parse_bool(value, where)
        return bool(value)

    if flags.no_journal is not None:
        journal = not flags.no_journal
    elif (hit := layers.lookup("no_journal")) is not None:
        journal = not _parse_bool(*hit)
    else:
        journal = bool(table.get("journal", True))

    key_value, key_source = pick("api_key", flags.api_key)
    api_key = key_value.strip() if isinstance(key_value, str) else None
    insecure = boolean("insecure_http", flags.insecure_http)
    base_value, _ = pick("base_url", flags.base_url)
    base_url = check_base_url(str(base_value or DEFAULT_BASE_URL), insecure_http=insecure)
    concurrency = int(number("concurrency", flags.concurrency, int))
    if concurrency < 1:
        raise UsageError("concurrency must be at least 1")

    places = (
        "--api-key",
        *(f"${env}" for env in ENV_NAMES["api_key"]),
        str(dotenv_path),
        f"{config_path} [{profile}]",
    )
    return Settings(
        api_key=api_key or None,
        base_url=base_url,
        timeout=number("timeout", flags.timeout, float),
        retries=int(number("retries", flags.retries, int)),
        concurrency=concurrency,
        journal=journal,
        sandbox=boolean("sandbox", flags.sandbox),
        insecure_http=insecure,
        profile=profile,
        config_path=config_path,
        state_dir=paths.state_dir(environ),
        key_places=places,
        key_source=key_source,
        warnings=tuple(warnings),
    )
