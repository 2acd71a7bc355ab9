"""`assetmeta clear ID...`: DELETE all metadata, after a confirmation."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import ExitCode, UsageError
from .ids import IdsArg, IdsFromOpt, gather
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, ExitWith, FailedToOpt, clear_plan, run_plans, run_writes

YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Don't ask; required without a terminal.")
]


@with_globals
def clear_command(
    opts: GlobalOptions,
    ids: IdsArg = None,
    ids_from: IdsFromOpt = None,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Delete all user metadata of the assets (journaled: 'assetmeta undo' brings it back)."""
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    if dry_run:
        run_plans(rt, "clear", id_stream, several, lambda i: clear_plan(rt.base_url, i))
        return
    if not yes:
        _confirm(rt, ids or [], several)
    with rt.platform() as platform:
        writer = rt.writer(platform, "clear")
        run_writes(rt, "clear", id_stream, several, writer.clear, failed_to=failed_to)


def _confirm(rt: Runtime, ids: list[str], several: bool) -> None:
    if not (rt.terminal.stdin_tty and rt.terminal.stderr_tty):
        raise UsageError("clear deletes all metadata and needs --yes when not run at a terminal")
    what = "the listed assets" if several else ids[0]
    sys.stderr.write(f"Delete all user metadata of {what}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        rt.info("nothing was changed")
        raise ExitWith(ExitCode.FAILURE)
