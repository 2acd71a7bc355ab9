"""Ctrl-C: exit 130, no traceback, and no half-applied replace left unreported."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator, Fault

from .conftest import Cli, assert_clean, stored


def _start(cli: Cli, *args: str) -> subprocess.Popen[bytes]:
    # A shell starts background jobs with SIGINT ignored, and a child inherits that: give
    # it the default disposition so Python turns SIGINT into KeyboardInterrupt.
    return cli.start(*args, preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(emulator: Emulator, method: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(r.method == method for r in emulator.requests):
        assert time.monotonic() < deadline, f"no {method} arrived"
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupt_between_delete_and_patch_restores(
    cli: Cli, emulator: Emulator, asset_id: str, signum: int
) -> None:
    """Ctrl-C, or the SIGTERM of a cancelled CI job or `docker stop`: the snapshot is put
    back, and since the PATCH was in flight the user is told it may still land."""
    before = stored(emulator, asset_id)
    # The PATCH hangs (and then fails, never applied): the user gives up.
    emulator.faults.add(Fault(method="PATCH", status=503, delay=3.0))
    proc = _start(cli, "replace", asset_id, "only=this")
    _wait_for(emulator, "DELETE")
    time.sleep(0.3)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    stderr = err.decode()
    assert proc.returncode == 130, stderr
    assert_clean(stderr)
    assert "the previous metadata was put back" in stderr
    assert "may still apply the unanswered PATCH" in stderr
    assert f"assetmeta undo {asset_id}" in stderr
    time.sleep(3.0)  # let the hung PATCH end on the server side too
    assert stored(emulator, asset_id) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupt_stops_a_batch_cleanly(
    cli: Cli, emulator: Emulator, signum: int, tmp_path: Path
) -> None:
    """The assets in flight finish and are reported like any other (a report line, the
    journal marked done, the summary); no more are started; exit 130."""
    ids = [a["_id"] for a in emulator.store.all()]
    emulator.faults.latency = 0.4
    failed = tmp_path / "failed.txt"
    proc = _start(cli, "set", *ids, "k=1", "--concurrency", "2", "--failed-to", str(failed))
    _wait_for(emulator, "PATCH")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=30)
    stderr = err.decode()
    assert proc.returncode == 130, stderr
    assert_clean(stderr)
    assert "interrupted after" in stderr
    done = [i for i in ids if stored(emulator, i).get("k") == 1]
    assert 0 < len(done) < len(ids)
    # Every asset the platform changed was reported and journaled as done.
    reported = [i for i in ids if f"{i}: added k (integer)" in stderr]
    assert sorted(reported) == sorted(done)
    assert f"set: {len(done)} changed, 0 failed (of {len(done)})" in stderr
    assert failed.read_text() == ""
    statuses = {e["asset_id"]: e["status"] for e in history_of(cli, done)}
    assert set(statuses.values()) == {"done"}


def history_of(cli: Cli, ids: list[str]) -> list[dict[str, object]]:
    run = cli("history", *ids, "-o", "json")
    assert run.code == 0, run.stderr
    entries: list[dict[str, object]] = json.loads(run.stdout)
    return entries
