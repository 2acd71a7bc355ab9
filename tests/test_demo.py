"""`assetmeta demo`, the README's first command: every step runs and shows what it did, on
a throw-away sandbox that leaves nothing behind and asks for no key."""

from __future__ import annotations

import json

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator

from .conftest import Cli


def test_the_demo_runs_every_step_on_a_throw_away_sandbox(cli: Cli, emulator: Emulator) -> None:
    before = {p.relative_to(cli.home) for p in cli.home.rglob("*")}

    run = cli("demo", env={"TWELVE_LABS_API_KEY": None}, timeout=120)

    assert run.code == 0, run.stderr
    steps = [line for line in run.stdout.splitlines() if line.startswith("$ assetmeta")]
    assert [step.split()[3] for step in steps] == [
        "show", "set", "show", "unset", "replace", "show", "show", "history", "undo", "clear",
        "show",
    ]  # fmt: skip
    assert "recentlyAdded" in run.stdout and "archived" in run.stdout
    outputs = [part.split("\n", 1)[1] for part in run.stdout.split("\n$ ")[1:]]
    assert outputs[5].strip() == "archived"  # show --key category, after the replace
    assert json.loads(outputs[-1].split("\n\n")[0]) == {}  # the last show, after clear
    assert f"{SAMPLE_ASSET_ID}: " in run.stderr
    assert emulator.requests == []  # the sandbox, not whatever the environment points at
    assert {p.relative_to(cli.home) for p in cli.home.rglob("*")} == before
