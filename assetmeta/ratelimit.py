"""Pacing from the platform's rate-limit headers, shared by every thread of one run.

The platform limits an account, not a connection: going faster than the window allows only
earns 429s. So when the remaining budget of the current window runs low, requests are
spread evenly over what is left of it instead of being fired and refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

# Below this share of the window's limit, requests are paced rather than sent at once.
_PACE_BELOW = 0.25
# Never trust a reset further away than this (clock skew, a bogus header).
_MAX_WAIT = 60.0


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
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at = 0.0
        self._blocked_until = 0.0

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the window from a response's X-Ratelimit-* headers."""
        try:
            remaining = int(headers["x-ratelimit-remaining"])
            reset_at = float(headers["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return
        limit_text = headers.get("x-ratelimit-limit", "")
        with self._lock:
            self._remaining = remaining
            self._reset_at = min(reset_at, self._clock() + _MAX_WAIT)
            self._limit = int(limit_text) if limit_text.isdigit() else None

    def block(self, seconds: float) -> None:
        """A 429 said when to come back: nobody sends before then."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def wait(self) -> None:
        """Called before each request: returns when it may be sent."""
        with self._lock:
            now = self._clock()
            start = max(now, self._blocked_until, self._next_slot)
            interval = self._interval(now)
            self._next_slot = start + interval
            if self._remaining is not None and self._remaining > 0:
                self._remaining -= 1
        delay = start - now
        if delay > 0:
            self._sleep(delay)

    def _interval(self, now: float) -> float:
        if self._remaining is None or now >= self._reset_at:
            return 0.0
        low_water = (self._limit or 0) * _PACE_BELOW
        if self._limit is not None and self._remaining > low_water:
            return 0.0
        window_left = self._reset_at - now
        return window_left / max(self._remaining, 1)
