"""`assetmeta unset ID KEY...`: one PATCH with each key set to null."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import UsageError
from ..items import check_unicode, quote
from ..types import Patch
from .complete import asset_keys
from .ids import IdsFromOpt, gather
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, run_merge

IdArg = Annotated[
    str | None, typer.Argument(metavar="ID", help="The asset id.", show_default=False)
]
KeysArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="KEY...", help="Keys to remove.", show_default=False, autocompletion=asset_keys
    ),
]
MoreIdsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--id",
        "-i",
        help="An asset id (repeatable); with it, every argument is a key.",
        show_default=False,
    ),
]
USAGE = "usage: assetmeta unset ID KEY..., or assetmeta unset --id ID... KEY..."
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Exit 4 if a key is not set (one GET first).")
]


@with_globals
def unset_command(
    opts: GlobalOptions,
    asset_id: IdArg = None,
    keys: KeysArg = None,
    more_ids: MoreIdsOpt = None,
    ids_from: IdsFromOpt = None,
    strict: StrictOpt = False,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Remove keys from the metadata. Keys that are not set are not an error."""
    words = ([asset_id] if asset_id is not None else []) + list(keys or [])
    if more_ids or ids_from is not None:
        # The ids are given apart (--id, --ids-from): every word is a key.
        ids, keys = list(more_ids or []), words
    else:
        # `unset ID KEY...`: ids and keys can't be told apart, so the first word is the id.
        ids, keys = words[:1], words[1:]
        if not ids:
            raise UsageError("no asset id given", hint=USAGE)
    if not keys:
        raise UsageError("no key given", hint=USAGE)
    patch = _null_patch(keys)
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    required = keys if strict else []
    run_merge(
        rt,
        "unset",
        id_stream,
        several,
        patch,
        dry_run=dry_run,
        failed_to=failed_to,
        require_keys=required,
    )


def _null_patch(keys: list[str]) -> Patch:
    patch: Patch = {}
    for key in keys:
        if not key:
            raise UsageError("empty key", hint=USAGE)
        check_unicode(key, "the key", f"invalid key {quote(key)}")
        if key in patch:
            raise UsageError(f"key {key!r} given twice")
        patch[key] = None
    return patch
