"""`assetmeta undo ID`: put back the metadata an asset had before its last change."""

from __future__ import annotations

from ..errors import NotFoundError
from ..urls import check_asset_id
from .history_cmd import IdArg
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, print_plan, replace_plan, run_writes


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
