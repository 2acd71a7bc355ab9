"""`assetmeta history ID` and `assetmeta undo ID`: the local journal of previous states."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..errors import NotFoundError
from ..journal import JournalEntry
from ..metadata import diff
from ..output import render_rows
from ..urls import check_asset_id
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, print_plan, replace_plan, run_writes

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The asset id.")]


def _summary(entry: JournalEntry) -> str:
    if entry.after is None:
        return f"{len(entry.before)} keys before"
    changes = diff(entry.before, entry.after)
    parts = [
        f"+{','.join(changes.added)}" if changes.added else "",
        f"~{','.join(changes.updated)}" if changes.updated else "",
        f"-{','.join(changes.removed)}" if changes.removed else "",
    ]
    return " ".join(p for p in parts if p) or "no change"


@with_globals
def history_command(opts: GlobalOptions, asset_id: IdArg) -> None:
    """List the journaled changes of an asset, oldest first."""
    check_asset_id(asset_id)
    rt = Runtime(opts)
    entries = rt.journal().entries(asset_id)
    fmt = rt.output_format()
    rows: list[dict[str, Any]] = [
        {
            "time": e.time,
            "command": e.command,
            "status": e.status,
            "change": _summary(e),
            "base_url": e.base_url,
            "before": e.before,
            "after": e.after,
            "id": e.id,
        }
        for e in entries
    ]
    if fmt == "table":
        if not rows:
            rt.stdout.write(f"no journal entries for {asset_id}\n")
            return
        render_rows(rt.stdout, fmt, rows, ("time", "command", "status", "change"))
    else:
        render_rows(rt.stdout, fmt, rows, ("time", "command", "status", "change", "id"))


@with_globals
def undo_command(opts: GlobalOptions, asset_id: IdArg, dry_run: DryRunOpt = False) -> None:
    """Restore the metadata as it was before the last change (undo is journaled too)."""
    check_asset_id(asset_id)
    rt = Runtime(opts)
    # The last change that took effect, or may have: a refused or rolled-back write
    # changed nothing, so undoing it would be a no-op.
    entry = rt.journal().last(asset_id, base_url=rt.target, statuses=("done", "pending"))
    if entry is None:
        raise NotFoundError(f"{asset_id}: nothing to undo: no journal entry for it at {rt.target}")
    rt.info(f"{asset_id}: restoring the metadata from before '{entry.command}' of {entry.time}")
    if dry_run:
        print_plan(rt, replace_plan(rt.base_url, asset_id, entry.before))
        return
    with rt.platform() as platform:
        writer = rt.writer(platform, "undo")
        run_writes(
            rt, "undo", iter([asset_id]), False, lambda i: writer.replace(i, dict(entry.before))
        )
