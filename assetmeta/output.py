"""Renderers for data on stdout: table (people), json (stable, sorted), jsonl, tsv.

Values are printed literally: no rich markup is ever interpreted in metadata, and JSON is
never wrapped or coloured. In text formats (table, tsv) every control character is shown as a
visible backslash escape (`escape_text`), so a value can neither break a tsv row nor send an
escape sequence to the terminal; JSON escapes them itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO


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


def _escapes() -> dict[int, str]:
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    # C0, DEL and C1 controls, the two Unicode line breaks that splitlines() honours, and
    # the bidi embeddings, overrides and isolates, which can make text read in another order.
    codes = [
        *range(0x20),
        *range(0x7F, 0xA0),
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        # The marks that reorder or hide text without showing: the Arabic letter mark,
        # left-to-right and right-to-left marks, the zero-width space, the word joiner and
        # the BOM (zero-width no-break space). The joiners of emoji and scripts are kept.
        0x061C,
        0x200B,
        0x200E,
        0x200F,
        0x2060,
        0xFEFF,
    ]
    table = {
        code: named.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        for code in codes
    }
    # Lone surrogates can't be written as UTF-8. U+DC80..U+DCFF is how Python holds a byte
    # of argv or a file name that is not UTF-8 (surrogateescape): shown as that byte, \xff.
    for code in range(0xD800, 0xE000):
        table[code] = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code < 0xDD00 else f"\\u{code:04x}"
    return table


_TABLE_ESCAPES = _escapes()
_TSV_ESCAPES = {**_TABLE_ESCAPES, ord("\\"): "\\\\"}


def escape_text(text: str, *, backslash: bool = False) -> str:
    r"""`text` with every control character as a visible escape: \n \t \r, else \xNN (or
    \uNNNN). With `backslash` (tsv) a backslash doubles too, so a cell reads back exactly;
    a table is for people, where `C:\tmp` should look like itself."""
    return text.translate(_TSV_ESCAPES if backslash else _TABLE_ESCAPES)


def message_line(text: str) -> str:
    """A message for stderr, escaped as a table cell is: every line break is a visible
    escape too (`\\n`, `\\u2028`), so a platform's message or a stored key stays one line,
    can't drive the terminal, and a key `a\\nb` doesn't read as `a b`."""
    return escape_text(text)


def cell_text(value: Any, *, backslash: bool = False) -> str:
    """A value as one cell of text output: raw, then escaped."""
    return escape_text(raw_value(value), backslash=backslash)


def tsv_line(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    return "\t".join(cell_text(row.get(c, ""), backslash=True) for c in columns) + "\n"


def write(out: TextIO, text: str) -> None:
    out.write(text if text.endswith("\n") else text + "\n")


def render_rows(
    out: TextIO,
    fmt: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    no_wrap: Collection[str] = (),
) -> None:
    """Rows of records in any format; `columns` orders the table and tsv, and the table
    never wraps the columns named in `no_wrap`."""
    if fmt == "json":
        write(out, dumps(list(rows)))
    elif fmt == "jsonl":
        for row in rows:
            write(out, dumps(row, pretty=False))
    elif fmt == "tsv":
        out.writelines(tsv_line(row, columns) for row in rows)
    else:
        render_table(out, rows, columns, title=title, no_wrap=no_wrap)


def render_table(
    out: TextIO,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None,
    no_wrap: Collection[str] = (),
) -> None:
    from rich.console import Console  # only people at a terminal pay for rich
    from rich.table import Table
    from rich.text import Text

    if not rows:
        out.write("(no metadata)\n" if title is None else f"{title}: (no metadata)\n")
        return
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in no_wrap)
    for row in rows:
        table.add_row(*(Text(cell_text(row.get(c, ""))) for c in columns))
    Console(file=out, markup=False, highlight=False, emoji=False).print(table)
