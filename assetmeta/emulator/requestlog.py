"""The log of the API requests an emulator received, for tests to assert on."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

API_KEY_HEADER = "x-api-key"
REDACTED = "[redacted]"
MAX_RECORDED = 10_000  # a long-running emulator keeps only the most recent requests


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received, and the status it was answered with (0: dropped).

    `headers` has lower-cased names and the API key's value redacted; the key itself is
    kept only in `api_key`, which is left out of the repr and of `to_json()`.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    json: object | None
    status: int
    api_key_present: bool
    api_key: str | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The request as JSON (the key redacted; the body as text)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", errors="replace"),
            "json": self.json,
            "status": self.status,
            "api_key_present": self.api_key_present,
        }


def redacted_headers(headers: dict[str, str]) -> dict[str, str]:
    return {
        name: (REDACTED if name == API_KEY_HEADER else value) for name, value in headers.items()
    }


class RequestLog:
    """A thread-safe, bounded list of recorded requests, oldest first."""

    def __init__(self, limit: int = MAX_RECORDED) -> None:
        self._lock = threading.Lock()
        self._requests: deque[RecordedRequest] = deque(maxlen=limit)

    def append(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
