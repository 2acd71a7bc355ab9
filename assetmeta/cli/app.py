"""The root typer app: global options, --version, and the commands. It only assembles."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import __version__
from .apply_cmd import apply_command
from .clear_cmd import clear_command
from .config_cmd import config_app
from .demo_cmd import demo_command
from .emulator_cmd import emulator_command
from .export_cmd import export_command
from .history_cmd import history_command
from .options import ANNOTATIONS, GlobalOptions
from .replace_cmd import replace_command
from .set_cmd import set_command
from .show_cmd import show_command
from .undo_cmd import undo_command
from .unset_cmd import unset_command

EXIT_CODES = """\b
Exit codes: 0 success, 1 other failure, 2 bad usage or invalid input (nothing sent),
3 authentication refused or no API key, 4 not found, 5 platform unavailable after
retries, 6 some of several assets failed, 130 interrupted."""

app = typer.Typer(
    name="assetmeta",
    help="Manage the user-defined metadata of TwelveLabs assets.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assetmeta {__version__}")
        raise typer.Exit()


VersionOpt = Annotated[
    bool | None,
    typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
]


def root(ctx: typer.Context, version: VersionOpt = None, **given: object) -> None:
    ctx.obj = GlobalOptions(**given)  # type: ignore[arg-type]


def _install_root() -> None:
    import inspect

    from .options import global_parameters

    signature = inspect.signature(root, eval_str=True)
    params = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    root.__signature__ = signature.replace(parameters=[*params, *global_parameters()])  # type: ignore[attr-defined]
    app.callback()(root)


_install_root()
assert set(ANNOTATIONS)  # the root takes every global option
app.command("set")(set_command)
app.command("unset")(unset_command)
app.command("clear")(clear_command)
app.command("replace")(replace_command)
app.command("show")(show_command)
app.command("history")(history_command)
app.command("undo")(undo_command)
app.command("export")(export_command)
app.command("apply")(apply_command)
app.add_typer(config_app, name="config")
app.command("emulator")(emulator_command)
app.command("demo")(demo_command)
