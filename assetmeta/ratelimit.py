"""Pacing from the platform's rate-limit headers, shared by every thread of one run.

The platform limits an account, not a connection: going faster than the window allows only
earns 429s. So the throttle keeps an estimate of the window's remaining budget (the last
`X-Ratelimit-Remaining`, less the requests still in flight and those sent since), sends at
full speed while there is budget, and when it is spent waits for the window's reset instead
of sending a request that would be refused. Spreading the budget over the window instead
would only slow the last window of a batch: the limit's throughput is reached either way.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Mapping

# Never trust a reset further away than this (clock skew, a bogus header).
_MAX_WAIT = 60.0
# The reset time has whole-second resolution; start the next window a little after it.
_MARGIN = 0.05


# While the estimate says the budget is spent but answers are still out, look again this often.
_SETTLE = 0.01


class Throttle:
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._log = log
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._in_flight = 0
        self._remaining: int | None = None  # estimate for the current window; None: unknown
        self._lowest_seen = 0  # the lowest X-Ratelimit-Remaining answered in this window
        self._reset_at = 0.0
        self._limit: int | None = None  # X-Ratelimit-Limit, once told

    def wait(self) -> None:
        """Called before each request: returns when it may be sent."""
        while True:
            with self._lock:
                delay = self._delay(self._clock())
                if delay <= 0:
                    if self._remaining is not None:
                        self._remaining -= 1
                    self._in_flight += 1
                    return
            self._sleep(delay)

    def _delay(self, now: float) -> float:
        if self._remaining is not None and now >= self._reset_at:
            self._new_window()
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._remaining is None or self._remaining > 0:
            return 0.0
        if self._in_flight > 0:
            # The estimate counts answers still out as spent; once they are in, the lowest
            # count the server gave is exact, and may leave room in this window yet.
            return _SETTLE
        self._remaining = self._lowest_seen
        if self._remaining > 0:
            return 0.0
        # Spent: everyone waits for the next window.
        self._blocked_until = self._reset_at + _MARGIN
        self._new_window()
        wait = self._blocked_until - now
        if self._log is not None:
            self._log(f"rate limit: the window's budget is spent, waiting {wait:.1f} s")
        return wait

    def _new_window(self) -> None:
        """The next window's budget is at most the limit (other clients of the account may
        use some), and its reset is unknown until an answer tells; with no limit known, the
        budget is unknown too."""
        self._remaining = self._limit
        self._lowest_seen = self._limit or 0
        if self._limit is not None:
            self._reset_at = math.inf

    def observe(self, headers: Mapping[str, str]) -> None:
        """After an answer: learn the window from its X-Ratelimit-* headers."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            try:
                remaining = int(headers["x-ratelimit-remaining"])
                reset_at = float(headers["x-ratelimit-reset"])
            except (KeyError, ValueError):
                return
            with contextlib.suppress(KeyError, ValueError):
                self._limit = max(1, int(headers["x-ratelimit-limit"]))
            reset_at = min(reset_at, self._clock() + _MAX_WAIT)
            known = self._remaining
            same_window = known is not None and abs(reset_at - self._reset_at) < 1
            self._lowest_seen = min(self._lowest_seen, remaining) if same_window else remaining
            self._reset_at = reset_at
            if self._in_flight == 0:
                # Every request sent has been answered: the lowest count is exact.
                self._remaining = self._lowest_seen
                return
            # Requests still in flight may not have been counted in this answer yet.
            estimate = remaining - self._in_flight
            self._remaining = (
                min(known, estimate) if known is not None and same_window else estimate
            )

    def release(self) -> None:
        """After a request that got no answer (a network error)."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)

    def block(self, seconds: float) -> None:
        """A 429 said when to come back: nobody sends before then."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)
