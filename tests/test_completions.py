"""completions/ is generated from the app and must be current; completion really completes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetmeta.completions import SHELLS, script

from .conftest import Cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_shipped_script_is_current(shell: str) -> None:
    shipped = (ROOT / "completions" / SHELLS[shell]).read_text(encoding="utf-8")
    assert shipped == script(shell), "run: python -m assetmeta.completions"


def _complete(cli: Cli, words: str, cword: int) -> list[str]:
    run = cli(
        env={"COMP_WORDS": words, "COMP_CWORD": str(cword), "_ASSETMETA_COMPLETE": "complete_bash"}
    )
    assert run.code == 0
    return run.stdout.split()


def test_subcommands_complete(cli: Cli) -> None:
    assert _complete(cli, "assetmeta re", 1) == ["replace"]


def test_flags_complete(cli: Cli) -> None:
    assert "--dry-run" in _complete(cli, "assetmeta set --dry", 2)


def test_unset_completes_the_asset_keys(cli: Cli, asset_id: str) -> None:
    keys = _complete(cli, f"assetmeta unset {asset_id} ", 3)
    assert keys and "rating" in keys


def test_show_key_completes_the_asset_keys(cli: Cli, asset_id: str) -> None:
    assert _complete(cli, f"assetmeta show {asset_id} --key ra", 4) == ["rating"]


def test_completion_stays_silent_when_the_server_is_down(cli: Cli, asset_id: str) -> None:
    cli.env["TWELVELABS_BASE_URL"] = "http://127.0.0.1:9/v1.3"
    assert _complete(cli, f"assetmeta unset {asset_id} ", 3) == []
