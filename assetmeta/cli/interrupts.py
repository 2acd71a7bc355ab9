"""Ctrl-C and SIGTERM during a batch: finish what is in flight, report it, start no more.

A single asset takes the signal as KeyboardInterrupt where it is (so a replace puts its
snapshot back). A batch would lose the outcome of the assets in flight that way: they
finish in their threads, unreported, unsummarised, not in --failed-to. So while a batch
runs, the first signal only asks it to stop; a second one interrupts at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferred(stop: threading.Event, say: Callable[[str], None]) -> Iterator[None]:
    """Within: a first SIGINT/SIGTERM sets `stop` (and `say`s so), a second raises as the
    usual handler would. Outside the main thread, where signals can't be handled, nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before: dict[signal.Signals, Any] = {}

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        say("interrupted: finishing the assets in flight, starting no more (again to stop now)")

    for sig in SIGNALS:
        before[sig] = signal.signal(sig, ask_to_stop)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
