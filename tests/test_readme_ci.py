"""The README's two commands are the ones CI and a newcomer run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sh_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, re.S)]


def test_ci_runs_the_readme_test_command() -> None:
    readme = _sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = readme[1]
    assert "pytest" in test_command
    assert test_command in ci.splitlines()


def test_readme_first_command_runs_the_demo_on_the_sandbox() -> None:
    first = _sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))[0]
    assert first.endswith("assetmeta demo")
    assert "pip install" in first


def test_readme_lists_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in (0, 1, 2, 3, 4, 5, 6, 130):
        assert f"| {code} |" in readme
