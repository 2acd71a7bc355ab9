"""The shared run of every write command: dry run, batch, progress, report, summary."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ..batch import run_many, until_key_refused
from ..errors import AssetmetaError, ExitCode
from ..errors import ExitWith as ExitWith  # re-exported for the commands
from ..metadata import type_name
from ..operations import Result
from ..output import dumps
from ..types import Patch
from ..urls import METADATA, asset_url
from .interrupts import deferred
from .pipes import KeepGoing
from .runtime import Runtime
from .tally import FailedToOpt as FailedToOpt  # re-exported for the commands
from .tally import Tally

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the requests it would send; send nothing.")
]


@dataclass(frozen=True)
class Planned:
    method: str
    url: str
    body: Any = None

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "body": self.body}


def print_plan(rt: Runtime, plans: list[Planned]) -> None:
    fmt = rt.output_format(default="text")
    if fmt in ("json",):
        rt.stdout.write(dumps([p.as_json() for p in plans]) + "\n")
        return
    for plan in plans:
        if fmt == "jsonl":
            rt.stdout.write(dumps(plan.as_json(), pretty=False) + "\n")
            continue
        rt.stdout.write(f"{plan.method} {plan.url}\n")
        if plan.body is not None:
            rt.stdout.write(dumps(plan.body, pretty=False) + "\n")


def run_plans(
    rt: Runtime,
    command: str,
    items: Iterator[Any],
    several: bool,
    plan_of: Callable[[Any], list[Planned]],
    *,
    label: Callable[[Any], str] = str,
) -> None:
    """A dry run: the plan of each item, and each one that would fail (a bad id in a file,
    nothing to undo) failed alone, as the real run fails it; then its exit code."""
    tally = Tally(rt, f"{command} --dry-run", several)
    plans: list[Planned] = []
    for item in items:
        try:
            plans += plan_of(item)
        except AssetmetaError as exc:
            tally.failed(label(item), exc)
            continue
        tally.done("planned")
    print_plan(rt, plans)
    tally.finish()


def describe_sent(patch: Patch) -> str:
    return ", ".join(
        f"{key} removed" if value is None else f"{key} ({type_name(value)})"
        for key, value in patch.items()
    )


def describe(result: Result) -> str:
    """One line of what happened to one asset."""
    changes = result.changes
    if result.action == "sent":
        return f"{result.asset_id}: sent {describe_sent(result.sent or {})}"
    if result.action == "unchanged" or changes is None:
        return f"{result.asset_id}: unchanged"
    after = result.after or {}
    parts = [f"added {k} ({type_name(after.get(k))})" for k in changes.added]
    parts += [f"updated {k} ({type_name(after.get(k))})" for k in changes.updated]
    parts += [f"removed {k}" for k in changes.removed]
    return f"{result.asset_id}: " + ", ".join(parts)


def result_json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = {"asset_id": result.asset_id, "action": result.action}
    if result.changes is not None:
        for name in ("added", "updated", "removed", "unchanged"):
            data[name] = getattr(result.changes, name)
    if result.after is not None:
        data["user_metadata"] = result.after
    if result.action == "sent":
        data["sent"] = result.sent  # not compared (--no-journal): what the PATCH carried
    return data


def run_writes(
    rt: Runtime,
    command: str,
    ids: Iterator[Any],
    several: bool,
    task: Callable[[Any], Result],
    *,
    failed_to: Path | None = None,
    label: Callable[[Any], str] = str,
    failure_fields: Callable[[Any], dict[str, Any]] | None = None,
    failed_record: Callable[[Any], str] = str,
) -> None:
    """Run `task` over the ids, report each, summarise, and leave with the right code.

    `label` names an item in messages (and items with the same label never run at once);
    `failure_fields` is what a JSON failure record says of it; `failed_record` is its line
    in --failed-to."""
    fields = failure_fields or (lambda item: {"asset_id": label(item)})
    fmt = rt.opts.output.value if rt.opts.output is not None else None
    records = fmt in ("json", "jsonl")
    # One asset runs in this thread, so Ctrl-C reaches the operation itself (and a replace
    # can put its snapshot back); a batch finishes the assets in flight and starts no more.
    concurrency = rt.settings.concurrency if several else 1
    tally = Tally(rt, command, several, failed_to)
    out = KeepGoing()
    stop = threading.Event()
    guarded = until_key_refused(task)
    outcomes = run_many(ids, guarded, concurrency=concurrency, label=label, stop=stop)
    try:
        with tally, deferred(stop, rt.say) if several else contextlib.nullcontext():
            for outcome in outcomes:
                if outcome.error is not None:
                    error = outcome.error
                    message = tally.failed(outcome.asset_id, error, failed_record(outcome.item))
                    if records:
                        record = failure_json(fields(outcome.item), message, error)
                        out.write(dumps(record, pretty=False) + "\n")
                    continue
                result = outcome.value
                assert result is not None  # no error, so the task returned
                tally.done(result.action)
                if records:
                    out.write(dumps(result_json(result), pretty=False) + "\n")
                rt.info(describe(result))
                for note in result.notes:
                    rt.warn(f"{result.asset_id}: {note}")
    except KeyboardInterrupt:
        if not several:
            raise
        # A second signal: what was in flight may be unreported.
        rt.say(f"{command}: interrupted after {tally.total} assets")
        raise ExitWith(ExitCode.INTERRUPTED) from None
    if stop.is_set():
        rt.say(
            f"{command}: interrupted after {tally.total} assets; those in flight were "
            "finished, no more were started"
        )
    tally.finish(interrupted=stop.is_set())


def failure_json(fields: dict[str, Any], message: str, error: AssetmetaError) -> dict[str, Any]:
    """A failure in the same stream as the results, so a script reading stdout sees it."""
    return {**fields, "action": "failed", "error": message, "exit_code": int(error.exit_code)}


def run_merge(
    rt: Runtime,
    command: str,
    ids: Iterator[str],
    several: bool,
    patch: Patch,
    *,
    dry_run: bool,
    failed_to: Path | None,
    require_keys: list[str] | None = None,
) -> None:
    """set and unset: one merge PATCH per asset, or the plan of it."""
    compare = rt.settings.journal
    required = require_keys or []
    if dry_run:
        # --strict reads the asset whether or not the journal is kept.
        snapshot = compare or bool(required)
        run_plans(rt, command, ids, several, lambda i: merge_plan(rt.base_url, i, patch, snapshot))
        return
    with rt.platform() as platform:
        writer = rt.writer(platform, command)
        run_writes(
            rt,
            command,
            ids,
            several,
            lambda i: writer.merge(i, patch, compare=compare, require_keys=required),
            failed_to=failed_to,
        )


def merge_plan(base: str, asset_id: str, patch: Patch, snapshot: bool) -> list[Planned]:
    """The requests of a merge (as `Writer.merge` makes them): the snapshot, when the journal
    is kept or keys are required, then the PATCH, which is left out when the snapshot shows
    that nothing would change."""
    write = Planned("PATCH", asset_url(base, asset_id, METADATA), {"user_metadata": patch})
    return [Planned("GET", asset_url(base, asset_id)), write] if snapshot else [write]


def clear_plan(base: str, asset_id: str) -> list[Planned]:
    """The requests of a clear (as `Writer.clear` makes them): the snapshot, always
    journaled, then the DELETE, left out when there is nothing to delete."""
    delete = Planned("DELETE", asset_url(base, asset_id, METADATA))
    return [Planned("GET", asset_url(base, asset_id)), delete]


def replace_plan(
    base: str, asset_id: str, wanted: Mapping[str, object], strategy: str = "delete-patch"
) -> list[Planned]:
    """The requests of a replace (and of undo), as `Writer.replace` makes them: the snapshot,
    then PUT or DELETE + PATCH. For "auto", the PUT: its fallback is said on stderr."""
    url = asset_url(base, asset_id, METADATA)
    get = Planned("GET", asset_url(base, asset_id))
    if strategy != "delete-patch":
        return [get, Planned("PUT", url, {"user_metadata": wanted})]
    plans = [get, Planned("DELETE", url)]
    if wanted:
        plans.append(Planned("PATCH", url, {"user_metadata": wanted}))
    return plans
