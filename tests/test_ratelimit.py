"""Pacing from the rate-limit headers, with a fake clock; and 429s against the emulator."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from assetmeta.emulator import Emulator, Fault
from assetmeta.ratelimit import Throttle

from .conftest import API_KEY, Cli, stored


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _headers(limit: int, remaining: int, reset: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(reset),
    }


def test_no_headers_no_waiting() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    for _ in range(100):
        throttle.wait()
    assert clock.slept == []


def test_plenty_left_sends_freely() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    throttle.observe(_headers(100, 90, clock.now + 60))
    for _ in range(10):
        throttle.wait()
    assert clock.slept == []


def test_spent_budget_waits_for_the_reset() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    reset = clock.now + 20
    throttle.wait()
    throttle.observe(_headers(100, 3, reset))
    for left in (2, 1, 0):
        throttle.wait()
        throttle.observe(_headers(100, left, reset))
    assert clock.slept == []
    throttle.wait()  # the next would be refused: it waits for the next window instead
    assert len(clock.slept) == 1 and 19 <= clock.slept[0] <= 20.1


def test_requests_in_flight_count_against_the_budget() -> None:
    """With answers still out the estimate assumes them spent; when it reaches zero the
    throttle waits for those answers, and then for the next window if nothing is left."""
    clock = FakeClock()
    answers: list[dict[str, str]] = []

    def sleep(seconds: float) -> None:  # time passing brings in the answers still out
        clock.sleep(seconds)
        if answers:
            throttle.observe(answers.pop(0))

    throttle = Throttle(clock=clock.time, sleep=sleep)
    reset = clock.now + 30
    for _ in range(4):
        throttle.wait()  # four sent before any answer
    throttle.observe(_headers(10, 2, reset))  # one answer: 2 left; three still out
    answers += [_headers(10, 1, reset), _headers(10, 0, reset), _headers(10, 0, reset)]
    throttle.wait()
    assert not answers  # it waited for every answer before deciding
    assert sum(clock.slept) >= 29  # and then, nothing left, for the next window


def test_answers_settle_a_pessimistic_estimate() -> None:
    """Answers arriving out of order make the estimate too low; once they are all in, the
    lowest count is exact and the rest of the window is used."""
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    reset = clock.now + 30
    for _ in range(3):
        throttle.wait()
    # The server counted them as 5, 4, 3 left; the answers come back 3, 5, 4.
    for left in (3, 5, 4):
        throttle.observe(_headers(10, left, reset))
    for _ in range(3):
        throttle.wait()
    assert sum(clock.slept) < 1  # three more fit in this window, no wait for the next


def test_retry_after_holds_everyone() -> None:
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    throttle.block(2.5)
    throttle.wait()
    assert clock.slept == [2.5]


def test_429_with_retry_after_is_waited_out(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    emulator.faults.add(Fault(method="PATCH", status=429, retry_after=0.4))
    started = time.monotonic()
    run = cli("set", asset_id, "k=1", "--retries", "1", "--no-journal")
    assert run.code == 0, run.stderr
    assert time.monotonic() - started >= 0.4
    assert [r.status for r in emulator.requests] == [429, 204]
    assert stored(emulator, asset_id)["k"] == 1


def test_rate_limited_batch_loses_nothing(tmp_path: Path, asset_id: str) -> None:
    """Rate-limit headers on every answer do not slow a batch that stays under the limit."""
    with Emulator(api_key=API_KEY, rate_limit=1000) as emu:
        cli = Cli(tmp_path / "home", emu.base_url)
        ids = [a["_id"] for a in emu.store.all()]
        run = cli("set", *ids, "k=1", "--no-journal", "--retries", "3")
        assert run.code == 0, run.stderr
        assert [r.status for r in emu.requests].count(429) == 0
        headers = emu.requests[-1]
        assert headers.status == 204


def test_batch_over_the_limit_is_paced_not_refused(tmp_path: Path) -> None:
    """More requests than one window allows: the tool waits for the next window instead of
    collecting 429s, and every asset ends up written."""
    with Emulator(api_key=API_KEY) as emu:
        emu.faults.limit_rate(10, window=2.0)
        ids = [a["_id"] for a in emu.store.all()]  # 12 assets: 12 PATCHes, over a window of 10
        cli = Cli(tmp_path / "home", emu.base_url)
        run = cli("set", *ids, "paced=1", "--no-journal", "--concurrency", "4", "--retries", "3")
        assert run.code == 0, run.stderr
        statuses = [r.status for r in emu.requests]
        assert statuses.count(204) == len(ids)
        assert statuses.count(429) == 0
        assert all(stored(emu, i)["paced"] == 1 for i in ids)


def test_a_new_window_starts_from_the_known_limit_not_from_nothing() -> None:
    """Once the limit is known, a new window is no free-for-all: at most the limit goes out
    in it before an answer says what is left, so a --concurrency above the limit does not
    earn a 429 at every window."""
    clock = FakeClock()
    throttle = Throttle(clock=clock.time, sleep=clock.sleep)
    reset = clock.now + 5
    throttle.wait()
    throttle.observe(_headers(4, 0, reset))  # the first window, spent at once
    for _ in range(4):  # the next window's four
        throttle.wait()
    assert clock.now >= reset
    fifth_sent: list[float] = []

    def fifth() -> None:
        throttle.wait()
        fifth_sent.append(clock.now)

    thread = threading.Thread(target=fifth)
    thread.start()
    thread.join(timeout=0.2)
    assert thread.is_alive() and not fifth_sent  # nothing answered yet: it holds back
    throttle.observe(_headers(4, 0, reset + 5))  # the answers: this window is spent too
    for _ in range(3):
        throttle.release()
    thread.join(timeout=5)
    assert fifth_sent and fifth_sent[0] >= reset + 5
