"""The platform's REST API over httpx: URLs, auth, retries, and errors mapped to exit codes.

Nothing here knows about the terminal; a `log` callback receives one line per attempt.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any

from ._httpx import httpx
from .errors import (
    ApiAuthError,
    ApiError,
    ApiNotFoundError,
    ApiUnavailableError,
    ApiUsageError,
)
from .ratelimit import Throttle
from .secrets import redact
from .types import Metadata, Patch
from .urls import METADATA, asset_url, metadata_of

_RETRY_STATUSES = frozenset({408, 409, 429})
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 10.0
_RETRY_AFTER_CAP = 60.0
PAGE_LIMIT_MAX = 50
_UNANSWERED = "assetmeta.unanswered"

Log = Callable[[str], None]


def _shortened(text: str, limit: int = 300) -> str:
    """The platform's text, cut to a length fit for a message. Its line breaks and controls
    are kept: they are escaped where the message is printed (output.message_line), so a
    key `a\\nb` in it doesn't read as `a b`."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_fields(response: httpx.Response) -> tuple[str, str]:
    """The platform's code and message, from `{code, message}` or `{error: {code, message}}`."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return "", ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("code") or ""), str(body.get("message") or "")


def error_for(response: httpx.Response, what: str) -> ApiError:
    status = response.status_code
    code, message = _error_fields(response)
    detail = _shortened(message) if message else response.reason_phrase or "error"
    text = f"{what}: {detail} (HTTP {status}{', ' + code if code else ''})"
    kind: type[ApiError] = ApiError
    hint = None
    if status == 400:
        kind = ApiUsageError
    elif status in (401, 403):
        kind = ApiAuthError
        hint = "check the API key (TWELVE_LABS_API_KEY) and its permissions"
    elif status == 404:
        kind = ApiNotFoundError
    elif status == 429 or status >= 500 or status == 408:
        kind = ApiUnavailableError
        hint = "the platform is busy or down; try again later, or raise --retries"
    elif 300 <= status < 400:
        where = response.headers.get("location", "?")
        text = (
            f"{what}: unexpected redirect (HTTP {status}) to {_shortened(where, 120)}, not followed"
        )
        hint = "check --base-url; redirects are not followed so the API key stays where it was sent"
    return kind(text, status=status, code=code, hint=hint)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from `retry-after-ms`, `Retry-After` (seconds or HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff(retry: int) -> float:
    """Exponential from 0.5 s, capped at 10 s, with 25 % jitter."""
    # The exponent is bounded too: 2.0 ** 1100 overflows, and the cap is reached long before.
    delay = min(_BACKOFF_CAP, _BACKOFF_BASE * 2.0 ** min(retry - 1, 32))
    return delay * random.uniform(0.75, 1.25)


class Platform:
    """One httpx connection pool, shared by every thread of a run."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        max_connections: int = 8,
        log: Log | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._log = log
        self._key = api_key
        self._sleep = sleep
        self.throttle = Throttle(sleep=sleep, log=self._note)
        self._http = httpx.Client(
            headers={"x-api-key": api_key, "user-agent": _user_agent()},
            timeout=httpx.Timeout(timeout) if timeout > 0 else httpx.Timeout(None),
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            follow_redirects=False,
            # Plain http is only ever allowed to loopback; skip loading the CA bundle (~30 ms).
            verify=not self.base_url.startswith("http://"),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints ---------------------------------------------------------------------

    def asset_url(self, asset_id: str, suffix: str = "") -> str:
        return asset_url(self.base_url, asset_id, suffix)

    def get_asset(self, asset_id: str) -> dict[str, Any]:
        response = self._send("GET", self.asset_url(asset_id), asset_id)
        return _json_object(response, asset_id)

    def get_metadata(self, asset_id: str) -> Metadata:
        return metadata_of(self.get_asset(asset_id))

    def patch_metadata(self, asset_id: str, patch: Patch) -> bool:
        """True when an earlier attempt went unanswered: the platform may still apply it."""
        return self._exchange(
            "PATCH",
            self.asset_url(asset_id, METADATA),
            asset_id,
            body={"user_metadata": patch},
        )

    def put_metadata(self, asset_id: str, metadata: Metadata) -> bool:
        return self._exchange(
            "PUT",
            self.asset_url(asset_id, METADATA),
            asset_id,
            body={"user_metadata": metadata},
        )

    def delete_metadata(self, asset_id: str) -> bool:
        """True when an earlier attempt went unanswered: the platform may still apply it."""
        return self._exchange("DELETE", self.asset_url(asset_id, METADATA), asset_id)

    def list_page(
        self,
        page: int,
        *,
        page_limit: int = PAGE_LIMIT_MAX,
        asset_types: Sequence[str] = (),
        filename: str | None = None,
    ) -> dict[str, Any]:
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("page", page),
            ("page_limit", page_limit),
        ]
        params += [("asset_types", t) for t in asset_types]
        if filename:
            params.append(("filename", filename))
        response = self._send("GET", f"{self.base_url}/assets", "list assets", params=params)
        return _json_object(response, "list assets")

    def iter_assets(
        self, *, asset_types: Sequence[str] = (), filename: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every asset, page after page; one page is held at a time."""
        page, page_limit = 1, PAGE_LIMIT_MAX
        while True:
            body = self.list_page(
                page, page_limit=page_limit, asset_types=asset_types, filename=filename
            )
            data = body.get("data") or []
            yield from (asset for asset in data if isinstance(asset, dict))
            info = body.get("page_info") or {}
            total = info.get("total_page") if isinstance(info, dict) else None
            if not data or (page >= total if isinstance(total, int) else len(data) < page_limit):
                # Without a page count, a short page is the last one.
                return
            page += 1

    # -- the one place requests are sent -----------------------------------------------

    def _exchange(self, method: str, url: str, what: str, *, body: object = None) -> bool:
        """Send a write; True when an attempt before the one answered went unanswered."""
        return bool(self._send(method, url, what, body=body).extensions.get(_UNANSWERED))

    def _send(
        self,
        method: str,
        url: str,
        what: str,
        *,
        body: object = None,
        params: list[tuple[str, str | int | float | bool | None]] | None = None,
    ) -> httpx.Response:
        content = None
        headers = {}
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
            headers["content-type"] = "application/json"
        retry = 0
        # An attempt that was sent but never answered (a timeout, a lost connection) may
        # still be applied by the platform later, after whatever is sent next.
        unanswered = False
        while True:
            self.throttle.wait()
            started = time.monotonic()
            try:
                response = self._http.request(
                    method, url, content=content, headers=headers, params=params
                )
            except httpx.TransportError as exc:
                self.throttle.release()
                self._trace(method, url, None, started, retry, type(exc).__name__)
                unanswered = unanswered or _maybe_delivered(exc)
                if retry >= self.retries:
                    raise self._failed(_transport_error(exc, what, retry), unanswered) from None
                retry += 1
                pause = backoff(retry)
                self._note(f"{method} {url}: {type(exc).__name__}, retry {retry} in {pause:.1f} s")
                self._sleep(pause)
                continue
            self._trace(method, url, response.status_code, started, retry)
            self.throttle.observe(response.headers)
            status = response.status_code
            if status < 300:
                response.extensions[_UNANSWERED] = unanswered
                return response
            if status in _RETRY_STATUSES or status >= 500:
                wait = retry_after(response.headers)
                too_long = wait is not None and wait > _RETRY_AFTER_CAP
                if status == 429 and wait is not None and not too_long:
                    self.throttle.block(wait)
                if retry < self.retries and not too_long:
                    retry += 1
                    pause = wait if wait is not None else backoff(retry)
                    self._note(f"{method} {url}: HTTP {status}, retry {retry} in {pause:.1f} s")
                    self._sleep(pause)
                    continue
                error = error_for(response, what)
                if retry:
                    error.message += f" after {_retries(retry)}"
                if too_long:
                    # A CI job is better told now than after hours of waiting.
                    error.message += (
                        f"; it asked to wait {wait:.0f} s, more than the"
                        f" {_RETRY_AFTER_CAP:.0f} s this tool waits"
                    )
                raise self._failed(error, unanswered)
            raise self._failed(error_for(response, what), unanswered)

    def _failed(self, error: ApiError, unanswered: bool) -> ApiError:
        """The error to raise. The server's words (or a proxy's) may quote the key back:
        never pass it on."""
        error.unanswered = unanswered
        error.message = redact(error.message, self._key)
        error.args = (error.message,)  # str(error) is quoted too (a failed replace's message)
        return error

    def _note(self, text: str) -> None:
        if self._log is not None:
            self._log(redact(text, self._key))

    def _trace(
        self,
        method: str,
        url: str,
        status: int | None,
        started: float,
        retry: int,
        failure: str = "",
    ) -> None:
        ms = (time.monotonic() - started) * 1000
        outcome = str(status) if status is not None else failure
        # The key is never in a URL the tool builds, but an id can be anything a user typed.
        self._note(f"{method} {url} -> {outcome} in {ms:.0f} ms (retry {retry})")


def _transport_error(exc: httpx.TransportError, what: str, retries: int) -> ApiUnavailableError:
    if isinstance(exc, httpx.TimeoutException):
        reason = "timed out"
    elif isinstance(exc, httpx.ConnectError):
        reason = "could not connect"
    else:
        reason = "connection failed"
    after = f" after {_retries(retries)}" if retries else ""
    detail = _shortened(str(exc), 120)
    # httpx's own words, when they add anything to ours ("timed out (timed out)" does not).
    detail = f" ({detail})" if detail and detail != reason else ""
    return ApiUnavailableError(
        f"{what}: {reason}{detail}{after}",
        status=None,
        hint="check --base-url and the network, or raise --timeout/--retries",
    )


def _retries(count: int) -> str:
    return f"{count} {'retry' if count == 1 else 'retries'}"


def _maybe_delivered(exc: httpx.TransportError) -> bool:
    """Could the request have reached the platform? Not if the connection never opened."""
    return not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        # JSON has no NaN or Infinity; Python's parser would take them, and fail later.
        body = json.loads(response.content, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            f"{what}: the server's answer was not valid JSON", status=response.status_code
        ) from None
    if not isinstance(body, dict):
        raise ApiError(
            f"{what}: the server's answer was not a JSON object", status=response.status_code
        )
    return body


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _user_agent() -> str:
    from . import __version__

    return f"assetmeta/{__version__}"
