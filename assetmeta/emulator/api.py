"""The platform's routes under /v1.3: from an HTTP request to a store call to an answer."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import ApiError
from .faults import FaultPlan
from .jsonbody import is_json_content_type, parse_json_body
from .requestlog import API_KEY_HEADER
from .responses import NO_CONTENT, Response, error_response, json_response
from .store import ASSET_ID_PATTERN, DEFAULT_PAGE_LIMIT, AssetStore

API_PREFIX = "/v1.3"
_INTEGER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class Incoming:
    """An HTTP request as received: the path undecoded, header names lower-cased."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class PlatformApi:
    """The contract's endpoints over one store."""

    def __init__(self, store: AssetStore, plan: FaultPlan, api_key: str | None) -> None:
        self._store = store
        self._plan = plan
        self._api_key = api_key

    def authenticate(self, headers: dict[str, str]) -> None:
        """401 unless the request carries a key (and the right one, if one was configured)."""
        key = headers.get(API_KEY_HEADER, "")
        if not key.strip():
            raise ApiError(401, "api_key_invalid", "No API key: send it in the x-api-key header.")
        if self._api_key is not None and not hmac.compare_digest(
            key.encode("utf-8", "surrogateescape"), self._api_key.encode()
        ):
            raise ApiError(401, "api_key_invalid", "The API key is not valid.")

    def handle(self, request: Incoming) -> Response:
        try:
            return self._route(request)
        except ApiError as error:
            return error_response(error)

    def _route(self, request: Incoming) -> Response:
        # Each segment is percent-decoded on its own and then taken literally, so an id
        # such as `..%2Findexes` stays one (invalid) id and never reaches another route.
        segments = _segments(request.path)
        handlers: dict[str, Callable[[], Response]]
        if segments == ["assets"]:
            handlers = {"GET": lambda: self._list(request.query)}
        elif len(segments) == 2 and segments[0] == "assets":
            handlers = {"GET": lambda: self._get(segments[1])}
        elif len(segments) == 3 and segments[0] == "assets" and segments[2] == "user-metadata":
            handlers = {
                "PATCH": lambda: self._write(self._store.patch, segments[1], request),
                "DELETE": lambda: self._delete(segments[1]),
            }
            if self._plan.put_enabled:
                handlers["PUT"] = lambda: self._write(self._store.put, segments[1], request)
        else:
            raise ApiError(404, "route_not_found", f"No route {request.method} {request.path}.")
        handler = handlers.get(request.method)
        if handler is None:
            allowed = ", ".join(sorted(handlers))
            return error_response(
                ApiError(
                    405,
                    "method_not_allowed",
                    f"{request.method} is not allowed here; use {allowed}.",
                ),
                [("Allow", allowed)],
            )
        return handler()

    def _get(self, segment: str) -> Response:
        return json_response(200, self._store.get(_asset_id(segment)))

    def _list(self, query: dict[str, list[str]]) -> Response:
        page = self._store.list(
            page=_int_param(query, "page", 1),
            page_limit=_int_param(query, "page_limit", DEFAULT_PAGE_LIMIT),
            asset_ids=[v for v in query.get("asset_ids", []) if v],
            asset_types=[v for v in query.get("asset_types", []) if v],
            filename=(query.get("filename") or [""])[-1],
        )
        return json_response(200, page)

    def _write(
        self, apply: Callable[[str, object], None], segment: str, request: Incoming
    ) -> Response:
        asset_id = _asset_id(segment)
        apply(asset_id, _user_metadata(request))
        return NO_CONTENT

    def _delete(self, segment: str) -> Response:
        self._store.delete(_asset_id(segment))
        return NO_CONTENT


def _segments(path: str) -> list[str]:
    """The decoded segments after the API prefix; [] for a path outside it."""
    if not path.startswith(API_PREFIX + "/"):
        return []
    return [unquote(segment) for segment in path[len(API_PREFIX) + 1 :].split("/")]


def _asset_id(segment: str) -> str:
    if not ASSET_ID_PATTERN.fullmatch(segment):
        raise ApiError(404, "resource_not_exist", f"No asset with id {segment!r} exists.")
    return segment


def _int_param(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    if not values:
        return default
    text = values[-1]
    if not _INTEGER.fullmatch(text):
        raise ApiError(400, "parameter_invalid", f"{name} must be an integer, not {text!r}.")
    return int(text)


def _user_metadata(request: Incoming) -> object:
    """The `user_metadata` of a write's body; 400 for anything but `{"user_metadata": ...}`."""
    if not request.body.strip():
        raise ApiError(
            400,
            "parameter_not_provided",
            'The request body must be a JSON object such as {"user_metadata": {...}}.',
        )
    if not is_json_content_type(request.headers.get("content-type")):
        raise ApiError(400, "parameter_invalid", "Content-Type must be application/json.")
    try:
        data = parse_json_body(request.body)
    except ValueError as error:
        raise ApiError(400, "parameter_invalid", f"The body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "parameter_invalid", "The request body must be a JSON object.")
    unknown = sorted(set(data) - {"user_metadata"})
    if unknown:
        raise ApiError(400, "parameter_unknown", f"Unknown parameter(s): {', '.join(unknown)}.")
    if "user_metadata" not in data:
        raise ApiError(400, "parameter_not_provided", "user_metadata is required.")
    return data["user_metadata"]
