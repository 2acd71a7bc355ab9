"""Which answers are retried and how long the client waits: 408, 409, 429, 5xx, timeouts
and lost connections are; every other 4xx is not, whatever --retries says. And answers no
platform should send (NaN in JSON) are one clean error, not an internal one."""

from __future__ import annotations

import email.utils
import time
from http.server import BaseHTTPRequestHandler

import pytest

from assetmeta.client import backoff, retry_after
from assetmeta.emulator import Emulator, Fault

from .conftest import Cli
from .rawserver import serve, url_of


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_a_passing_failure_is_retried_and_absorbed(
    cli: Cli, emulator: Emulator, asset_id: str, status: int
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=status, count=1, retry_after=0))

    run = cli("set", asset_id, "owner=lena", "--retries", "1")

    assert run.code == 0, run.stderr
    assert [(r.method, r.status) for r in emulator.requests] == [
        ("GET", 200),
        ("PATCH", status),
        ("PATCH", 204),
    ]


@pytest.mark.parametrize(
    ("status", "code"), [(400, 2), (401, 3), (403, 3), (404, 4), (405, 1), (413, 1), (422, 1)]
)
def test_any_other_4xx_is_never_retried(
    cli: Cli, emulator: Emulator, asset_id: str, status: int, code: int
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=status, count=3))

    run = cli("set", asset_id, "owner=lena", "--retries", "3")

    assert run.code == code, run.stderr
    assert [(r.method, r.status) for r in emulator.requests] == [("GET", 200), ("PATCH", status)]


def test_a_timeout_is_retried_and_says_so_once(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    emulator.faults.add(Fault(method="GET", status=200, delay=1.0, count=2))

    run = cli("show", asset_id, "--timeout", "0.2", "--retries", "1")

    assert run.code == 5
    assert "timed out after 1 retry" in run.stderr
    assert "timed out (timed out)" not in run.stderr


def test_retry_after_reads_seconds_milliseconds_and_an_http_date() -> None:
    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after({"retry-after": "-4"}) == 0.0
    assert retry_after({"retry-after": "soon"}) is None
    assert retry_after({}) is None
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = retry_after({"retry-after": when})
    assert wait is not None and 28 <= wait <= 30


def test_backoff_doubles_from_half_a_second_with_jitter_and_a_cap() -> None:
    steps = [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 10.0), (20, 10.0), (5000, 10.0)]
    for retry, middle in steps:
        waits = [backoff(retry) for _ in range(200)]
        assert middle * 0.75 <= min(waits) and max(waits) <= middle * 1.25
        assert max(waits) - min(waits) > middle * 0.1  # jittered, not fixed


def test_nan_in_a_server_answer_is_a_clean_error(cli: Cli, asset_id: str) -> None:
    def nan(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        body = b'{"_id": "%s", "user_metadata": {"score": NaN}}' % asset_id.encode()
        return 200, [("Content-Type", "application/json")], body

    with serve(nan) as server:
        run = cli("show", asset_id, "--base-url", url_of(server) + "/v1.3")

    assert run.code == 1
    assert run.stderr.splitlines()[0] == (
        f"error: {asset_id}: the server's answer was not valid JSON"
    )
    assert "internal error" not in run.stderr


def test_a_retry_after_beyond_a_minute_fails_at_once_saying_so(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="GET", status=429, count=1, retry_after=99999))

    started = time.monotonic()
    run = cli("show", asset_id, "--retries", "3")

    assert time.monotonic() - started < 20
    assert run.code == 5
    assert "it asked to wait 99999 s, more than the 60 s this tool waits" in run.stderr
    assert len(emulator.requests) == 1


def test_verbose_says_what_it_waits_for(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    emulator.faults.add(Fault(method="GET", status=503, count=1, retry_after=0.2))

    run = cli("--verbose", "show", asset_id, "--retries", "1")

    assert run.code == 0, run.stderr
    assert f"GET {emulator.base_url}/assets/{asset_id}: HTTP 503, retry 1 in 0.2 s" in run.stderr
