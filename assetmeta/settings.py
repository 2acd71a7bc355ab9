"""Settings, highest first: flags > environment > .env > config file profile > [default] > built-in.

Nothing here prints; the API key is only ever returned, never formatted into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import config, dotenvfile, paths
from .baseurl import BadBaseUrl, check_base_url
from .errors import AuthError, UsageError
from .inputpath import check_readable

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
DEFAULTS: dict[str, object] = {
    "base_url": DEFAULT_BASE_URL,
    "timeout": 30.0,
    "retries": 3,
    "concurrency": 8,
}


@dataclass(frozen=True)
class Flags:
    """What the command line said; None means "not given"."""

    api_key: str | None = None
    base_url: str | None = None
    profile: str | None = None
    # The numbers as typed: checked by the same rule as the environment's and the file's.
    timeout: str | None = None
    retries: str | None = None
    concurrency: str | None = None
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


@dataclass(frozen=True)
class Source:
    """Where a setting's value came from, so that an error can point at it."""

    name: str  # as spelled there: --timeout, ASSETMETA_TIMEOUT, timeout
    # "flag" (the command line: a flag, or the value of `config set`), "environment",
    # a .env file, "config.toml [profile]" or "default"
    origin: str

    def __str__(self) -> str:
        """The place alone, for messages that must not show the value (the API key)."""
        if self.origin in ("flag", "default"):
            return self.name if self.origin == "flag" else "the default"
        if self.origin == "environment":
            return f"${self.name}"
        return f"{self.name} in {self.origin}"

    def quote(self, value: object) -> str:
        """`ASSETMETA_RETRIES=-1 (environment)`, `--timeout nan`: the value and its place."""
        shown = _shown(value)
        return (
            f"{self.name} {shown}"
            if self.origin == "flag"
            else f"{self.name}={shown} ({self.origin})"
        )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value and value == value.strip() and value.isprintable() else repr(value)
    return str(value)


class _Layers:
    """Looks a setting up through environment, .env and config file, remembering where."""

    def __init__(
        self, environ: Mapping[str, str], dotenv_path: Path, found: dotenvfile.DotenvFile
    ) -> None:
        self.environ = environ
        self.dotenv_path = dotenv_path
        self.dotenv = found.values
        self.warnings = found.warnings

    def lookup(self, name: str, *, keep_empty: bool = False) -> tuple[str, Source] | None:
        """The first value set; an empty one is passed over unless KEEP_EMPTY (then it is
        an error to report, not a reason to fall back to a default silently)."""
        for env in ENV_NAMES[name]:
            value = self.environ.get(env)
            if value is not None and (keep_empty or value.strip()):
                return value, Source(env, "environment")
        for env in ENV_NAMES[name]:
            value = self.dotenv.get(env)
            if value is not None and (keep_empty or value.strip()):
                return value, Source(env, str(self.dotenv_path))
        return None


def _parse_bool(value: object, source: Source) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        # An empty variable (ASSETMETA_SANDBOX=) is as good as unset: false.
        meant = config.bool_word(value) if value.strip() else False
        if meant is not None:
            return meant
    raise UsageError(f"{source.quote(value)}: must be true or false")


def _parse_number(name: str, value: object, source: Source) -> float:
    try:
        return config.check_number(name, value)
    except ValueError as exc:
        raise UsageError(f"{source.quote(value)}: {exc}") from None


def checked_base_url(value: object, source: Source, *, insecure_http: bool) -> str:
    """The base URL from SOURCE, by the one rule; an error names where it came from."""
    if not isinstance(value, str) or not value.strip():
        if isinstance(value, str):
            raise UsageError(
                f"{source} is empty",
                hint=f"give a URL, or leave it out for the default, {DEFAULT_BASE_URL}",
            )
        raise UsageError(f"{source.quote(value)}: must be a string")
    try:
        return check_base_url(value, insecure_http=insecure_http)
    except BadBaseUrl as exc:
        # A URL with an '@' may carry a password: name the place, not the value.
        shown = source.quote(value) if exc.show_value and "@" not in value else str(source)
        raise UsageError(f"{shown}: {exc.rule}", hint=exc.hint) from None


def _refuse_base_url_in_sandbox(sandbox: Source) -> None:
    """The sandbox serves its own base URL: quietly ignoring --base-url would hide a mistake."""
    if sandbox.origin == "flag":
        raise UsageError("--sandbox and --base-url can't be used together")
    raise UsageError(
        f"--base-url can't be used with the sandbox, which {sandbox} turns on",
        hint=f"drop --base-url, or turn the sandbox off ({sandbox.name}=0)",
    )


def _open_layers(flags: Flags, environ: Mapping[str, str], cwd: Path) -> _Layers:
    dotenv_path = flags.env_file or cwd / ".env"
    if flags.env_file is not None:
        # Named: it must be there, and may be anything readable (a FIFO, /dev/null).
        check_readable(flags.env_file, "--env-file")
        return _Layers(environ, dotenv_path, dotenvfile.read(dotenv_path))
    # The usual ./.env is read only when it is a plain file: it is optional, and a folder
    # or a FIFO of that name is no settings file anyone meant.
    found = dotenvfile.read(dotenv_path) if dotenv_path.is_file() else dotenvfile.DotenvFile()
    return _Layers(environ, dotenv_path, found)


