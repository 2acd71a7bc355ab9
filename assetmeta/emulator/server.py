"""The HTTP layer: a quiet, threaded HTTP/1.1 server around the emulator's routes.

Each API request goes: latency, authentication, rate limit, scripted fault (before),
random failure, the route itself, scripted fault (after); then it is recorded.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .api import Incoming, PlatformApi
from .control import ControlApi
from .errors import ApiError, default_code
from .faults import Fault, FaultPlan
from .jsonbody import parse_json_body
from .requestlog import API_KEY_HEADER, RecordedRequest, RequestLog, redacted_headers
from .responses import DROP, Response, error_response, raw_response
from .store import AssetStore

MAX_BODY_BYTES = 1 << 20


class EmulatorApp:
    """What the emulator answers to a request, independent of the socket it came on."""

    def __init__(
        self, store: AssetStore, plan: FaultPlan, log: RequestLog, api_key: str | None
    ) -> None:
        self._plan = plan
        self._log = log
        self._api = PlatformApi(store, plan, api_key)
        self._control = ControlApi(store, plan, log)

    def handle(self, request: Incoming) -> Response:
        if ControlApi.owns(request.path):
            return self._control.handle(request)
        response = self._handle_api(request)
        self._log.append(_record(request, response.status))
        return response

    def _handle_api(self, request: Incoming) -> Response:
        self._plan.sleep_latency()
        try:
            self._api.authenticate(request.headers)
        except ApiError as error:
            return error_response(error)
        rate = self._plan.count_request()
        if rate is None:
            return self._answer(request)
        if not rate.allowed:
            refusal = ApiError(
                429,
                "too_many_requests",
                f"More than {rate.limit} requests per minute; retry in {rate.retry_after} s.",
            )
            return error_response(
                refusal, [*rate.headers(), ("Retry-After", str(rate.retry_after))]
            )
        return self._answer(request).with_headers(rate.headers())

    def _answer(self, request: Incoming) -> Response:
        fault = self._plan.take(request.method, request.path)
        if fault is not None and not fault.after:
            time.sleep(fault.delay)
            if fault.replaces_answer:
                return _fault_response(fault)
        if self._plan.roll_failure():
            return error_response(ApiError(500, "internal_error", "Injected failure (fail_rate)."))
        response = self._api.handle(request)
        if fault is not None and fault.after:  # applied; now the answer gets lost
            time.sleep(fault.delay)
            if fault.replaces_answer:
                return _fault_response(fault)
        return response


def _fault_response(fault: Fault) -> Response:
    if fault.drop:
        return DROP
    headers = []
    if fault.retry_after is not None:
        seconds = fault.retry_after
        headers.append(
            ("Retry-After", str(int(seconds)) if seconds == int(seconds) else str(seconds))
        )
    if fault.body is not None:
        return raw_response(fault.status, fault.body).with_headers(headers)
    injected = ApiError(
        fault.status, default_code(fault.status), f"Injected fault: HTTP {fault.status}."
    )
    return error_response(injected, headers)


def _record(request: Incoming, status: int) -> RecordedRequest:
    try:
        parsed = parse_json_body(request.body) if request.body else None
    except ValueError:
        parsed = None
    key = request.headers.get(API_KEY_HEADER)
    return RecordedRequest(
        method=request.method,
        path=request.path,
        query=request.query,
        headers=redacted_headers(request.headers),
        body=request.body,
        json=parsed,
        status=status,
        api_key_present=bool(key),
        api_key=key,
    )


class EmulatorHTTPServer(ThreadingHTTPServer):
    """Daemon threads, no reverse DNS at bind time, quiet about clients that went away."""

    daemon_threads = True
    block_on_close = False
    # socketserver's default of 5 drops connections from a client running 16 at once.
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: EmulatorApp, log_requests: bool) -> None:
        self.app = app
        self.log_requests = log_requests
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = (
            str(self.server_address[0]),
            int(self.server_address[1]),
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "assetmeta-emulator"
    sys_version = ""
    disable_nagle_algorithm = True  # headers and body go out in two writes
    server: EmulatorHTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _dispatch(self) -> None:
        try:
            request = self._incoming()
        except ApiError as error:
            self.close_connection = True  # the body was not read: the stream is unusable
            self._send(error_response(error))
            return
        try:
            response = self.server.app.handle(request)
        except Exception as error:  # a bug in the emulator: say so, keep serving
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            response = error_response(ApiError(500, "internal_error", f"Emulator error: {error}"))
        self._send(response)

    def _incoming(self) -> Incoming:
        target = self.path
        if target.startswith("/"):
            path, _, query_string = target.partition("?")
        else:  # absolute form, as sent to a proxy
            split = urlsplit(target)
            path, query_string = split.path or "/", split.query
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return Incoming(
            method=self.command.upper(),
            path=path.partition("#")[0],
            query=parse_qs(query_string, keep_blank_values=True),
            headers=headers,
            body=self._read_body(),
        )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.strip().isdigit():
            raise ApiError(400, "parameter_invalid", "Invalid Content-Length.")
        size = int(length)
        if size > MAX_BODY_BYTES:
            raise ApiError(
                413, "request_too_large", f"Bodies are limited to {MAX_BODY_BYTES} bytes."
            )
        return self.rfile.read(size)

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ApiError(400, "parameter_invalid", "Invalid chunked body.") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY_BYTES:
                raise ApiError(
                    413, "request_too_large", f"Bodies are limited to {MAX_BODY_BYTES} bytes."
                )
            body += self.rfile.read(size)
            self.rfile.readline(1024)

    def _send(self, response: Response) -> None:
        if response.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        has_body = response.status >= 200 and response.status not in (204, 304)
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if has_body:
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if has_body and self.command != "HEAD":
                self.wfile.write(response.body)
        except (ConnectionError, TimeoutError):  # the client gave up (e.g. its timeout)
            self.close_connection = True
