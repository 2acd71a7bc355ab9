"""Renderers for data on stdout: table (people), json (stable, sorted), jsonl, tsv.

Values are printed literally: no rich markup is ever interpreted in metadata, and JSON is
never wrapped or coloured.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

FORMATS = ("table", "json", "jsonl", "tsv")


@dataclass(frozen=True)
class Terminal:
    """What the streams are connected to; tests build one instead of patching sys."""

    stdout_tty: bool
    stderr_tty: bool
    stdin_tty: bool

    @classmethod
    def detect(cls) -> Terminal:
        def tty(stream: TextIO | None) -> bool:
            try:
                return bool(stream and stream.isatty())
            except (ValueError, OSError):
                return False

        return cls(tty(sys.stdout), tty(sys.stderr), tty(sys.stdin))


def choose_format(asked: str | None, terminal: Terminal) -> str:
    return asked or ("table" if terminal.stdout_tty else "json")


def dumps(value: Any, *, pretty: bool = True) -> str:
    """Stable JSON: sorted keys, UTF-8 as is, no NaN."""
    if pretty:
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


def raw_value(value: Any) -> str:
    """A value as a shell script wants it: strings bare, everything else as JSON."""
    return value if isinstance(value, str) else dumps(value, pretty=False)


def _tsv_cell(text: str) -> str:
    # Tabs and newlines would break the columns; escape them the way `cut`-friendly tools do.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write(out: TextIO, text: str) -> None:
    out.write(text if text.endswith("\n") else text + "\n")


def render_rows(
    out: TextIO,
    fmt: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
) -> None:
    """Rows of records in any format; `columns` orders the table and tsv."""
    if fmt == "json":
        write(out, dumps(list(rows)))
    elif fmt == "jsonl":
        for row in rows:
            write(out, dumps(row, pretty=False))
    elif fmt == "tsv":
        for row in rows:
            write(out, "\t".join(_tsv_cell(raw_value(row.get(c, ""))) for c in columns))
    else:
        render_table(out, rows, columns, title=title)


def render_table(
    out: TextIO, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, title: str | None
) -> None:
    from rich.console import Console  # only people at a terminal pay for rich
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(raw_value(row.get(c, ""))) for c in columns))
    if not rows:
        out.write("(no metadata)\n" if title is None else f"{title}: (no metadata)\n")
        return
    Console(file=out, markup=False, highlight=False, emoji=False).print(table)
