"""The suite runs the real CLI, as a subprocess, over real HTTP against the emulator, with an
isolated HOME, config and state folder. Every run's output is checked for the API key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator

API_KEY = "tlk_TESTKEY0123456789abcdefSECRET"
ROOT = Path(__file__).resolve().parent.parent
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout


class Cli:
    """Runs `python -m assetmeta` with a clean environment pointing at the emulator."""

    def __init__(self, home: Path, base_url: str | None) -> None:
        self.home = home
        self.cwd = home / "work"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.env: dict[str, str] = {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "NO_COLOR": "1",
            "TWELVE_LABS_API_KEY": API_KEY,
            "ASSETMETA_RETRIES": "0",
        }
        if base_url is not None:
            self.env["TWELVELABS_BASE_URL"] = base_url
        self.secrets = {API_KEY}

    @property
    def state_dir(self) -> Path:
        return self.home / ".local" / "state" / "assetmeta"

    @property
    def config_file(self) -> Path:
        return self.home / ".config" / "assetmeta" / "config.toml"

    def start(self, *args: str, **popen: Any) -> subprocess.Popen[bytes]:
        """The CLI as a process the test drives itself (signals, a pipe it closes early),
        with stdout and stderr piped and no standard input."""
        return subprocess.Popen(
            [sys.executable, "-m", "assetmeta", *args],
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **popen,
        )

    def __call__(
        self,
        *args: str,
        stdin: str | bytes | None = None,
        env: dict[str, str | None] | None = None,
        timeout: float = 60,
    ) -> Run:
        full_env = dict(self.env)
        for name, value in (env or {}).items():
            if value is None:
                full_env.pop(name, None)
            else:
                full_env[name] = value
        data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        proc = subprocess.run(
            [sys.executable, "-m", "assetmeta", *args],
            input=data if data is not None else b"",
            capture_output=True,
            env=full_env,
            cwd=self.cwd,
            timeout=timeout,
        )
        run = Run(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )
        check_output(run, self.secrets | {v for k, v in full_env.items() if "KEY" in k and v})
        return run


def assert_clean(*streams: str) -> None:
    """For a process a test started itself: no traceback, and not the suite's key."""
    for stream in streams:
        check_output(Run(0, stream, ""), {API_KEY})


def check_output(run: Run, secrets: set[str]) -> None:
    """What every run must honour: no traceback, no secret, whatever it was asked."""
    for stream in (run.stdout, run.stderr):
        assert TRACEBACK not in stream, stream
        for secret in secrets:
            if len(secret) >= 8:
                assert secret not in stream, "a secret was printed"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY) as emu:
        yield emu


@pytest.fixture
def cli(tmp_path: Path, emulator: Emulator) -> Cli:
    return Cli(tmp_path / "home", emulator.base_url)


@pytest.fixture
def asset_id() -> str:
    return SAMPLE_ASSET_ID


def stored(emulator: Emulator, asset_id: str) -> dict[str, Any]:
    """The metadata the emulator holds, as the platform would answer it."""
    value = emulator.store.get(asset_id).get("user_metadata")
    return dict(value) if isinstance(value, dict) else {}


def writes(emulator: Emulator) -> list[tuple[str, str, object]]:
    """The requests that change something: method, path, JSON body."""
    return [(r.method, r.path, r.json) for r in emulator.requests if r.method != "GET"]
