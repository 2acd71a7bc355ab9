"""`assetmeta emulator` and `--sandbox` with bad input: a corrupt state file, a state file
whose folder is missing, a port in use, a host that is not loopback. Each is one line and
exit 2; a state file is never overwritten or "repaired" behind the user's back."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assetmeta.emulator import SAMPLE_ASSET_ID

from .conftest import Cli, assert_clean

CORRUPT_STATES = {
    "not-json": b"{ this is not json",
    "not-utf8": b"\xff\xfe\x00garbage",
    "empty-object": b"{}",
    "a-list": b"[1, 2, 3]",
    "wrong-format": json.dumps({"format": "something-else", "assets": []}).encode(),
    "assets-not-a-list": json.dumps(
        {"format": "assetmeta-emulator-state", "version": 1, "assets": {"a": 1}}
    ).encode(),
    "bad-metadata": json.dumps(
        {
            "format": "assetmeta-emulator-state",
            "version": 1,
            "assets": [{"_id": "a1", "user_metadata": {"x": [1, 2]}}],
        }
    ).encode(),
}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """No emulator of the suite's own: these runs start (or fail to start) their own."""
    return Cli(tmp_path / "home", None)


def _one_error(code: int, stderr: str) -> str:
    assert code == 2, stderr
    assert_clean(stderr)
    lines = stderr.splitlines()
    assert lines and lines[0].startswith("error: "), stderr
    assert len(lines) <= 2, stderr  # the error and at most a hint
    return lines[0]


@pytest.fixture
def serving(cli: Cli) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Emulator processes a test starts; each is stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)


def _start(cli: Cli, serving: list[subprocess.Popen[bytes]], *args: str) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assetmeta", "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli.env,
        cwd=cli.cwd,
    )
    serving.append(proc)
    assert proc.stdout is not None
    return proc.stdout.readline().decode().strip()


# -- a corrupt state file ----------------------------------------------------------------


@pytest.mark.parametrize("content", CORRUPT_STATES.values(), ids=CORRUPT_STATES.keys())
def test_a_corrupt_sandbox_state_is_one_line_saying_what_to_do(cli: Cli, content: bytes) -> None:
    state = cli.state_dir / "sandbox.json"
    state.parent.mkdir(parents=True)
    state.write_bytes(content)

    run = cli("--sandbox", "show", SAMPLE_ASSET_ID)

    line = _one_error(run.code, run.stderr)
    assert str(state) in line
    assert "move it aside" in run.stderr
    assert state.read_bytes() == content  # left for the user to look at


@pytest.mark.parametrize("content", CORRUPT_STATES.values(), ids=CORRUPT_STATES.keys())
def test_a_corrupt_emulator_state_is_one_line_saying_what_to_do(
    cli: Cli, tmp_path: Path, content: bytes
) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(content)

    run = cli("emulator", "--port", "0", "--state", str(state), timeout=20)

    line = _one_error(run.code, run.stderr)
    assert str(state) in line
    assert "move it aside" in run.stderr
    assert run.stdout == ""
    assert state.read_bytes() == content


def test_the_sandbox_state_is_made_on_first_use(cli: Cli) -> None:
    run = cli("--sandbox", "show", SAMPLE_ASSET_ID, "-o", "json")

    assert run.code == 0, run.stderr
    assert (cli.state_dir / "sandbox.json").is_file()


# -- where the state file goes -----------------------------------------------------------


def test_a_state_file_whose_folder_is_missing_is_refused(cli: Cli, tmp_path: Path) -> None:
    state = tmp_path / "missing-parent" / "state.json"

    run = cli("emulator", "--port", "0", "--state", str(state), timeout=20)

    line = _one_error(run.code, run.stderr)
    assert str(state.parent) in line
    assert not state.parent.exists()  # not made behind the user's back


def test_a_state_file_that_is_a_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    run = cli("emulator", "--port", "0", "--state", str(tmp_path), timeout=20)

    assert str(tmp_path) in _one_error(run.code, run.stderr)


def test_a_new_state_file_in_an_existing_folder_is_seeded(
    cli: Cli, tmp_path: Path, serving: list[subprocess.Popen[bytes]]
) -> None:
    state = tmp_path / "state.json"

    base_url = _start(cli, serving, "--port", "0", "--state", str(state))

    assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1.3")
    assert json.loads(state.read_text())["format"] == "assetmeta-emulator-state"


# -- the address it serves on ------------------------------------------------------------


def test_a_port_in_use_is_one_line(cli: Cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        run = cli("emulator", "--port", str(port), timeout=20)

    line = _one_error(run.code, run.stderr)
    assert f"port {port} is in use" in line


@pytest.mark.parametrize("port", ["-1", "65536", "70000"])
def test_a_port_out_of_range_is_usage(cli: Cli, port: str) -> None:
    run = cli("emulator", "--port", port, timeout=20)

    assert "--port" in _one_error(run.code, run.stderr)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com", ""])
def test_a_host_that_is_not_loopback_is_refused_in_cli_terms(cli: Cli, host: str) -> None:
    run = cli("emulator", "--host", host, "--port", "0", timeout=20)

    line = _one_error(run.code, run.stderr)
    assert "loopback" in line
    assert "allow_remote" not in run.stderr  # a Python argument means nothing on the CLI


@pytest.mark.parametrize("host", ["localhost", "::1", "127.0.0.2"])
def test_loopback_hosts_serve(cli: Cli, host: str, serving: list[subprocess.Popen[bytes]]) -> None:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, 0))
    except OSError:
        pytest.skip(f"{host} is not available here")

    base_url = _start(cli, serving, "--host", host, "--port", "0")

    assert base_url.startswith("http://") and base_url.endswith("/v1.3")
