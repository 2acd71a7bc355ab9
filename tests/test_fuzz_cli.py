"""Generated command lines through the real CLI (in-process, against the emulator over
HTTP): whatever the input, one documented exit code and never a traceback or the key.

ASSETMETA_FUZZ_EXAMPLES sets the number of command lines (CI runs 10,000)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assetmeta.cli.boundary import run
from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator

from .conftest import API_KEY, TRACEBACK

EXAMPLES = int(os.environ.get("ASSETMETA_FUZZ_EXAMPLES", "500"))
DOCUMENTED = {0, 1, 2, 3, 4, 5, 6}

words = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12)
ids = st.one_of(st.just(SAMPLE_ASSET_ID), st.just("ffffffffffffffffffffffff"),
                st.sampled_from(["../indexes", "a/b", "x?y=1", "%2e%2e", "id#", ""]), words)
values = st.one_of(words, st.integers().map(str), st.floats().map(repr),
                   st.sampled_from(["true", "007", "1.10", "NaN", "[1]", '"s"', "null", "{}"]))
items = st.builds(lambda k, sep, v: f"{k}{sep}{v}", st.one_of(words, st.just("k")),
                  st.sampled_from(["=", ":="]), values)
flags = st.sampled_from([
    ["--dry-run"], ["--no-infer"], ["--stringify"], ["-o", "json"], ["-o", "jsonl"], ["-o", "tsv"],
    ["-o", "table"], ["-o", "xml"], ["--quiet"], ["--verbose"], ["--no-journal"], ["--yes"],
    ["--strict"], ["--asset"], ["--key", "rating"], ["--key"], ["--strategy", "put"],
    ["--strategy", "nope"], ["--retries", "0"], ["--retries", "-1"], ["--timeout", "x"],
    ["--concurrency", "0"], ["-f", "-"], ["--ids-from", "-"], ["--bogus"], ["--profile", "p"],
])
commands = st.sampled_from(["set", "unset", "clear", "replace", "show", "history", "undo",
                            "export", "apply", "config", "nope", ""])


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], bytes]:
    argv = [draw(commands)]
    argv += draw(st.lists(ids, max_size=3))
    argv += draw(st.lists(items, max_size=4))
    for flag in draw(st.lists(flags, max_size=3)):
        argv += flag
    stdin = draw(st.one_of(st.just(b""), st.binary(max_size=40),
                           st.just(b'{"a": 1}'), st.just(SAMPLE_ASSET_ID.encode())))
    return [a for a in argv if a != "" or draw(st.booleans())], stdin


@pytest.fixture(scope="module")
def live() -> Iterator[Emulator]:
    with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@contextlib.contextmanager
def isolated(tmp: str, base_url: str, stdin: bytes) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    env = {"HOME": tmp, "XDG_CONFIG_HOME": f"{tmp}/cfg", "XDG_STATE_HOME": f"{tmp}/state",
           "TWELVE_LABS_API_KEY": API_KEY, "TWELVELABS_BASE_URL": base_url,
           "ASSETMETA_RETRIES": "0", "NO_COLOR": "1"}
    saved_env = dict(os.environ)
    saved_stdin = sys.stdin
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield out, err
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(line=command_lines())
def test_any_command_line_ends_cleanly(live: Emulator, tmp_path_factory: pytest.TempPathFactory,
                                       line: tuple[list[str], bytes]) -> None:
    argv, stdin = line
    tmp = str(tmp_path_factory.getbasetemp() / "fuzz")
    with isolated(tmp, live.base_url, stdin) as (out, err):
        try:
            code = run(argv)
        except SystemExit as exc:  # click's own exits (completion, --help) are clean too
            code = exc.code if isinstance(exc.code, int) else 0
    for stream in (out.getvalue(), err.getvalue()):
        assert TRACEBACK not in stream, (argv, stream)
        assert API_KEY not in stream
        assert "error: internal error" not in stream, (argv, stream)
    assert code in DOCUMENTED, (argv, code, err.getvalue())
    if code != 0:
        assert err.getvalue().strip(), (argv, "a failure must say why")
    live.store.reset()
