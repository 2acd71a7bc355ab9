"""Start-up is a feature: `--version` imports no library at all, `--help` no HTTP client.
(How fast is bench/run.py's job; here only what is imported, which can't be noisy.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


def _imported_after(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from assetmeta.__main__ import main\n"
        f"code = main({args!r})\n"
        "print(sorted(m.split('.')[0] for m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return set(eval(proc.stdout.strip().splitlines()[-1]))


def test_version_imports_no_library() -> None:
    assert not _imported_after(["--version"]) & {"typer", "click", "rich", "httpx", "dotenv"}


@pytest.mark.parametrize(
    "args", [["--help"], ["set", "--help"], ["export", "--help"], ["config", "path"]]
)
def test_help_imports_no_http_client(args: list[str]) -> None:
    assert not _imported_after(args) & {"httpx", "httpcore", "anyio", "h11"}
