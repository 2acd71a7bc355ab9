"""Run one task over many asset ids: bounded concurrency, results in input order, streaming.

Ids are pulled from the iterable only as slots free up, so an id list of any length is never
held in memory whole; results are handed back in the order the ids came in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import AssetmetaError, ExitCode

T = TypeVar("T")
ItemT = TypeVar("ItemT")


@dataclass
class Outcome(Generic[T]):
    asset_id: str
    value: T | None = None
    error: AssetmetaError | None = None


def run_many(
    items: Iterable[ItemT],
    task: Callable[[ItemT], T],
    *,
    concurrency: int,
    label: Callable[[ItemT], str] = str,
) -> Iterator[Outcome[T]]:
    """Yield one Outcome per item (an id, or an id with its metadata), in input order.
    Expected errors are captured in the Outcome; anything else propagates."""

    def call(item: ItemT) -> Outcome[T]:
        try:
            return Outcome(label(item), value=task(item))
        except AssetmetaError as exc:
            return Outcome(label(item), error=exc)

    if concurrency <= 1:
        for item in items:
            yield call(item)
        return
    window: deque[Future[Outcome[T]]] = deque()
    # Keep a little more than `concurrency` in flight so a slow head doesn't idle the pool.
    depth = concurrency * 2
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="assetmeta") as pool:
        try:
            for item in items:
                window.append(pool.submit(call, item))
                while len(window) >= depth or (window and window[0].done()):
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        except BaseException:
            for future in window:
                future.cancel()
            raise


def exit_code_for(total: int, failures: list[AssetmetaError]) -> ExitCode:
    """0 all good; the error's own code for a single id; 6 when some of several failed."""
    if not failures:
        return ExitCode.OK
    if len(failures) < total:
        return ExitCode.PARTIAL
    codes = {error.exit_code for error in failures}
    return codes.pop() if len(codes) == 1 else ExitCode.FAILURE
