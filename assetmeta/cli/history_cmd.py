"""`assetmeta history ID...`: the local journal of assets' previous states on this platform.

The journal is shared by every platform the user works with (base URLs, the sandbox), and the
same asset id on two of them is two different assets: only entries of the current target are
listed unless --all-platforms is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from ..batch import exit_code_for
from ..errors import AssetmetaError, ExitCode
from ..journal import JournalEntry
from ..metadata import diff
from ..output import render_rows
from ..urls import check_asset_id
from .ids import IdsArg, IdsFromOpt, gather
from .options import GlobalOptions, with_globals
from .runtime import Runtime
from .tally import error_line
from .writing import ExitWith

AllPlatformsOpt = Annotated[
    bool,
    typer.Option(
        "--all-platforms",
        help="Entries made on every platform, not only the current one (adds a platform column).",
    ),
]


def _summary(entry: JournalEntry) -> str:
    if entry.after is None:
        return f"{len(entry.before)} keys before"
    changes = diff(entry.before, entry.after)
    parts = [
        f"+{','.join(changes.added)}" if changes.added else "",
        f"~{','.join(changes.updated)}" if changes.updated else "",
        f"-{','.join(changes.removed)}" if changes.removed else "",
    ]
    return " ".join(p for p in parts if p) or "no change"


def _row(entry: JournalEntry) -> dict[str, Any]:
    return {
        "time": entry.time,
        "asset_id": entry.asset_id,
        "command": entry.command,
        "status": entry.status,
        "change": _summary(entry),
        "base_url": entry.base_url,
        "before": entry.before,
        "after": entry.after,
        "id": entry.id,
    }


@dataclass
class _Found:
    rows: list[dict[str, Any]] = field(default_factory=list)
    failures: list[AssetmetaError] = field(default_factory=list)
    asked: int = 0
    good: int = 0
    first_good: str = ""  # for the message
    elsewhere: int = 0  # entries of these assets left out: made on another platform


def _find(rt: Runtime, ids: Iterator[str], *, all_platforms: bool) -> _Found:
    by_asset: dict[str, list[JournalEntry]] = defaultdict(list)
    for entry in rt.journal().entries():  # read once, however many ids
        by_asset[entry.asset_id].append(entry)
    found = _Found()
    for asset_id in ids:
        found.asked += 1
        try:
            check_asset_id(asset_id)  # ids from a file are checked as they are read
        except AssetmetaError as exc:
            found.failures.append(exc)
            rt.say(f"error: {error_line(asset_id, exc)}")
            continue
        found.good += 1
        found.first_good = found.first_good or asset_id
        for entry in by_asset.get(asset_id, ()):
            if all_platforms or entry.base_url == rt.target:
                found.rows.append(_row(entry))
            else:
                found.elsewhere += 1
    return found


@with_globals
def history_command(
    opts: GlobalOptions,
    ids: IdsArg = None,
    ids_from: IdsFromOpt = None,
    all_platforms: AllPlatformsOpt = False,
) -> None:
    """List the journaled changes of assets on this platform (its base URL, or the
    sandbox), oldest first; --all-platforms for every platform."""
    id_stream, several = gather(ids, ids_from)
    rt = Runtime(opts)
    found = _find(rt, id_stream, all_platforms=all_platforms)
    _print(rt, found.rows, several=several, all_platforms=all_platforms)
    if not found.rows and found.good:
        rt.info(_nothing(rt, found, all_platforms=all_platforms))
    code = exit_code_for(found.asked, found.failures)
    if code is not ExitCode.OK:
        raise ExitWith(code)


def _print(rt: Runtime, rows: list[dict[str, Any]], *, several: bool, all_platforms: bool) -> None:
    fmt = rt.output_format()
    if not rows and fmt != "json":
        return  # "[]" keeps a script's parser happy; elsewhere nothing is printed
    columns = [
        "time",
        *(["asset_id"] if several else []),
        *(["platform"] if all_platforms else []),
        "command",
        "status",
        "change",
        *(["id"] if fmt == "tsv" else []),
    ]
    if fmt in ("table", "tsv"):
        rows = [{**row, "platform": row["base_url"]} for row in rows]
    render_rows(rt.stdout, fmt, rows, columns, no_wrap=("time",))


def _nothing(rt: Runtime, found: _Found, *, all_platforms: bool) -> str:
    what = found.first_good if found.good == 1 else f"these {found.good} assets"
    if all_platforms:
        return f"no journal entries for {what}"
    text = f"no journal entries for {what} at {rt.target}"
    if found.elsewhere:
        noun = "entry" if found.elsewhere == 1 else "entries"
        text += f"; {found.elsewhere} {noun} on other platforms: see --all-platforms"
    return text
