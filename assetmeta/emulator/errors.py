"""The error answer every emulator route shares: a status, a stable code and a message."""

from __future__ import annotations

# The code the platform uses for each status (API-CONTRACT "Errors"); statuses the
# contract does not name get a descriptive snake_case code in the same style.
DEFAULT_CODES: dict[int, str] = {
    400: "parameter_invalid",
    401: "api_key_invalid",
    403: "api_not_allowed",
    404: "resource_not_exist",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "request_too_large",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def default_code(status: int) -> str:
    """The error code an answer with this status carries when nothing more specific applies."""
    if status in DEFAULT_CODES:
        return DEFAULT_CODES[status]
    return "internal_error" if status >= 500 else "request_failed"


class ApiError(Exception):
    """A failed request: answered as `{"code": ..., "message": ...}` with `status`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status}, {self.code!r}, {self.message!r})"


class StoreError(ApiError):
    """A request the asset store refuses: unknown asset, invalid metadata, bad paging."""
