"""`assetmeta export`: every asset's metadata out, as JSON lines unless -o says otherwise."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..records import RecordStream
from ..urls import metadata_of
from .options import GlobalOptions, with_globals
from .runtime import Runtime


class AssetType(str, Enum):
    image = "image"
    video = "video"
    audio = "audio"
    document = "document"


@with_globals
def export_command(
    opts: GlobalOptions,
    asset_type: Annotated[
        list[AssetType] | None,
        typer.Option("--asset-type", help="Only these types (repeatable).", show_default=False),
    ] = None,
    filename: Annotated[
        str | None,
        typer.Option(
            "--filename", help="Only filenames containing this (any case).", show_default=False
        ),
    ] = None,
) -> None:
    """Every asset's metadata as JSON lines {"asset_id": ..., "user_metadata": {...}}
    (on a terminal too: it is meant for `apply`); -o json, tsv or table as `show ID...`."""
    rt = Runtime(opts)
    types = [t.value for t in asset_type or []]
    stream = RecordStream(rt.stdout, rt.output_format(default="jsonl"))
    with rt.platform() as platform:
        for asset in platform.iter_assets(asset_types=types, filename=filename):
            stream.write({"asset_id": asset.get("_id"), "user_metadata": metadata_of(asset)})
    stream.close()
    rt.info(f"export: {stream.count} assets")
