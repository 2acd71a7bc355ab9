"""`assetmeta export`: every asset's metadata out as JSON lines."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from ..output import dumps
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
    """Every asset's metadata as JSON lines {"asset_id": ..., "user_metadata": {...}}."""
    rt = Runtime(opts)
    types = [t.value for t in asset_type or []]
    count = 0
    with rt.platform() as platform:
        for asset in platform.iter_assets(asset_types=types, filename=filename):
            record = {"asset_id": asset.get("_id"), "user_metadata": metadata_of(asset)}
            rt.stdout.write(dumps(record, pretty=False) + "\n")
            count += 1
    rt.info(f"export: {count} assets")
