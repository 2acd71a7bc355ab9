"""Metadata from items on the command line layered over a JSON file or stdin."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..inputpath import check_readable
from ..items import parse_items
from ..jsoninput import merge_layers, parse_metadata_json
from ..types import Patch

FromFileOpt = Annotated[
    str | None,
    typer.Option(
        "--from-file",
        "-f",
        help="Read a JSON object of metadata from FILE ('-' = stdin).",
        show_default=False,
    ),
]
NoInferOpt = Annotated[
    bool, typer.Option("--no-infer", help="Keep every KEY=VALUE value a string.")
]
StringifyOpt = Annotated[
    bool, typer.Option("--stringify", help="Store objects and mixed arrays as compact JSON text.")
]


def split_ids_and_items(args: list[str]) -> tuple[list[str], list[str]]:
    """`ID... ITEM...`: ids never hold '=', items always do; ids come first."""
    ids: list[str] = []
    items: list[str] = []
    for arg in args:
        if "=" in arg:
            items.append(arg)
        elif items:
            raise UsageError(
                f"invalid item {arg!r}: expected KEY=VALUE or KEY:=JSON",
                hint="asset ids go before the items",
            )
        else:
            ids.append(arg)
    return ids, items


def refuse_terminal(what: str) -> None:
    """Data from '-' while standard input is a terminal would wait for typing that no script
    will do: say so instead of hanging."""
    if sys.stdin is not None and sys.stdin.isatty():
        raise UsageError(
            f"{what} -: standard input is a terminal", hint="pipe the data in, or pass a file"
        )


def text_lines(source: str, what: str) -> Iterator[str]:
    """Lines of a file or of stdin ('-'), UTF-8 with or without BOM. A byte that is not
    UTF-8 is kept as a lone surrogate (Python's surrogateescape), which validation refuses:
    that line fails on its own, never sent with U+FFFD in its place, and written back (to
    --failed-to) it is the same byte again."""
    if source == "-":
        refuse_terminal(what)
        handle = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="surrogateescape")
    else:
        try:
            handle = Path(source).open(encoding="utf-8-sig", errors="surrogateescape")  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"{what} {source}: {exc.strerror or exc}") from None
    with handle:
        yield from handle


def _read(source: str) -> bytes:
    if source == "-":
        refuse_terminal("--from-file")
        return sys.stdin.buffer.read()
    check_readable(source, "--from-file")
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UsageError(f"--from-file {source}: {exc.strerror or exc}") from None


def read_patch(
    items: list[str],
    from_file: str | None,
    *,
    infer: bool,
    stringify: bool,
    ids_from: str | None = None,
) -> tuple[Patch, list[str]]:
    """Everything is parsed and validated here, before the first request."""
    if from_file == "-" and ids_from == "-":
        raise UsageError("standard input can't be both the ids (--ids-from -) and the JSON (-f -)")
    item_patch, warnings = parse_items(items, infer=infer, stringify=stringify)
    if from_file is None:
        return item_patch, warnings
    name = "<stdin>" if from_file == "-" else from_file
    file_patch = parse_metadata_json(_read(from_file), source=name, stringify=stringify)
    return merge_layers(file_patch, item_patch), warnings
