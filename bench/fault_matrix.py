"""Run the fault matrix of tests/test_fault_matrix.py and print it as a table.

    python bench/fault_matrix.py [-k SUBSTRING]

Each cell runs the real CLI against a fresh emulator with an isolated HOME, exactly as the
test does; the table says, per command and request, what each fault kind did with
`--retries 0` / `--retries 2`: "ok" (every promise kept), "FAIL" (the data survived but a
promise broke: exit code, message, request order) or "LOST" (the metadata ended neither as
before nor as asked). The exit status is 0 only when every cell is ok.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from assetmeta.emulator import Emulator  # noqa: E402
from tests.conftest import API_KEY, Cli  # noqa: E402
from tests.test_fault_matrix import (  # noqa: E402
    CELLS,
    COMMANDS,
    FAULT_KINDS,
    RETRIES,
    Cell,
    Outcome,
    run_cell,
)


def run_one(cell: Cell) -> Outcome:
    with (
        tempfile.TemporaryDirectory(prefix="fault-matrix-") as tmp,
        Emulator(api_key=API_KEY) as emulator,
    ):
        return run_cell(cell, emulator, Cli(Path(tmp) / "home", emulator.base_url))


def mark(outcome: Outcome | None) -> str:
    if outcome is None:
        return "-"
    if not outcome.survived:
        return "LOST"
    return "FAIL" if outcome.problems else "ok"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only the cells whose id contains this text")
    args = parser.parse_args(argv)

    cells = [cell for cell in CELLS if args.k in cell.id]
    outcomes: dict[str, Outcome] = {}
    started = time.monotonic()
    progress = sys.stderr.isatty()
    for number, cell in enumerate(cells, 1):
        if progress:
            sys.stderr.write(f"\r[{number}/{len(cells)}] {cell.id:<40}")
            sys.stderr.flush()
        outcomes[cell.id] = run_one(cell)
    if progress:
        sys.stderr.write("\r" + " " * 60 + "\r")

    retries = "/".join(f"r{r}" for r in RETRIES)
    width = max(len(kind.name) for kind in FAULT_KINDS)
    width = max(width, len("ok/ok"), len(retries), len("LOST/LOST"))
    name_width = max(len(command.name) for command in COMMANDS)
    header = f"{'command':<{name_width}} {'request':<7} " + " ".join(
        f"{kind.name:<{width}}" for kind in FAULT_KINDS
    )
    print(f"fault matrix: each cell is {retries} (--retries 0 / --retries 2)")
    print(header)
    print("-" * len(header))
    for command in COMMANDS:
        for request in command.requests:
            row = [
                [outcomes.get(f"{command.name}-{request}-{kind.name}-r{r}") for r in RETRIES]
                for kind in FAULT_KINDS
            ]
            if any(o is not None for pair in row for o in pair):
                marks = ["/".join(mark(o) for o in pair) for pair in row]
                shown = " ".join(f"{m:<{width}}" for m in marks)
                print(f"{command.name:<{name_width}} {request:<7} {shown}")
    print()
    for kind in FAULT_KINDS:
        print(f"  {kind.name:<{width}} {kind.describe}")

    broken = [o for o in outcomes.values() if o.problems]
    if broken:
        print()
        for outcome in broken:
            print(f"{outcome.cell.id}: {'; '.join(outcome.problems)}")
    survived = sum(o.survived for o in outcomes.values())
    print()
    print(f"took {time.monotonic() - started:.0f} s")
    print(f"cells tried: {len(outcomes)}, data survived: {survived}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
