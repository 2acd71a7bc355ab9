"""httpx, without the command-line tool it imports for itself.

httpx imports its own CLI (and through it rich and pygments) when click is installed, which
typer brings: about 60 ms of every run for nothing. A None entry in sys.modules makes that
optional import fail, and httpx falls back to a stub `main`.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402

__all__ = ["httpx"]
