"""Pacing from the platform's rate-limit headers, shared by every thread of one run.

The platform limits an account, not a connection: going faster than the window allows only
earns 429s. So the throttle keeps an estimate of the window's remaining budget (the last
`X-Ratelimit-Remaining`, less the requests still in flight and those sent since), sends
freely while it is large, spreads the rest evenly over what is left of the window when it
runs low, and waits for the next window when it is spent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

# Below this share of the window's limit, requests are paced rather than sent at once.
_PACE_BELOW = 0.25
# Never trust a reset further away than this (clock skew, a bogus header).
_MAX_WAIT = 60.0
# The reset time has whole-second resolution; start the next window a little after it.
_MARGIN = 0.05


class Throttle:
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0
        self._blocked_until = 0.0
        self._in_flight = 0
        self._limit: int | None = None
        self._remaining: int | None = None  # estimate for the current window; None: unknown
        self._reset_at = 0.0

    def wait(self) -> None:
        """Called before each request: returns when it may be sent."""
        with self._lock:
            now = self._clock()
            start = max(now, self._blocked_until, self._next_slot)
            if self._remaining is not None and start >= self._reset_at:
                self._remaining = None  # a new window: its budget is not known yet
            if self._remaining is not None and self._remaining <= 0:
                start = max(start, self._reset_at + _MARGIN)
                self._remaining = None
            self._next_slot = start + self._interval(start)
            if self._remaining is not None:
                self._remaining -= 1
            self._in_flight += 1
        if start > now:
            self._sleep(start - now)

    def observe(self, headers: Mapping[str, str]) -> None:
        """After an answer: learn the window from its X-Ratelimit-* headers."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            try:
                remaining = int(headers["x-ratelimit-remaining"])
                reset_at = float(headers["x-ratelimit-reset"])
            except (KeyError, ValueError):
                return
            limit = headers.get("x-ratelimit-limit", "")
            self._limit = int(limit) if limit.isdigit() else None
            # Requests still in flight were sent after this answer's count was taken.
            self._remaining = remaining - self._in_flight
            self._reset_at = min(reset_at, self._clock() + _MAX_WAIT)

    def release(self) -> None:
        """After a request that got no answer (a network error)."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)

    def block(self, seconds: float) -> None:
        """A 429 said when to come back: nobody sends before then."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def _interval(self, start: float) -> float:
        if self._remaining is None or self._remaining <= 0:
            return 0.0
        if self._limit is not None and self._remaining > self._limit * _PACE_BELOW:
            return 0.0
        return max(0.0, self._reset_at - start) / self._remaining
