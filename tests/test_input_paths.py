"""Paths given to read (--ids-from, apply FILE, -f, --env-file): anything readable that is
not a folder, as a shell hands them over (FIFOs, `<(...)`, /dev/null), and a clear error for
a missing path or a folder, before anything is sent."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator

from .cli_support import fifo
from .conftest import API_KEY, Cli, stored
from .test_batch import make_assets


def _line(asset_id: str, metadata: object) -> str:
    return json.dumps({"asset_id": asset_id, "user_metadata": metadata}) + "\n"


def test_ids_from_a_fifo(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 2)
    with fifo(tmp_path / "ids", "\n".join(ids) + "\n") as path:
        run = cli("set", "--ids-from", str(path), "k=v")
    assert run.code == 0, run.stderr
    assert [stored(emulator, i) for i in ids] == [{"k": "v"}, {"k": "v"}]


def test_apply_from_a_fifo_streams_like_stdin(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 3, metadata={"keep": 1})
    lines = _line(ids[0], {"a": 1}) + "oops\n" + _line(ids[2], {"a": 3})
    with fifo(tmp_path / "lines", lines) as path:
        run = cli("apply", str(path))
    # A pipe can be read once: a bad line fails alone, as it does on standard input.
    assert run.code == 6, run.stderr
    assert f"{path} line 2" in run.stderr
    assert [stored(emulator, i) for i in ids] == [
        {"keep": 1, "a": 1},
        {"keep": 1},
        {"keep": 1, "a": 3},
    ]


def test_from_file_a_fifo(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 1)
    with fifo(tmp_path / "meta", '{"k": 1}') as path:
        run = cli("set", ids[0], "-f", str(path))
    assert run.code == 0, run.stderr
    assert stored(emulator, ids[0]) == {"k": 1}


def test_env_file_a_fifo_and_dev_null(cli: Cli, emulator: Emulator, tmp_path: Path) -> None:
    ids = make_assets(emulator, 1)
    with fifo(tmp_path / "env", f"TWELVE_LABS_API_KEY={API_KEY}\n") as path:
        run = cli("show", ids[0], "--env-file", str(path), env={"TWELVE_LABS_API_KEY": None})
    assert run.code == 0, run.stderr
    assert cli("show", ids[0], "--env-file", "/dev/null").code == 0


def test_an_env_file_fifo_is_read_once_even_when_a_setting_in_it_is_bad(
    cli: Cli, emulator: Emulator, tmp_path: Path
) -> None:
    """A pipe can be read only once: settings are resolved once per run, so a bad value in
    it is reported, not waited on by a second read."""
    ids = make_assets(emulator, 1)
    with fifo(tmp_path / "env", "ASSETMETA_CONCURRENCY=x\n") as path:
        run = cli("show", ids[0], "--env-file", str(path), timeout=20)
    assert run.code == 2, run.stderr
    assert "ASSETMETA_CONCURRENCY=x" in run.stderr
    assert emulator.requests == []


def test_ids_from_dev_null_is_no_ids(cli: Cli, emulator: Emulator) -> None:
    run = cli("set", "--ids-from", "/dev/null", "k=v")
    assert "no such file" not in run.stderr
    assert emulator.requests == []


OPTIONS = [
    pytest.param(["set", "--ids-from", "PATH", "k=v"], "--ids-from PATH", id="ids-from"),
    pytest.param(["apply", "PATH"], "apply PATH", id="apply"),
    pytest.param(["set", "0" * 24, "-f", "PATH"], "--from-file PATH", id="from-file"),
    pytest.param(["show", "0" * 24, "--env-file", "PATH"], "--env-file PATH", id="env-file"),
]


@pytest.mark.parametrize(("argv", "named"), OPTIONS)
@pytest.mark.parametrize(
    ("kind", "reason"), [("missing", "no such file"), ("dir", "is a directory")]
)
def test_a_missing_path_or_a_folder_is_refused(
    cli: Cli,
    emulator: Emulator,
    tmp_path: Path,
    argv: list[str],
    named: str,
    kind: str,
    reason: str,
) -> None:
    path = tmp_path / kind
    if kind == "dir":
        path.mkdir()
    run = cli(*[str(path) if arg == "PATH" else arg for arg in argv])
    assert run.code == 2, run.stderr
    assert run.stderr.splitlines()[0] == f"error: {named.replace('PATH', str(path))}: {reason}"
    assert emulator.requests == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(...)")
def test_process_substitution_as_a_shell_gives_it(cli: Cli, emulator: Emulator) -> None:
    ids = make_assets(emulator, 2)
    script = (
        f'"$PYTHON" -m assetmeta set --ids-from <(echo {ids[0]}) k=v'
        f" && \"$PYTHON\" -m assetmeta apply <(echo '{_line(ids[1], {'a': 1}).strip()}')"
    )
    proc = subprocess.run(
        ["bash", "-c", script],
        env={**cli.env, "PYTHON": sys.executable},
        cwd=cli.cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert [stored(emulator, i) for i in ids] == [{"k": "v"}, {"a": 1}]
