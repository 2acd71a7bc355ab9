"""`assetmeta set ID... ITEM... [-f FILE]`: one merge PATCH per asset."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ..urls import METADATA, asset_url
from .ids import IdsFromOpt, gather
from .inputs import FromFileOpt, NoInferOpt, StringifyOpt, read_patch, split_ids_and_items
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, Planned, print_plan, run_writes

ArgsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID... ITEM...",
        help="Asset ids, then KEY=VALUE or KEY:=JSON items.",
        show_default=False,
    ),
]


@with_globals
def set_command(
    opts: GlobalOptions,
    args: ArgsArg = None,
    from_file: FromFileOpt = None,
    ids_from: IdsFromOpt = None,
    no_infer: NoInferOpt = False,
    stringify: StringifyOpt = False,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Merge keys into the metadata: the given keys change, all others stay."""
    ids, items = split_ids_and_items(args or [])
    patch, warnings = read_patch(
        items, from_file, infer=not no_infer, stringify=stringify, ids_from=ids_from
    )
    if not patch:
        raise UsageError("nothing to set", hint="give KEY=VALUE items or -f FILE")
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    for warning in warnings:
        rt.warn(warning)
    if dry_run:
        base = rt.base_url
        print_plan(
            rt,
            [
                Planned("PATCH", asset_url(base, i, METADATA), {"user_metadata": patch})
                for i in id_stream
            ],
        )
        return
    with rt.platform() as platform:
        writer = rt.writer(platform, "set")
        compare = rt.settings.journal
        run_writes(
            rt,
            "set",
            id_stream,
            several,
            lambda asset_id: writer.merge(asset_id, patch, compare=compare),
            failed_to=failed_to,
        )
