"""`assetmeta show ID... [--key K] [--asset]`: read metadata (or the whole asset)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..batch import run_many, until_key_refused
from ..errors import AssetmetaError, NotFoundError
from ..output import dumps, raw_value, render_rows
from ..records import RecordStream, metadata_rows, whole_record
from ..urls import metadata_of
from .complete import asset_keys
from .ids import IdsArg, IdsFromOpt, gather
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .tally import FailedToOpt, Tally

if TYPE_CHECKING:
    from ..client import Platform

KeyOpt = Annotated[
    str | None,
    typer.Option(
        "--key",
        "-k",
        show_default=False,
        autocompletion=asset_keys,
        help="Print only this key's value, raw; exit 4 if absent.",
    ),
]
AssetOpt = Annotated[
    bool, typer.Option("--asset", help="Show the whole asset, not only its metadata.")
]
ASSET_FIELDS = ("_id", "filename", "file_type", "method", "status", "created_at")


@with_globals
def show_command(
    opts: GlobalOptions,
    ids: IdsArg = None,
    ids_from: IdsFromOpt = None,
    key: KeyOpt = None,
    asset: AssetOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Show the metadata: a table on a terminal, JSON when piped."""
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    with rt.platform() as platform:
        if several:
            _show_many(rt, Tally(rt, "show", several, failed_to), platform, id_stream, key, asset)
        else:
            _show_one(rt, platform.get_asset(next(id_stream)), key, asset)


def _normalised(asset: dict[str, Any]) -> dict[str, Any]:
    # Absent, null and {} all mean "none"; always print an object so output pipes back in.
    return {**asset, "user_metadata": metadata_of(asset)}


def _key_value(asset: dict[str, Any], key: str) -> Any:
    metadata = metadata_of(asset)
    if key not in metadata:
        raise NotFoundError(f"{asset.get('_id', 'asset')}: key {key!r} is not set")
    return metadata[key]


def _show_one(rt: Runtime, asset: dict[str, Any], key: str | None, whole: bool) -> None:
    if key is not None:
        rt.stdout.write(raw_value(_key_value(asset, key)) + "\n")
        return
    fmt = rt.output_format()
    metadata = metadata_of(asset)
    if fmt == "json":
        rt.stdout.write(dumps(_normalised(asset) if whole else metadata) + "\n")
    elif fmt == "jsonl":
        record = (
            _normalised(asset)
            if whole
            else {"asset_id": asset.get("_id"), "user_metadata": metadata}
        )
        rt.stdout.write(dumps(record, pretty=False) + "\n")
    elif fmt == "table" and whole:
        fields = [{"field": f, "value": asset.get(f, "")} for f in ASSET_FIELDS]
        render_rows(rt.stdout, "table", fields, ("field", "value"), title="asset")
        _metadata_rows(rt, fmt, metadata)
    else:
        _metadata_rows(rt, fmt, metadata)


def _metadata_rows(rt: Runtime, fmt: str, metadata: dict[str, Any]) -> None:
    rows = list(metadata_rows({"user_metadata": metadata}))
    render_rows(
        rt.stdout,
        fmt,
        rows,
        ("key", "value", "type"),
        title="user_metadata" if fmt == "table" else None,
    )


def _show_many(
    rt: Runtime, tally: Tally, platform: Platform, ids: Any, key: str | None, whole: bool
) -> None:
    """One record per asset, in input order: JSON lines by default, or with -o a JSON array,
    or rows of asset_id/key/value/type for tsv and table (as `export` prints them).
    Streamed as the answers come; failures on stderr, and a summary at the end."""
    fmt = rt.output_format(default="jsonl")
    if key is None:
        stream = RecordStream(rt.stdout, fmt)
    else:
        stream = RecordStream(rt.stdout, fmt, columns=("asset_id", "value"), rows=whole_record)
    with tally:
        fetch = until_key_refused(platform.get_asset)
        for outcome in run_many(ids, fetch, concurrency=rt.settings.concurrency):
            try:
                if outcome.error is not None:
                    raise outcome.error
                record = _record(outcome.asset_id, outcome.value or {}, key, whole)
            except AssetmetaError as exc:
                tally.failed(outcome.asset_id, exc)
                continue
            stream.write(record)
            tally.done("shown")
    stream.close()
    tally.finish()


def _record(asset_id: str, asset: dict[str, Any], key: str | None, whole: bool) -> dict[str, Any]:
    if whole:
        return _normalised(asset)
    if key is not None:
        return {"asset_id": asset_id, "value": _key_value(asset, key)}
    return {"asset_id": asset_id, "user_metadata": metadata_of(asset)}
