"""Fault injection: latency, random failures, a rate limit and scripted faults.

A test (or a CI script, through `POST /_emulator/faults`) scripts what the next matching
requests get: an error status, a dropped connection, a delay, or an error answered after
the request was applied (the write succeeded but its answer was lost).
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

RATE_LIMIT_WINDOW = 60.0  # seconds: `rate_limit` counts requests per minute


@dataclass(frozen=True)
class Fault:
    """What the next `count` requests matching `method` and `path_contains` get.

    `status` 400 and up is answered with a JSON error body (or `body`, verbatim: for a
    non-JSON 502 page); a status under 400 keeps the real answer, for a fault that only
    delays or drops. `drop` closes the connection without any answer. `delay` (seconds)
    is slept before answering. `after=True` applies the request to the store first.
    """

    method: str | None = None
    path_contains: str | None = None
    status: int = 500
    count: int = 1
    retry_after: float | None = None
    drop: bool = False
    delay: float = 0.0
    after: bool = False
    body: str | None = None

    def __post_init__(self) -> None:
        if self.method is not None:
            object.__setattr__(self, "method", self.method.upper())
        if not 100 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP status (100-599), not {self.status}")
        if self.count < 1:
            raise ValueError(f"count must be 1 or more, not {self.count}")
        if self.delay < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("delay and retry_after must not be negative")

    @property
    def replaces_answer(self) -> bool:
        """Whether the client gets this fault instead of the real answer."""
        return self.drop or self.status >= 400

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method.upper()) and (
            self.path_contains is None or self.path_contains in path
        )

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """A fault from a control request's JSON; a 400 ApiError says what is wrong."""
        if not isinstance(data, dict):
            raise ApiError(400, "parameter_invalid", "A fault must be a JSON object.")
        unknown = sorted(set(data) - set(_FIELD_TYPES))
        if unknown:
            raise ApiError(
                400, "parameter_unknown", f"Unknown fault field(s): {', '.join(unknown)}."
            )
        for name, value in data.items():
            accepted = _FIELD_TYPES[name]
            is_bool = isinstance(value, bool)  # JSON true is not a number here
            if (is_bool and bool not in accepted) or not isinstance(value, accepted):
                raise ApiError(400, "parameter_invalid", f"Fault field {name!r} has a wrong type.")
        try:
            return cls(**data)
        except ValueError as error:
            raise ApiError(400, "parameter_invalid", str(error)) from None


_NUMBER = (int, float)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "method": (str, type(None)),
    "path_contains": (str, type(None)),
    "status": (int,),
    "count": (int,),
    "retry_after": (*_NUMBER, type(None)),
    "drop": (bool,),
    "delay": _NUMBER,
    "after": (bool,),
    "body": (str, type(None)),
}


@dataclass(frozen=True)
class RateStatus:
    """The outcome of counting one request against the limit, and its headers."""

    allowed: bool
    limit: int
    used: int
    reset_at: float  # epoch seconds when the window ends
    retry_after: int  # whole seconds until then (for a refused request)

    def headers(self) -> list[tuple[str, str]]:
        return [
            ("X-Ratelimit-Limit", str(self.limit)),
            ("X-Ratelimit-Remaining", str(max(0, self.limit - self.used))),
            ("X-Ratelimit-Used", str(self.used)),
            ("X-Ratelimit-Reset", str(math.ceil(self.reset_at))),
        ]


class RateLimiter:
    """A fixed window of `window` seconds, starting with the first request after the last."""

    def __init__(
        self, limit: int, window: float = RATE_LIMIT_WINDOW, clock: Callable[[], float] = time.time
    ) -> None:
        if limit < 1:
            raise ValueError(f"rate_limit must be 1 or more requests per minute, not {limit}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = -math.inf
        self._used = 0

    def hit(self) -> RateStatus:
        """Count one request unless the window is full; refused requests are not counted."""
        with self._lock:
            now = self._clock()
            if now >= self._window_start + self.window:
                self._window_start, self._used = now, 0
            allowed = self._used < self.limit
            if allowed:
                self._used += 1
            reset_at = self._window_start + self.window
            return RateStatus(
                allowed, self.limit, self._used, reset_at, max(1, math.ceil(reset_at - now))
            )


@dataclass
class _Scripted:
    fault: Fault
    left: int


class FaultPlan:
    """Every fault setting of one emulator; safe to change while it serves."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        fail_rate: float = 0.0,
        rate_limit: int | None = None,
        put_enabled: bool = True,
        seed: int | None = 0,
    ) -> None:
        self._lock = threading.Lock()
        self._scripted: list[_Scripted] = []
        self._random = random.Random(seed)
        self._limiter: RateLimiter | None = None
        self._latency = self._fail_rate = 0.0
        self.latency = latency
        self.fail_rate = fail_rate
        self.rate_limit = rate_limit
        self.put_enabled = put_enabled

    @property
    def latency(self) -> float:
        return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValueError(f"latency must be 0 or more seconds, not {seconds}")
        self._latency = float(seconds)

    @property
    def fail_rate(self) -> float:
        return self._fail_rate

    @fail_rate.setter
    def fail_rate(self, rate: float) -> None:
        if not 0 <= rate <= 1:
            raise ValueError(f"fail_rate must be between 0 and 1, not {rate}")
        self._fail_rate = float(rate)

    @property
    def rate_limit(self) -> int | None:
        return self._limiter.limit if self._limiter is not None else None

    @rate_limit.setter
    def rate_limit(self, limit: int | None) -> None:
        if limit != self.rate_limit:  # the same limit again keeps the current window
            self._limiter = RateLimiter(limit) if limit is not None else None

    def limit_rate(self, limit: int, *, window: float = RATE_LIMIT_WINDOW) -> None:
        """A limit over a window other than a minute: lets a test cross a window quickly."""
        self._limiter = RateLimiter(limit, window)

    @property
    def limiter(self) -> RateLimiter | None:
        return self._limiter

    def add(self, fault: Fault) -> None:
        """Script a fault; faults match in the order they were added."""
        with self._lock:
            self._scripted.append(_Scripted(fault, fault.count))

    def clear(self) -> None:
        with self._lock:
            self._scripted.clear()

    def pending(self) -> list[Fault]:
        """The scripted faults still to fire, each with its remaining count."""
        with self._lock:
            return [dataclasses.replace(s.fault, count=s.left) for s in self._scripted]

    def take(self, method: str, path: str) -> Fault | None:
        """The first scripted fault matching this request, used up by one."""
        with self._lock:
            for entry in self._scripted:
                if entry.fault.matches(method, path):
                    entry.left -= 1
                    if entry.left == 0:
                        self._scripted.remove(entry)
                    return entry.fault
        return None

    def roll_failure(self) -> bool:
        """Whether this request gets a random 500 (reproducible: the generator is seeded)."""
        if self._fail_rate <= 0:
            return False
        with self._lock:
            return self._random.random() < self._fail_rate

    def count_request(self) -> RateStatus | None:
        limiter = self._limiter
        return limiter.hit() if limiter is not None else None

    def sleep_latency(self) -> None:
        if self._latency > 0:
            time.sleep(self._latency)

    def config(self) -> dict[str, Any]:
        return {
            "latency": self.latency,
            "fail_rate": self.fail_rate,
            "rate_limit": self.rate_limit,
            "put_enabled": self.put_enabled,
        }
