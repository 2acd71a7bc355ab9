"""The platform API contract (design/API-CONTRACT.md), served over real HTTP on loopback.

The test suite, the README demo, `--sandbox` and users' own CI scripts run against it:

    with Emulator(api_key="test-key") as emulator:
        emulator.faults.add(Fault(method="PATCH", status=503, retry_after=0.1))
        ...  # point a client at emulator.base_url
        assert emulator.requests[-1].status == 204

Standard library only: the CLI imports it for `--sandbox`, so it must load fast.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

from ..baseurl import is_loopback
from .api import API_PREFIX
from .control import CONTROL_PREFIX
from .errors import ApiError, StoreError
from .faults import Fault, FaultPlan, RateStatus
from .requestlog import RecordedRequest, RequestLog
from .seed import SAMPLE_ASSET_ID, sample_assets
from .server import EmulatorApp, EmulatorHTTPServer
from .store import AssetStore, StateFileError

__all__ = [
    "SAMPLE_ASSET_ID",
    "ApiError",
    "AssetStore",
    "Emulator",
    "Fault",
    "FaultPlan",
    "RateStatus",
    "RecordedRequest",
    "StateFileError",
    "StoreError",
    "is_loopback",
    "sample_assets",
]


class Emulator:
    """One emulator: an asset store, fault settings and a request log behind an HTTP server."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: Path | None = None,
        api_key: str | None = None,
        latency: float = 0.0,
        fail_rate: float = 0.0,
        rate_limit: int | None = None,
        put_enabled: bool = True,
        seed: bool = True,
        allow_remote: bool = False,
        fail_seed: int | None = 0,
        log_requests: bool = False,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"refusing to serve on {host!r}: the emulator accepts any API key and is "
                "meant for loopback (127.0.0.1, ::1, localhost); pass allow_remote=True "
                "to expose it anyway"
            )
        if api_key is not None and not api_key.strip():
            raise ValueError("api_key must not be empty (leave it out to accept any key)")
        self.host = host.strip("[]")
        self._port = port
        self._log_requests = log_requests
        self._api_key = api_key
        self.store = AssetStore(state_file=state_file, seed=seed)
        self.faults = FaultPlan(
            latency=latency,
            fail_rate=fail_rate,
            rate_limit=rate_limit,
            put_enabled=put_enabled,
            seed=fail_seed,
        )
        self._log = RequestLog()
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._serving = threading.Event()

    # -- lifecycle ----------------------------------------------------------------------

    def bind(self) -> Emulator:
        """Open the listening socket (so `base_url` is known) without serving yet."""
        if self._server is None:
            app = EmulatorApp(self.store, self.faults, self._log, self._api_key)
            self._server = EmulatorHTTPServer(self.host, self._port, app, self._log_requests)
        return self

    def start(self) -> Emulator:
        """Serve in a daemon thread; returns self."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already serving")
        self.bind()
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"assetmeta-emulator:{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until Ctrl-C (or `stop()` from another thread)."""
        server = self.bind()._require_server()
        self._serving.set()
        try:
            server.serve_forever(poll_interval=0.05)
        except KeyboardInterrupt:
            pass
        finally:
            self._serving.clear()
            if self._server is server:  # not closed by stop()
                self._server = self._thread = None
                server.server_close()

    def stop(self) -> None:
        """Stop serving and close the socket; requests in flight are abandoned."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        if thread is not None or self._serving.is_set():
            server.shutdown()  # returns once serve_forever has left its loop
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses --------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._require_server().server_address[1])

    @property
    def root_url(self) -> str:
        """`http://host:port`, without the API's base path."""
        host = str(self._require_server().server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. `http://127.0.0.1:54321/v1.3`."""
        return self.root_url + API_PREFIX

    @property
    def control_url(self) -> str:
        """The control endpoints' base, e.g. `http://127.0.0.1:54321/_emulator`."""
        return self.root_url + CONTROL_PREFIX

    # -- the request log --------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """The API requests received so far, oldest first (a snapshot)."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    def _require_server(self) -> EmulatorHTTPServer:
        if self._server is None:
            raise RuntimeError("the emulator is not bound: call start() or bind() first")
        return self._server
