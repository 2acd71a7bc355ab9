"""`assetmeta undo ID...`: put back the metadata an asset had before its last change."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import NotFoundError
from ..journal import JournalEntry
from ..metadata import diff
from ..operations import Result
from ..types import Metadata
from ..urls import check_asset_id
from .ids import IdsArg, IdsFromOpt, gather
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, Planned, replace_plan, run_plans, run_writes

# Writes that took effect, or may have: a refused or rolled-back write changed nothing.
UNDOABLE = ("done", "pending")


def choose(entries: Sequence[JournalEntry], current: Metadata | None) -> JournalEntry | None:
    """The newest undoable entry whose `before` differs from the metadata now (None: don't
    compare). A change that left the metadata as it found it, such as a replace that failed
    after emptying an already emptied asset, has nothing to give back: look past it."""
    for entry in reversed(entries):
        if entry.status not in UNDOABLE:
            continue
        if current is None or diff(entry.before, current).any:
            return entry
    return None


@with_globals
def undo_command(
    opts: GlobalOptions,
    ids: IdsArg = None,
    ids_from: IdsFromOpt = None,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Restore the metadata as it was before the last change (undo is journaled too).

    The last change is the newest journaled write on this platform that took effect, or
    may have, and whose previous state differs from the metadata now."""
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    target = rt.target
    by_asset: dict[str, list[JournalEntry]] = {}
    for entry in rt.journal().entries():
        if entry.base_url == target and entry.status in UNDOABLE:
            by_asset.setdefault(entry.asset_id, []).append(entry)

    def candidates(asset_id: str) -> list[JournalEntry]:
        check_asset_id(asset_id)  # a bad id from a file is that, not "nothing to undo"
        entries = by_asset.get(asset_id)
        if not entries:
            raise NotFoundError(f"{asset_id}: nothing to undo: no journal entry for it at {target}")
        return entries

    if dry_run:
        # Sends nothing, so it can't compare with the metadata now: the newest entry.
        def plan(asset_id: str) -> list[Planned]:
            entry = candidates(asset_id)[-1]
            _say_which(rt, asset_id, entry)
            return replace_plan(rt.base_url, asset_id, entry.before)

        run_plans(rt, "undo", id_stream, several, plan)
        return
    with rt.platform() as platform:
        writer = rt.writer(platform, "undo")

        def task(asset_id: str) -> Result:
            entries = candidates(asset_id)
            current = platform.get_metadata(asset_id)
            entry = choose(entries, current)
            if entry is None:
                rt.info(f"{asset_id}: already as it was before every journaled change")
                return Result(asset_id, "unchanged", diff(current, current), current, current)
            _say_which(rt, asset_id, entry)
            return writer.replace(asset_id, dict(entry.before), current=current)

        run_writes(rt, "undo", id_stream, several, task, failed_to=failed_to)


def _say_which(rt: Runtime, asset_id: str, entry: JournalEntry) -> None:
    rt.info(f"{asset_id}: restoring the metadata from before '{entry.command}' of {entry.time}")
