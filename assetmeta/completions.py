"""The shell completion scripts shipped in completions/, generated from the app.

`python -m assetmeta.completions` rewrites them; a test fails when they are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

SHELLS = {"bash": "assetmeta.bash", "zsh": "_assetmeta", "fish": "assetmeta.fish"}
PROG = "assetmeta"
COMPLETE_VAR = "_ASSETMETA_COMPLETE"


def script(shell: str) -> str:
    from typer._completion_shared import get_completion_script

    import assetmeta.cli.app  # noqa: F401  (completion classes are registered on import)

    return (
        get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell).rstrip()
        + "\n"
    )


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for shell, name in SHELLS.items():
        path = folder / name
        path.write_text(script(shell), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parent.parent / "completions"
    )
    for path in write_all(target):
        print(path)
