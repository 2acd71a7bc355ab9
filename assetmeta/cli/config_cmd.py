"""`assetmeta config set|get|list|path`: the config file and its profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import click
import typer

from .. import config, paths, settings
from ..errors import NotFoundError, UsageError
from ..output import Terminal, choose_format, message_line, render_rows
from ..secrets import masked
from ..settings import Flags

config_app = typer.Typer(
    help="Read and write the config file and its profiles.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ProfileOpt = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Profile table [default: $ASSETMETA_PROFILE or default].",
        show_default=False,
    ),
]
KeyArg = Annotated[
    str, typer.Argument(metavar="KEY", help=f"One of: {', '.join(sorted(config.KNOWN_KEYS))}.")
]


def _path() -> Path:
    return paths.config_file(os.environ)


def _root_options() -> Flags:
    """The global options given before `config` (`assetmeta --profile ci config get ...`)."""
    obj = click.get_current_context().obj
    return obj if isinstance(obj, Flags) else Flags()


def _scope(profile: str | None, insecure_http: bool | None = None) -> settings.ConfigScope:
    """The profile (and plain-http consent) as every other command reads them, .env too."""
    root = _root_options()
    flags = Flags(
        profile=profile or root.profile,
        env_file=root.env_file,
        insecure_http=insecure_http or root.insecure_http,
    )
    scope = settings.config_scope(flags, os.environ, Path.cwd())
    for warning in scope.warnings:
        _warn(warning)
    return scope


def _profile_asked(given: str | None) -> str | None:
    """For `config list`: a profile named on the command line, or None for them all."""
    return given or _root_options().profile


def _effective(data: config.ConfigData, name: str) -> dict[str, tuple[str, config.ConfigValue]]:
    """What profile NAME reads, key by key, with the table each value comes from."""
    found = {
        key: (config.DEFAULT_PROFILE, v) for key, v in data.get(config.DEFAULT_PROFILE, {}).items()
    }
    found.update({key: (name, value) for key, value in data.get(name, {}).items()})
    return found


def redact(key: str, value: config.ConfigValue) -> config.ConfigValue:
    """An API key is shown as its last four characters only."""
    if key != "api_key" or not isinstance(value, str):
        return value
    return masked(value)


def _warn_if_open(path: Path) -> None:
    if warning := config.open_file_warning(path):
        _warn(warning)


def _warn(text: str) -> None:
    sys.stderr.write(f"warning: {message_line(text)}\n")


def _warn_of_unknown_keys(data: config.ConfigData, names: list[str], path: Path) -> None:
    for warning in config.unknown_keys(data, names, path):
        _warn(warning)


@config_app.command("path")
def path_command() -> None:
    """Print where the config file is."""
    typer.echo(str(_path()))


# `config set retries -1` must reach the rules (and their message), not be taken for a flag.
@config_app.command("set", context_settings={"ignore_unknown_options": True})
def set_command(
    key: KeyArg,
    value: Annotated[
        str | None,
        typer.Argument(
            help="The value; for api_key leave it out to be asked (hidden), or '-' to read stdin."
        ),
    ] = None,
    profile: ProfileOpt = None,
    insecure_http: Annotated[
        bool | None,
        typer.Option("--insecure-http", help="Allow a plain http base_url that is not loopback."),
    ] = None,
) -> None:
    """Set KEY in a profile (the file is written with mode 0600)."""
    text = _value(key, value)
    stored = config.coerce(key, text)
    if key == "api_key" and not stored:
        raise UsageError("the API key is empty")
    scope = _scope(profile, insecure_http)
    if key == "base_url":
        # The rule it will be used by, so that a URL no command would use is never stored.
        source = settings.Source("base_url", "flag")
        stored = settings.checked_base_url(stored, source, insecure_http=scope.insecure_http)
    path = _path()
    name = scope.profile
    data = config.load(path)
    data.setdefault(name, {})[key] = stored
    config.save(path, data)
    shown = config.show(redact(key, stored))
    sys.stderr.write(message_line(f"set {key} = {shown} in [{name}] of {path}") + "\n")


def _value(key: str, value: str | None) -> str:
    if value == "-":
        return sys.stdin.readline().strip()
    if value is not None:
        if key == "api_key":
            sys.stderr.write(
                "warning: a key on the command line can end up in shell history; "
                "'assetmeta config set api_key' with no value asks for it\n"
            )
        return value
    if key != "api_key":
        raise UsageError(f"no value given for {key}")
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    return typer.prompt("API key", hide_input=True).strip()


@config_app.command("get")
def get_command(
    key: KeyArg,
    profile: ProfileOpt = None,
    reveal: Annotated[bool, typer.Option("--reveal", help="Print the API key itself.")] = False,
) -> None:
    """Print KEY from a profile (the API key redacted unless --reveal)."""
    config.check_key(key)
    path = _path()
    _warn_if_open(path)
    name = _scope(profile).profile
    data = config.load(path)
    settings.require_profile(name, data, path)
    _warn_of_unknown_keys(data, [name, config.DEFAULT_PROFILE], path)
    table = _effective(data, name)
    if key not in table:
        raise NotFoundError(f"{key} is not set in [{name}] of {path}")
    value = table[key][1]
    typer.echo(config.show(value if reveal else redact(key, value)))


@config_app.command("list")
def list_command(
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="table, json, jsonl or tsv.")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Only what this profile uses: its table over [default] [default: all].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """List every profile and its settings (the API key as …last4)."""
    path = _path()
    _warn_if_open(path)
    data = config.load(path)
    asked = _profile_asked(profile)
    _warn_of_unknown_keys(
        data, sorted(data) if asked is None else [asked, config.DEFAULT_PROFILE], path
    )
    if asked is None:
        found = [
            (name, key, data[name][key]) for name in sorted(data) for key in sorted(data[name])
        ]
    else:
        settings.require_profile(asked, data, path)
        table = _effective(data, asked)
        found = [(table[key][0], key, table[key][1]) for key in sorted(table)]
    rows: list[dict[str, Any]] = [
        {"profile": name, "key": key, "value": redact(key, value)} for name, key, value in found
    ]
    fmt = output or choose_format(None, Terminal.detect())
    if fmt not in ("table", "json", "jsonl", "tsv"):
        raise UsageError(f"unknown output format {fmt!r}")
    if fmt == "table" and not rows:
        typer.echo(f"no settings in {path}")
        return
    render_rows(sys.stdout, fmt, rows, ("profile", "key", "value"))
