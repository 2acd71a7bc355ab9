"""Entry point: `assetmeta` and `python -m assetmeta`, with the one error boundary."""

from __future__ import annotations

import gc
import sys

from . import __version__


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        # The fast path: no typer, no rich, no httpx.
        sys.stdout.write(f"assetmeta {__version__}\n")
        return 0
    from .cli.boundary import run

    return run(args)


def _entry() -> None:
    code = main()
    sys.stdout.flush()
    # Nothing is left to collect: skip the collector's sweep of every object at exit.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    _entry()
