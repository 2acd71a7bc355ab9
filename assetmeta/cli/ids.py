"""Asset ids from the command line and from `--ids-from FILE|-`, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Annotated

import typer

from ..errors import UsageError
from ..inputpath import check_readable
from ..urls import check_asset_id
from .inputs import refuse_terminal, text_lines

IdsArg = Annotated[
    list[str] | None, typer.Argument(metavar="ID...", show_default=False, help="Asset ids.")
]
IdsFromOpt = Annotated[
    str | None,
    typer.Option(
        "--ids-from",
        help="Read asset ids from FILE ('-' = stdin), one a line; "
        "blank lines and # comments skipped.",
        show_default=False,
    ),
]


def _lines(name: str) -> Iterator[str]:
    # A byte that is not UTF-8 reads as the text `\xff`: the id is then refused showing the
    # byte that is in the file, rather than U+FFFD.
    for line in text_lines(name, "--ids-from"):
        # An id never holds '#' or white space: a '#' starts a comment, also after an id.
        text = line.split("#", 1)[0].strip()
        if text:
            yield text


def gather(ids: list[str] | None, ids_from: str | None) -> tuple[Iterator[str], bool]:
    """All ids, and whether there may be several. Ids on the command line are checked now;
    a bad id in a file only fails that id, since the file is read as the run goes."""
    given = [check_asset_id(i) for i in ids or []]
    if not given and ids_from is None:
        raise UsageError("no asset id given", hint="pass one or more IDs, or --ids-from FILE")
    if ids_from is None:
        return iter(given), len(given) > 1
    if ids_from == "-":
        refuse_terminal("--ids-from")
    else:
        check_readable(ids_from, "--ids-from")
    return chain(given, _lines(ids_from)), True
