"""What a route answers: a status, headers and body bytes, or a dropped connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ApiError

JSON_TYPE = "application/json"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False  # close the connection without answering

    def with_headers(self, headers: Sequence[tuple[str, str]]) -> Response:
        return Response(
            self.status, self.body, self.content_type, (*self.headers, *headers), self.drop
        )


DROP = Response(status=0, drop=True)
NO_CONTENT = Response(status=204)


def json_response(status: int, data: object, headers: Sequence[tuple[str, str]] = ()) -> Response:
    body = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(status, body.encode(), JSON_TYPE, tuple(headers))


def error_response(error: ApiError, headers: Sequence[tuple[str, str]] = ()) -> Response:
    return json_response(error.status, error.to_json(), headers)


def raw_response(status: int, body: str) -> Response:
    """A body given verbatim: JSON when it parses as JSON, else an HTML page."""
    try:
        json.loads(body)
        content_type = JSON_TYPE
    except ValueError:
        content_type = "text/html; charset=utf-8"
    return Response(status, body.encode(), content_type)
