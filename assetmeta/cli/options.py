"""Options every command accepts, declared once.

Global options work before the subcommand (`assetmeta --sandbox set ...`) and after it
(`assetmeta set ... --sandbox`), as users of gh and kubectl expect. `with_globals` adds them
to a command's signature and hands the command one merged `GlobalOptions`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from ..config import MAX_CONCURRENCY
from ..errors import AssetmetaError, ExitWith
from ..settings import Flags, Settings, resolve
from .pipes import reader_left

PANEL = "Global options"


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    tsv = "tsv"


@dataclass(frozen=True)
class GlobalOptions(Flags):
    """The settings flags, plus those that only shape output."""

    output: OutputFormat | None = None
    quiet: bool | None = None
    verbose: bool | None = None
    debug: bool | None = None
    # The settings these options resolve to, or the error resolving them raised: resolved
    # once, since a .env given as a pipe (--env-file <(...)) can be read only once.
    resolved: Settings | AssetmetaError | None = field(default=None, compare=False, repr=False)

    def settings(self) -> Settings:
        """The settings, resolved once (a settings error is raised here, each time)."""
        resolved = self.resolved
        if resolved is None:
            resolved = _resolve(self)
            object.__setattr__(self, "resolved", resolved)
        if isinstance(resolved, AssetmetaError):
            raise resolved
        return resolved

    def over(self, base: GlobalOptions) -> GlobalOptions:
        """These options, falling back to `base` where not given."""
        given = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None and f.name != "resolved"
        }
        return replace(base, **given, resolved=None)


def _flag(name: str, help: str, *short: str, metavar: str | None = None) -> Any:
    return typer.Option(
        name, *short, help=help, metavar=metavar, rich_help_panel=PANEL, show_default=False
    )


# The declarations, once. Each flag defaults to None ("not given") so that the command-level
# value, the root-level value, the environment and the config file can be layered. The
# numbers are text here: settings.resolve checks them by the same rule as every other source
# (click's int and float would take `1_0`, non-ASCII digits and any size).
ANNOTATIONS: dict[str, Any] = {
    "api_key": Annotated[
        str | None,
        _flag("--api-key", "API key (prefer $TWELVE_LABS_API_KEY: flags end up in shell history)."),
    ],
    "base_url": Annotated[
        str | None, _flag("--base-url", "API base URL [default: https://api.twelvelabs.io/v1.3].")
    ],
    "profile": Annotated[str | None, _flag("--profile", "Config file profile to use.")],
    "timeout": Annotated[
        str | None,
        _flag(
            "--timeout",
            "Seconds to wait for each request, 0 for no limit [default: 30].",
            metavar="SECONDS",
        ),
    ],
    "retries": Annotated[
        str | None,
        _flag("--retries", "Retries after the first attempt [default: 3].", metavar="N"),
    ],
    "concurrency": Annotated[
        str | None,
        _flag(
            "--concurrency",
            f"Assets worked on at once, 1 to {MAX_CONCURRENCY} [default: 8].",
            metavar="N",
        ),
    ],
    "no_journal": Annotated[
        bool | None,
        _flag("--no-journal/--journal", "Skip the undo journal (and its GET) for set/unset."),
    ],
    "sandbox": Annotated[
        bool | None, _flag("--sandbox", "Run against the embedded emulator: no account, no key.")
    ],
    "insecure_http": Annotated[
        bool | None, _flag("--insecure-http", "Allow a plain http base URL that is not loopback.")
    ],
    "env_file": Annotated[
        Path | None, _flag("--env-file", "Read this .env file instead of ./.env.")
    ],
    "output": Annotated[
        OutputFormat | None,
        _flag("--output", "Output format [default: table on a terminal, json otherwise].", "-o"),
    ],
    "quiet": Annotated[
        bool | None,
        _flag(
            "--quiet",
            "No progress or report messages on stderr; warnings and errors still print.",
            "-q",
        ),
    ],
    "verbose": Annotated[
        bool | None, _flag("--verbose", "Log each request to stderr (key redacted).", "-v")
    ],
    "debug": Annotated[bool | None, _flag("--debug", "Show tracebacks of internal errors.")],
}

F = TypeVar("F", bound=Callable[..., Any])


def global_parameters() -> list[inspect.Parameter]:
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=hint)
        for name, hint in ANNOTATIONS.items()
    ]


def with_globals(command: F) -> F:
    """Give `command(opts: GlobalOptions, ...)` the global flags as its own options."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "opts"]
    names = list(ANNOTATIONS)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = GlobalOptions(**{name: kwargs.pop(name) for name in names})
        ctx = click_context()
        root = ctx.obj if isinstance(ctx.obj, GlobalOptions) else GlobalOptions()
        opts = given.over(root)
        _mask_the_key(opts)
        try:
            return command(opts, *args, **kwargs)
        except BrokenPipeError:
            # Caught here, before click turns it into exit 1.
            raise ExitWith(reader_left()) from None

    positional = [p for p in own if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    keyword = [p for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*positional, *keyword, *global_parameters()]
    )
    return wrapper  # type: ignore[return-value]


def _mask_the_key(opts: GlobalOptions) -> None:
    """Mask the key in all output before the command runs, so that even what it says before
    its settings are read (a bad id that is the key, typed by mistake) can't print it. A
    settings error is left for the command to report in its own place."""
    import contextlib

    from ..secrets import mask_streams

    with contextlib.suppress(AssetmetaError):
        mask_streams(opts.settings().api_key)


def _resolve(opts: GlobalOptions) -> Settings | AssetmetaError:
    import os

    try:
        return resolve(opts, os.environ, Path.cwd())
    except AssetmetaError as exc:
        return exc


def click_context() -> Any:
    import click

    return click.get_current_context()
