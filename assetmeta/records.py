"""Several assets out, one record at a time, in any output format.

`show ID...` and `export` both print records ({"asset_id", "user_metadata"}, or whatever a
command makes of an asset) through `RecordStream`, so the same assets print the same way from
either. jsonl, json and tsv are written as each record comes, holding none of them; only a
table is collected, since it needs every width before its first line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from .metadata import type_name
from .output import dumps, render_table, tsv_line

Record = Mapping[str, Any]
METADATA_COLUMNS = ("asset_id", "key", "value", "type")


def metadata_rows(record: Record) -> Iterator[dict[str, Any]]:
    """One row per key, sorted; an asset with no metadata has none. A whole asset (`_id`)
    gives the same rows as its {"asset_id", "user_metadata"} record."""
    asset_id = record.get("asset_id", record.get("_id"))
    for key, value in sorted(record["user_metadata"].items()):
        yield {"asset_id": asset_id, "key": key, "value": value, "type": type_name(value)}


def whole_record(record: Record) -> Iterable[Record]:
    """The record itself as the one row (for records that are already flat)."""
    return (record,)


class RecordStream:
    """Write records as they come; `close()` ends the output (the array, or the table)."""

    def __init__(
        self,
        out: TextIO,
        fmt: str,
        *,
        columns: Sequence[str] = METADATA_COLUMNS,
        rows: Callable[[Record], Iterable[Record]] = metadata_rows,
    ) -> None:
        self.out = out
        self.fmt = fmt
        self.columns = columns
        self.rows = rows
        self.count = 0
        self._table: list[Record] = []

    def write(self, record: Record) -> None:
        if self.fmt == "jsonl":
            self.out.write(dumps(record, pretty=False) + "\n")
        elif self.fmt == "json":
            # The text json.dumps(whole list, indent=2) gives, one element at a time; a
            # JSON string never holds a raw newline, so indenting each line is safe.
            self.out.write("[\n  " if self.count == 0 else ",\n  ")
            self.out.write(dumps(record).replace("\n", "\n  "))
        elif self.fmt == "tsv":
            self.out.writelines(tsv_line(row, self.columns) for row in self.rows(record))
        else:
            self._table.extend(self.rows(record))
        self.count += 1

    def close(self) -> None:
        """Call only when every record was written: a run that failed half way leaves its
        JSON array open, so that no parser mistakes a partial output for a whole one."""
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "[]\n")
        elif self.fmt == "table":
            render_table(self.out, self._table, self.columns, title=None)
