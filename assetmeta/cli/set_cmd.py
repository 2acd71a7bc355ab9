"""`assetmeta set ID... ITEM... [-f FILE]`: one merge PATCH per asset."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from .ids import IdsFromOpt, gather
from .inputs import FromFileOpt, NoInferOpt, StringifyOpt, read_patch, split_ids_and_items
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, run_merge

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
    run_merge(rt, "set", id_stream, several, patch, dry_run=dry_run, failed_to=failed_to)
