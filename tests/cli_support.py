"""What the end-to-end CLI tests share: the sample assets by role, request paths, and the
requests an emulator received, in a form a test can compare exactly."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator, sample_assets
from assetmeta.emulator.api import API_PREFIX

if TYPE_CHECKING:
    from .conftest import Cli

SAMPLES = sample_assets()
SAMPLE_METADATA: dict[str, Any] = SAMPLES[0]["user_metadata"]
# A second asset with metadata, and one with none (the emulator omits the field).
OTHER_ID: str = SAMPLES[1]["_id"]
OTHER_METADATA: dict[str, Any] = SAMPLES[1]["user_metadata"]
BARE_ID: str = next(a["_id"] for a in SAMPLES if "user_metadata" not in a)
BARE_ID_2: str = [a["_id"] for a in SAMPLES if "user_metadata" not in a][1]
UNKNOWN_ID = "000000000000000000000000"
assert SAMPLES[0]["_id"] == SAMPLE_ASSET_ID

# Ids that must never reach the server (API-CONTRACT.md, "Connection").
INVALID_IDS = ["../indexes", "a/b", "x?y=1", "%2e%2e", "id#"]


def asset_path(asset_id: str) -> str:
    return f"{API_PREFIX}/assets/{asset_id}"


def metadata_path(asset_id: str) -> str:
    return f"{asset_path(asset_id)}/user-metadata"


def calls(emulator: Emulator) -> list[tuple[str, str, object]]:
    """Every request received, in order: method, path, JSON body (None when there was none)."""
    return [(r.method, r.path, r.json) for r in emulator.requests]


def typed(value: object) -> object:
    """`value` with the JSON type of every leaf spelled out, so that 1, 1.0 and true differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def history(cli: Cli, asset_id: str) -> list[dict[str, Any]]:
    """The journal's entries for the asset, as `history -o json` prints them."""
    run = cli("history", asset_id, "-o", "json")
    assert run.code == 0, run.stderr
    entries = json.loads(run.stdout)
    assert isinstance(entries, list)
    return entries


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """For what the server does after the client has left (a request applied late)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@contextmanager
def fifo(path: Path, text: str) -> Iterator[Path]:
    """A named pipe that gives `text` once to the first reader, as `<(...)` would."""
    os.mkfifo(path)

    def feed() -> None:
        with path.open("w", encoding="utf-8") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        if writer.is_alive():  # never read: open the other end so the writer can finish
            reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            writer.join(5)
            os.close(reader)
