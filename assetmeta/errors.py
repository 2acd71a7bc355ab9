"""Exception types and the exit codes every command shares."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    AUTH = 3
    NOT_FOUND = 4
    UNAVAILABLE = 5
    PARTIAL = 6
    INTERRUPTED = 130


class ExitWith(Exception):
    """Leave with this code; everything worth saying was said."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class AssetmetaError(Exception):
    """An expected failure: one line for the user, an optional hint, an exit code."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(AssetmetaError):
    """Bad usage or invalid input: nothing was sent."""

    exit_code = ExitCode.USAGE


class AuthError(AssetmetaError):
    """No API key, or the platform refused it (401, 403)."""

    exit_code = ExitCode.AUTH


class NotFoundError(AssetmetaError):
    """No such asset (404), or an asked-for key is absent."""

    exit_code = ExitCode.NOT_FOUND


class UnavailableError(AssetmetaError):
    """The platform stayed unavailable after retries: 429, 5xx, timeout or network."""

    exit_code = ExitCode.UNAVAILABLE


class ApiError(AssetmetaError):
    """A request the platform refused; `status` and `code` are the platform's."""

    def __init__(
        self, message: str, *, status: int | None, code: str = "", hint: str | None = None
    ):
        super().__init__(message, hint)
        self.status = status
        self.code = code
        # An attempt went unanswered (timed out, connection lost): the platform may apply
        # that request late, after anything sent since.
        self.unanswered = False


class ApiUsageError(ApiError, UsageError):
    pass


class ApiAuthError(ApiError, AuthError):
    pass


class ApiNotFoundError(ApiError, NotFoundError):
    pass


class ApiUnavailableError(ApiError, UnavailableError):
    pass
