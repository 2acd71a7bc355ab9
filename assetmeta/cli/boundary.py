"""The one error boundary: every expected failure becomes one line and an exit code."""

from __future__ import annotations

import sys
import traceback

import click

from ..errors import AssetmetaError, ExitCode, ExitWith
from ..output import message_line
from .pipes import reader_left


def _say(text: str) -> None:
    sys.stderr.write(message_line(text) + "\n")


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, `docker stop`, `timeout`): handled as Ctrl-C is, so a
    replace cut short puts its snapshot back and a batch finishes what is in flight."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def run(args: list[str]) -> int:
    import signal

    import typer.main

    from .app import app

    command = typer.main.get_command(app)
    debug = "--debug" in args
    signal.signal(signal.SIGTERM, _terminated)
    try:
        result = command.main(args, prog_name="assetmeta", standalone_mode=False)
    except ExitWith as exc:
        return exc.code
    except AssetmetaError as exc:
        _say(f"error: {exc.message}")
        if exc.hint:
            _say(f"hint: {exc.hint}")
        return int(exc.exit_code)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:
        # `assetmeta` alone: the help is the answer, but nothing was done, so usage's code.
        sys.stderr.write(exc.format_message().rstrip() + "\n")
        return int(ExitCode.USAGE)
    except click.UsageError as exc:
        _say(f"error: {exc.format_message()}")
        name = exc.ctx.command_path if exc.ctx is not None else "assetmeta"
        _say(f"hint: see '{name} --help'")
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        _say(f"error: {exc.format_message()}")
        return int(ExitCode.USAGE) if exc.exit_code == 2 else int(ExitCode.FAILURE)
    except (KeyboardInterrupt, click.Abort):
        _say("interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return reader_left()
    except OSError as exc:
        _say(f"error: {exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}")
        if debug:
            traceback.print_exc()
        return int(ExitCode.FAILURE)
    except Exception as exc:  # the last resort: still one line, unless asked for more
        if debug:
            traceback.print_exc()
        _say(f"error: internal error: {type(exc).__name__}: {exc}")
        _say("hint: run again with --debug for the traceback, and report it")
        return int(ExitCode.FAILURE)
    return result if isinstance(result, int) else 0