def _pick_profile(flag: str | None, layers: _Layers) -> str:
    found = layers.lookup("profile")
    return flag or (found[0].strip() if found else config.DEFAULT_PROFILE)


@dataclass(frozen=True)
class ConfigScope:
    """What `config get|set|list` take from the settings, read as every other command does."""

    profile: str  # --profile, $ASSETMETA_PROFILE, the .env, or default
    insecure_http: bool  # whether `config set base_url` may store a plain http URL
    warnings: tuple[str, ...] = ()  # a .env line that could not be parsed


def config_scope(flags: Flags, environ: Mapping[str, str], cwd: Path) -> ConfigScope:
    layers = _open_layers(flags, environ, cwd)
    if flags.insecure_http is not None:
        insecure = flags.insecure_http
    else:
        found = layers.lookup("insecure_http")
        insecure = _parse_bool(*found) if found else False
    return ConfigScope(_pick_profile(flags.profile, layers), insecure, layers.warnings)


def require_profile(profile: str, data: config.ConfigData, config_path: Path) -> None:
    """A profile named but absent is a typo to report, not [default] to use silently."""
    if profile != config.DEFAULT_PROFILE and profile not in data:
        raise UsageError(
            f"profile {profile!r} not found in {config_path}",
            hint="create it with 'assetmeta config set --profile NAME KEY VALUE'",
        )


def resolve(flags: Flags, environ: Mapping[str, str], cwd: Path) -> Settings:
    layers = _open_layers(flags, environ, cwd)
    dotenv_path = layers.dotenv_path
    config_path = paths.config_file(environ)
    data = config.load(config_path)

    profile = _pick_profile(flags.profile, layers)
    require_profile(profile, data, config_path)
    tables = [
        (profile, data.get(profile, {})),
        (config.DEFAULT_PROFILE, data.get(config.DEFAULT_PROFILE, {})),
    ]
    warnings = [
        *layers.warnings,
        *config.unknown_keys(data, [profile, config.DEFAULT_PROFILE], config_path),
    ]
    if data and (open_file := config.open_file_warning(config_path)):
        warnings.append(open_file)

    def from_config(key: str) -> tuple[object, Source] | None:
        for name, table in tables:
            if key in table:
                return table[key], Source(key, f"{config_path} [{name}]")
        return None

    def pick(name: str, flag: object, *, keep_empty: bool = False) -> tuple[object, Source]:
        if flag is not None:
            return flag, Source("--" + name.replace("_", "-"), "flag")
        return (
            layers.lookup(name, keep_empty=keep_empty)
            or from_config(name)
            or (DEFAULTS.get(name), Source(name, "default"))
        )

    def number(name: str, flag: str | None) -> float:
        return _parse_number(name, *pick(name, flag))

    def boolean(value: object, source: Source) -> bool:
        return False if value is None else _parse_bool(value, source)

    if flags.no_journal is not None:
        journal = not flags.no_journal
    elif (hit := layers.lookup("no_journal")) is not None:
        journal = not _parse_bool(*hit)
    else:
        journal = _parse_bool(*(from_config("journal") or (True, Source("journal", "default"))))

    if flags.api_key is not None and not flags.api_key.strip():
        # Not "no API key found": it was given, and falling back to another would hide that.
        raise UsageError(
            "--api-key is empty",
            hint="leave it out to use $TWELVE_LABS_API_KEY or the config file",
        )
    key_value, key_source = pick("api_key", flags.api_key)
    if key_value is not None and not isinstance(key_value, str):
        # A TOML number or boolean: not "no key found", and the value is not shown.
        raise UsageError(
            f"{key_source} must be a string",
            hint="write it in quotes, or set it with 'assetmeta config set api_key'",
        )
    api_key = key_value.strip() if isinstance(key_value, str) else None
    insecure = boolean(*pick("insecure_http", flags.insecure_http))
    sandbox_value, sandbox_source = pick("sandbox", flags.sandbox)
    sandbox = boolean(sandbox_value, sandbox_source)
    if sandbox and flags.base_url is not None:
        _refuse_base_url_in_sandbox(sandbox_source)
    base_url = checked_base_url(
        *pick("base_url", flags.base_url, keep_empty=True), insecure_http=insecure
    )

    places = (
        "--api-key",
        *(f"${env}" for env in ENV_NAMES["api_key"]),
        str(dotenv_path),
        # The profile's table is searched first, then [default]: name both.
        f"{config_path} [{profile}]"
        + ("" if profile == config.DEFAULT_PROFILE else f" and [{config.DEFAULT_PROFILE}]"),
    )
    return Settings(
        api_key=api_key or None,
        base_url=base_url,
        timeout=float(number("timeout", flags.timeout)),
        retries=int(number("retries", flags.retries)),
        concurrency=int(number("concurrency", flags.concurrency)),
        journal=journal,
        sandbox=sandbox,
        insecure_http=insecure,
        profile=profile,
        config_path=config_path,
        state_dir=paths.checked_state_dir(environ),
        key_places=places,
        key_source=str(key_source),
        warnings=tuple(warnings),
    )
