"""`assetmeta apply`: merge or replace many assets' metadata from JSON lines."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import UsageError
from ..inputpath import check_readable
from ..items import load_strict_json
from ..jsoninput import patch_of
from ..metadata import apply_replace
from ..operations import Result
from ..types import Patch
from ..urls import check_asset_id
from .inputs import refuse_terminal, text_lines
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .writing import DryRunOpt, FailedToOpt, merge_plan, replace_plan, run_plans, run_writes

_SHAPE = 'expected {"asset_id": "...", "user_metadata": {...}}'
_KEYS = ("asset_id", "user_metadata")


@dataclass(frozen=True)
class Line:
    """One line of input: its place, its text, and what it asks for (or why it can't)."""

    where: str
    number: int
    text: str
    asset_id: str | None = None
    patch: Patch | None = None
    error: UsageError | None = None

    @property
    def label(self) -> str:
        return self.asset_id if self.error is None and self.asset_id else self.where

    def failure_fields(self) -> dict[str, Any]:
        return {"asset_id": self.asset_id, "line": self.number}


def _parse(where: str, number: int, text: str) -> Line:
    """A line of `export`: exactly an asset id and a metadata object, nothing else, so a
    line of some other shape can never be written as if it were metadata."""
    record = load_strict_json(text, where=where)
    if not isinstance(record, dict):
        raise UsageError(f"{where}: {_SHAPE}")
    unknown = [key for key in record if key not in _KEYS]
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r}; {_SHAPE}")
    asset_id = record.get("asset_id")
    if not isinstance(asset_id, str):
        raise UsageError(f'{where}: no "asset_id" string; {_SHAPE}')
    check_asset_id(asset_id)
    if "user_metadata" not in record:
        raise UsageError(f'{where}: no "user_metadata"; {_SHAPE}')
    metadata = record["user_metadata"]
    if not isinstance(metadata, dict):
        raise UsageError(f'{where}: "user_metadata" must be a JSON object')
    return Line(where, number, text, asset_id, patch_of(metadata, where=where))


def _checked(where: str, number: int, text: str) -> Line:
    try:
        return _parse(where, number, text)
    except UsageError as exc:
        message = exc.message if exc.message.startswith(where) else f"{where}: {exc.message}"
        return Line(where, number, text, error=UsageError(message, exc.hint))


def _lines(source: str) -> Iterator[Line]:
    name = "<stdin>" if source == "-" else source
    for number, text in enumerate(text_lines(source, "apply"), 1):
        if text.strip():
            yield _checked(f"{name} line {number}", number, text.rstrip("\r\n"))


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

    A file is checked whole before the first request; standard input (or a pipe, such as
    `<(...)`, which can be read only once) is checked line by line, and a bad line fails
    alone. Lines of the same asset are applied in file order.
    With --failed-to, the lines that failed are written as read, so FILE can be applied again.
    """
    if source == "-":
        refuse_terminal("apply")
    else:
        check_readable(source, "apply")
    if source != "-" and Path(source).is_file():
        for line in _lines(source):
            if line.error is not None:
                raise line.error
    rt = Runtime(opts)
    if dry_run:
        plan = functools.partial(_plan, rt, replace=replace)
        run_plans(rt, "apply", _lines(source), True, plan, label=lambda line: line.label)
        return
    command = "apply --replace" if replace else "apply"
    with rt.platform() as platform:
        writer = rt.writer(platform, command)

        def task(line: Line) -> Result:
            if line.error is not None:
                raise line.error
            assert line.asset_id is not None and line.patch is not None
            if replace:
                return writer.replace(line.asset_id, apply_replace(line.patch))
            return writer.merge(line.asset_id, line.patch, compare=rt.settings.journal)

        run_writes(
            rt,
            command,
            _lines(source),
            True,
            task,
            failed_to=failed_to,
            label=lambda line: line.label,
            failure_fields=lambda line: line.failure_fields(),
            failed_record=lambda line: line.text,
        )


def _plan(rt: Runtime, line: Line, replace: bool) -> list[Any]:
    if line.error is not None:
        raise line.error
    assert line.asset_id is not None and line.patch is not None
    if replace:
        return replace_plan(rt.base_url, line.asset_id, apply_replace(line.patch))
    return merge_plan(rt.base_url, line.asset_id, line.patch, rt.settings.journal)
