"""`assetmeta emulator`: serve the API contract on loopback for tests, demos and CI."""

from __future__ import annotations

import errno
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import UsageError

if TYPE_CHECKING:
    from ..emulator import StateFileError


def corrupt_state(error: StateFileError) -> UsageError:
    """A state file that is not emulator state: say so, and how to start afresh.

    It is never overwritten here: it may be the only copy of someone's test data.
    """
    path = shlex.quote(str(error.path))
    return UsageError(
        str(error),
        hint=f"move it aside (mv {path} {path}.bad) and a new one is made with the sample assets",
    )


def _check_state_path(state: Path) -> None:
    if state.is_dir():
        raise UsageError(f"--state {state} is a folder", hint="give the path of a JSON file")
    if not state.parent.is_dir():
        raise UsageError(
            f"--state {state}: the folder {state.parent} does not exist",
            hint=f"create it first (mkdir -p {shlex.quote(str(state.parent))})",
        )


def _bind_error(error: OSError, host: str, port: int) -> UsageError:
    if error.errno == errno.EADDRINUSE:
        return UsageError(
            f"port {port} is in use", hint="pick another with --port, or --port 0 for any free one"
        )
    return UsageError(f"cannot serve on {host} port {port}: {error.strerror or error}")


def emulator_command(
    host: Annotated[str, typer.Option("--host", help="Loopback address to bind.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0 = any free port).")
    ] = 8765,
    state: Annotated[
        Path | None,
        typer.Option("--state", help="Back the assets by this JSON file.", show_default=False),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            help="Accept only this key (default: any non-empty key).",
            show_default=False,
        ),
    ] = None,
    latency: Annotated[
        float, typer.Option("--latency", help="Seconds added to every answer.")
    ] = 0.0,
    fail_rate: Annotated[
        float, typer.Option("--fail-rate", help="Share of requests answered 500 (0..1).")
    ] = 0.0,
    rate_limit: Annotated[
        int | None,
        typer.Option("--rate-limit", help="Requests per minute before 429.", show_default=False),
    ] = None,
    no_put: Annotated[
        bool, typer.Option("--no-put", help="Answer PUT with 405, like an older server.")
    ] = False,
) -> None:
    """Serve the platform API on loopback; prints its base URL. Ctrl-C stops it."""
    from ..emulator import Emulator, StateFileError, is_loopback

    if not is_loopback(host):
        # It accepts any API key (or one given on the command line): never on a network.
        raise UsageError(
            f"--host {host!r} is not a loopback address; the emulator serves only on "
            "127.0.0.1, ::1 or localhost"
        )
    if not 0 <= fail_rate <= 1:
        raise UsageError("--fail-rate must be between 0 and 1")
    if state is not None:
        _check_state_path(state)
    try:
        emulator = Emulator(
            host=host,
            port=port,
            state_file=state,
            api_key=api_key,
            latency=latency,
            fail_rate=fail_rate,
            rate_limit=rate_limit,
            put_enabled=not no_put,
        )
    except StateFileError as exc:
        raise corrupt_state(exc) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # only the state file is touched before bind()
        raise UsageError(f"cannot use --state {state}: {exc.strerror or exc}") from None
    try:
        emulator.bind()
    except OSError as exc:
        raise _bind_error(exc, host, port) from None
    sys.stdout.write(emulator.base_url + "\n")
    sys.stdout.flush()
    sys.stderr.write(f"emulator serving on {emulator.base_url} (Ctrl-C stops it)\n")
    emulator.serve_forever()
