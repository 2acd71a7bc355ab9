"""`assetmeta emulator`: serve the API contract on loopback for tests, demos and CI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError


def emulator_command(
    host: Annotated[str, typer.Option("--host", help="Loopback address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0 = any free port).")] = 8765,
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
    from ..emulator import Emulator

    if not 0 <= fail_rate <= 1:
        raise UsageError("--fail-rate must be between 0 and 1")
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
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    emulator.bind()
    sys.stdout.write(emulator.base_url + "\n")
    sys.stdout.flush()
    sys.stderr.write(f"emulator serving on {emulator.base_url} (Ctrl-C stops it)\n")
    emulator.serve_forever()
