"""Control endpoints under /_emulator/, for tests and CI scripts in other processes.

They need no API key and are not recorded, delayed, rate limited or faulted. Bodies are
read as JSON whatever their Content-Type (so a plain `curl -d` works).
"""

from __future__ import annotations

from collections.abc import Callable

from .api import Incoming
from .errors import ApiError
from .faults import Fault, FaultPlan
from .jsonbody import parse_json_body
from .requestlog import RequestLog
from .responses import NO_CONTENT, Response, error_response, json_response
from .store import AssetStore

CONTROL_PREFIX = "/_emulator"


class ControlApi:
    def __init__(self, store: AssetStore, plan: FaultPlan, log: RequestLog) -> None:
        self._store = store
        self._plan = plan
        self._log = log
        self._routes: dict[tuple[str, str], Callable[[Incoming], Response]] = {
            ("GET", "/health"): lambda _: json_response(200, {"status": "ok"}),
            ("GET", "/faults"): self._list_faults,
            ("POST", "/faults"): self._add_fault,
            ("DELETE", "/faults"): self._clear_faults,
            ("GET", "/requests"): self._list_requests,
            ("DELETE", "/requests"): self._clear_requests,
            ("GET", "/state"): self._get_state,
            ("PUT", "/state"): self._put_state,
            ("POST", "/reset"): self._reset,
            ("GET", "/config"): self._get_config,
            ("PATCH", "/config"): self._patch_config,
        }

    @staticmethod
    def owns(path: str) -> bool:
        return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")

    def handle(self, request: Incoming) -> Response:
        route = request.path[len(CONTROL_PREFIX) :].rstrip("/")
        handler = self._routes.get((request.method, route))
        try:
            if handler is None:
                allowed = sorted(method for method, path in self._routes if path == route)
                if allowed:
                    raise ApiError(
                        405, "method_not_allowed", f"Use {', '.join(allowed)} on {request.path}."
                    )
                raise ApiError(404, "route_not_found", f"No control route {request.path}.")
            return handler(request)
        except ApiError as error:
            return error_response(error)

    def _list_faults(self, _: Incoming) -> Response:
        return json_response(200, {"faults": [f.to_json() for f in self._plan.pending()]})

    def _add_fault(self, request: Incoming) -> Response:
        fault = Fault.from_json(_json(request))
        self._plan.add(fault)
        return json_response(201, {"fault": fault.to_json()})

    def _clear_faults(self, _: Incoming) -> Response:
        self._plan.clear()
        return NO_CONTENT

    def _list_requests(self, _: Incoming) -> Response:
        return json_response(200, {"requests": [r.to_json() for r in self._log.snapshot()]})

    def _clear_requests(self, _: Incoming) -> Response:
        self._log.clear()
        return NO_CONTENT

    def _get_state(self, _: Incoming) -> Response:
        return json_response(200, {"assets": self._store.all()})

    def _put_state(self, request: Incoming) -> Response:
        data = _json(request)
        if not isinstance(data, dict) or "assets" not in data:
            raise ApiError(400, "parameter_not_provided", 'Send {"assets": [...]}.')
        self._store.replace_all(data["assets"])
        return NO_CONTENT

    def _reset(self, _: Incoming) -> Response:
        self._store.reset()
        return NO_CONTENT

    def _get_config(self, _: Incoming) -> Response:
        return json_response(200, self._plan.config())

    def _patch_config(self, request: Incoming) -> Response:
        data = _json(request)
        if not isinstance(data, dict):
            raise ApiError(400, "parameter_invalid", "Send a JSON object of settings.")
        unknown = sorted(set(data) - set(self._plan.config()))
        if unknown:
            raise ApiError(400, "parameter_unknown", f"Unknown setting(s): {', '.join(unknown)}.")
        before = self._plan.config()
        try:
            for name, value in data.items():
                _check_setting(name, value)
                setattr(self._plan, name, value)
        except ValueError as error:
            for name, value in before.items():  # all or nothing
                setattr(self._plan, name, value)
            raise ApiError(400, "parameter_invalid", str(error)) from None
        return json_response(200, self._plan.config())


def _check_setting(name: str, value: object) -> None:
    if name == "put_enabled":
        ok = isinstance(value, bool)
    elif name == "rate_limit":
        ok = value is None or (isinstance(value, int) and not isinstance(value, bool))
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok:
        raise ValueError(f"Setting {name!r} has a wrong type.")


def _json(request: Incoming) -> object:
    try:
        return parse_json_body(request.body or b"{}")
    except ValueError as error:
        raise ApiError(400, "parameter_invalid", f"The body is not valid JSON: {error}") from None
