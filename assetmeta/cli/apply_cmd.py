"""`assetmeta apply`: merge or replace many assets' metadata from JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..jsoninput import parse_metadata_json
from ..operations import Result
from ..output import dumps
from ..types import Patch
from ..urls import check_asset_id
from .inputs import text_lines
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, run_writes


class AssetType(str, Enum):
    image = "image"
    video = "video"
    audio = "audio"
    document = "document"


Line = tuple[int, str, Patch]
# A line of stdin that failed its check: it fails alone instead of stopping the run.
Failed = tuple[int, str, UsageError]


def _parse_line(number: int, text: str, source: str) -> Line:
    where = f"{source} line {number}"
    try:
        record = json.loads(text)
    except ValueError:
        record = None
    asset_id = record.get("asset_id") if isinstance(record, dict) else None
    if not isinstance(asset_id, str):
        raise UsageError(f'{where}: expected {{"asset_id": ..., "user_metadata": {{...}}}}')
    try:
        check_asset_id(asset_id)
        patch = parse_metadata_json(text.encode("utf-8"), source=where)
    except UsageError as exc:
        message = exc.message if exc.message.startswith(where) else f"{where}: {exc.message}"
        raise UsageError(message, exc.hint) from None
    return number, asset_id, patch


def _lines(source: str) -> Iterator[tuple[int, str]]:
    for number, text in enumerate(text_lines(source, "apply"), 1):
        if text.strip():
            yield number, text


@with_globals
def apply_command(
    opts: GlobalOptions,
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="JSON lines as written by export.")
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace each asset's metadata instead of merging.")
    ] = False,
    dry_run: DryRunOpt = False,
    failed_to: FailedToOpt = None,
) -> None:
    """Merge (or --replace) each line's metadata into its asset, concurrently, journaled.

    A file is checked whole before the first request; standard input is checked line by line.
    """
    if source != "-" and not Path(source).is_file():
        raise UsageError(f"{source}: no such file")
    name = "<stdin>" if source == "-" else source
    if source != "-":
        for number, text in _lines(source):
            _parse_line(number, text, name)
    rt = Runtime(opts)
    if dry_run:
        for _, asset_id, patch in (_parse_line(n, t, name) for n, t in _lines(source)):
            verb = "replace" if replace else "merge"
            rt.stdout.write(dumps({"asset_id": asset_id, verb: patch}, pretty=False) + "\n")
        return
    command = "apply --replace" if replace else "apply"
    with rt.platform() as platform:
        writer = rt.writer(platform, command)

        def task(line: Line | Failed) -> Result:
            _, asset_id, patch = line
            if isinstance(patch, UsageError):
                raise patch
            if replace:
                return writer.replace(asset_id, patch)
            return writer.merge(asset_id, patch, compare=rt.settings.journal)

        run_writes(
            rt,
            command,
            _checked_lines(source, name),
            True,
            task,
            failed_to=failed_to,
            label=lambda line: line[1],
        )


def _checked_lines(source: str, name: str) -> Iterator[Line | Failed]:
    for number, text in _lines(source):
        try:
            yield _parse_line(number, text, name)
        except UsageError as exc:
            yield number, f"line-{number}", exc
