"""Run one task over many asset ids: bounded concurrency, results in input order, streaming.

Ids are pulled from the iterable only as slots free up, so an id list of any length is never
held in memory whole; results are handed back in the order the ids came in.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import AssetmetaError, AuthError, ExitCode

T = TypeVar("T")
ItemT = TypeVar("ItemT")


@dataclass
class Outcome(Generic[T]):
    asset_id: str
    item: Any = None
    value: T | None = None
    error: AssetmetaError | None = None


def run_many(
    items: Iterable[ItemT],
    task: Callable[[ItemT], T],
    *,
    concurrency: int,
    label: Callable[[ItemT], str] = str,
    stop: threading.Event | None = None,
) -> Iterator[Outcome[T]]:
    """Yield one Outcome per item (an id, or an id with its metadata), in input order.
    Expected errors are captured in the Outcome; anything else propagates.

    Items with the same label (the same asset) never run at the same time: each waits for
    the one before it, so two writes of one asset land in input order, each seeing the
    state the previous one left. Once `stop` is set no item is started; those already
    running finish and are yielded, so none is done without being reported."""

    def call(item: ItemT, previous: Future[Outcome[T]] | None = None) -> Outcome[T]:
        if previous is not None:
            wait([previous])
        try:
            return Outcome(label(item), item, value=task(item))
        except AssetmetaError as exc:
            return Outcome(label(item), item, error=exc)

    def stopped() -> bool:
        return stop is not None and stop.is_set()

    if concurrency <= 1:
        for item in items:
            if stopped():
                return
            yield call(item)
        return
    window: deque[Future[Outcome[T]]] = deque()
    # The newest future of each label still in the window; a later item of that label
    # waits on it. Futures are taken in submission order, so a wait never waits on a later
    # item and cannot deadlock.
    latest: dict[str, Future[Outcome[T]]] = {}
    # Keep a little more than `concurrency` in flight so a slow head doesn't idle the pool.
    depth = concurrency * 2

    def take() -> Outcome[T] | None:
        future = window.popleft()
        if future.cancelled():
            return None
        outcome = future.result()
        if latest.get(outcome.asset_id) is future:
            del latest[outcome.asset_id]
        return outcome

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="assetmeta") as pool:
        try:
            for item in items:
                if stopped():
                    break
                name = label(item)
                future = pool.submit(call, item, latest.get(name))
                latest[name] = future
                window.append(future)
                while len(window) >= depth or (window and window[0].done()):
                    if (outcome := take()) is not None:
                        yield outcome
            if stopped():
                for future in window:
                    future.cancel()  # only those not started yet
            while window:
                if (outcome := take()) is not None:
                    yield outcome
        except BaseException:
            for future in window:
                future.cancel()
            raise


def until_key_refused(task: Callable[[ItemT], T]) -> Callable[[ItemT], T]:
    """`task`, until the platform refuses the API key (401): the key is the same for every
    asset, so the rest fail at once, unsent, instead of spending the account's rate budget."""
    refused: list[AuthError] = []

    def guarded(item: ItemT) -> T:
        if refused:
            raise AuthError("not sent: the platform refused the API key", hint=refused[0].hint)
        try:
            return task(item)
        except AuthError as exc:
            if getattr(exc, "status", None) == 401:
                refused.append(exc)
            raise

    return guarded


def exit_code_for(total: int, failures: list[AssetmetaError]) -> ExitCode:
    """0 all good; the error's own code for a single id; 6 when some of several failed."""
    if not failures:
        return ExitCode.OK
    if len(failures) < total:
        return ExitCode.PARTIAL
    codes = {error.exit_code for error in failures}
    return codes.pop() if len(codes) == 1 else ExitCode.FAILURE
