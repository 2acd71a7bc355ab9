"""`assetmeta history ID`: the local journal of an asset's previous states."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ..journal import JournalEntry
from ..metadata import diff
from ..output import render_rows
from ..urls import check_asset_id
from .options import GlobalOptions, with_globals
from .runtime import Runtime

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
