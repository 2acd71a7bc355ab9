"""`assetmeta replace ID... [ITEM...] [-f FILE]`: the metadata becomes exactly the new set."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..errors import UsageError
from ..metadata import apply_replace
from .ids import IdsFromOpt, gather
from .inputs import FromFileOpt, NoInferOpt, StringifyOpt, read_patch, split_ids_and_items
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .set_cmd import ArgsArg
from .writing import DryRunOpt, FailedToOpt, replace_plan, run_plans, run_writes


class Strategy(str, Enum):
    delete_patch = "delete-patch"
    put = "put"
    auto = "auto"


StrategyOpt = Annotated[
    Strategy,
    typer.Option(
        "--strategy",
        help="delete-patch: GET, DELETE, PATCH (restored on failure); "
        "put: one PUT; auto: PUT, falling back to delete-patch on an older server.",
    ),
]


AllowEmptyOpt = Annotated[
    bool,
    typer.Option(
        "--allow-empty",
        help="With no file and no items (or only nulls), replace with nothing (clear) anyway.",
    ),
]


@with_globals
def replace_command(
    opts: GlobalOptions,
    args: ArgsArg = None,
    from_file: FromFileOpt = None,
    ids_from: IdsFromOpt = None,
    no_infer: NoInferOpt = False,
    stringify: StringifyOpt = False,
    strategy: StrategyOpt = Strategy.delete_patch,
    allow_empty: AllowEmptyOpt = False,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Replace all metadata with the given set (-f gives it whole; items go over it)."""
    ids, items = split_ids_and_items(args or [])
    patch, warnings = read_patch(
        items, from_file, infer=not no_infer, stringify=stringify, ids_from=ids_from
    )
    wanted = apply_replace(patch)
    if not wanted and patch and not allow_empty and (ids or ids_from):
        # Keys were given, all null: `x:=null` or a file of nulls is no new set; removing
        # every key is `clear`'s job, which asks first.
        raise UsageError(
            "every key given is null: replace would remove every key",
            hint="to empty the metadata use 'assetmeta clear ID', or pass --allow-empty",
        )
    if not patch and from_file is None and not allow_empty and (ids or ids_from):
        # Most likely the items were forgotten (or a script's list came out empty). An
        # explicit `-f` of `{}` is a deliberate empty set.
        raise UsageError(
            "no items and no file: replace would remove every key",
            hint="to empty the metadata use 'assetmeta clear ID', or pass --allow-empty",
        )
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    for warning in warnings:
        rt.warn(warning)
    if dry_run:
        if strategy is Strategy.auto:
            rt.info("on a server without a PUT route: DELETE, then PATCH, instead of the PUT")
        run_plans(
            rt,
            "replace",
            id_stream,
            several,
            lambda i: replace_plan(rt.base_url, i, wanted, strategy.value),
        )
        return
    with rt.platform() as platform:
        writer = rt.writer(platform, "replace")
        run_writes(
            rt,
            "replace",
            id_stream,
            several,
            lambda i: writer.replace(i, wanted, strategy=strategy.value),
            failed_to=failed_to,
        )
