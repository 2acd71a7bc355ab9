"""Standard streams at the edges: a reader that leaves early, a terminal where data was expected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator, Fault

from .conftest import Cli, assert_clean, stored
from .test_batch import make_assets


def first_line_then_leave(cli: Cli, *args: str) -> tuple[bytes, int, str]:
    """Run the CLI as `assetmeta ARGS | head -1` would: read one line, close the pipe.
    Gives that line, the exit code and stderr."""
    proc = cli.start(*args)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert_clean(stderr)
    assert "Exception ignored" not in stderr
    return first, code, stderr


def test_a_reader_leaving_early_is_not_a_failure(cli: Cli, emulator: Emulator) -> None:
    make_assets(emulator, 1500)  # far more output than a pipe buffers
    first, code, stderr = first_line_then_leave(cli, "export")
    assert code == 0, stderr
    assert first.startswith(b'{"asset_id":')
    assert "error" not in stderr.lower(), stderr


def test_a_write_batch_goes_on_when_its_reader_leaves(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """`assetmeta set --ids-from big.txt k=1 -o jsonl | head -1`: the reader wanted one line,
    not a batch abandoned part way. Every asset is written, one missing id still fails the
    run, and --failed-to still names it."""
    ids = make_assets(emulator, 300)
    missing = "ffffffffffffffffffffff01"
    listing = tmp_path / "ids.txt"
    listing.write_text("\n".join([*ids, missing]) + "\n")
    failed = tmp_path / "failed.txt"
    argv = ["set", "--ids-from", str(listing), "k=1", "-o", "jsonl", "--failed-to", str(failed)]
    first, code, stderr = first_line_then_leave(cli, *argv)
    assert code == 6, stderr
    assert first.startswith(b'{"action":')
    assert all(stored(emulator, i).get("k") == 1 for i in ids)
    assert "set: 300 changed, 1 failed (of 301)" in stderr
    assert failed.read_text() == f"{missing}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["apply", "-"],
        ["set", "--ids-from", "-", "k=v"],
        ["show", "--ids-from", "-"],
        ["set", "684aa0b3e1264e5a2fef5c4d", "-f", "-"],
    ],
    ids=["apply", "ids-from", "show-ids-from", "from-file"],
)
def test_stdin_on_a_terminal_is_refused_not_waited_on(
    cli: Cli, emulator: Emulator, args: list[str]
) -> None:
    controller, terminal = os.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "assetmeta", *args],
            env=cli.env,
            cwd=cli.cwd,
            stdin=terminal,
            capture_output=True,
            timeout=30,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2, stderr
    assert "standard input is a terminal" in stderr
    assert_clean(stderr)
    assert emulator.requests == []


def test_a_platform_message_cannot_break_the_line_or_drive_the_terminal(
    cli: Cli, emulator: Emulator
) -> None:
    ids = make_assets(emulator, 2)
    body = '{"code": "bad", "message": "no\\u001b[2J\\nsecond line"}'
    for args in (["set", ids[0], "k=1", "--no-journal"], ["set", *ids, "k=1", "--no-journal"]):
        emulator.faults.add(Fault(method="PATCH", status=500, body=body))
        run = cli(*args)
        assert run.code in (5, 6), run.stderr
        assert "\x1b" not in run.stderr
        errors = [line for line in run.stderr.splitlines() if "no\\x1b[2J\\nsecond line" in line]
        assert len(errors) == 1 and errors[0].startswith("error: "), run.stderr


def test_a_platform_message_shows_line_breaks_and_bidi_controls_escaped(
    cli: Cli, emulator: Emulator
) -> None:
    ids = make_assets(emulator, 1)
    body = '{"code": "bad", "message": "a\\nb\\u2028c \\u202eevil\\u2066x\\u2069"}'
    emulator.faults.add(Fault(method="PATCH", status=500, body=body))
    run = cli("set", ids[0], "k=1", "--no-journal")
    assert run.code == 5, run.stderr
    line = run.stderr.splitlines()[0]
    assert line.startswith("error: ")
    assert "a\\nb\\u2028c \\u202eevil\\u2066x\\u2069" in line
    assert not any(c in run.stderr for c in "\u2028\u202a\u202b\u202c\u202d\u202e\u2066\u2069")


def test_a_key_in_a_message_shows_its_line_breaks_escaped(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 1)
    run = cli("set", ids[0], "multi\nline=1", "para\u2028sep=2", "rtl\u202ekey=3")
    assert run.code == 0, run.stderr
    assert len(run.stderr.splitlines()) == 1
    for shown in ("multi\\nline", "para\\u2028sep", "rtl\\u202ekey"):
        assert shown in run.stderr
