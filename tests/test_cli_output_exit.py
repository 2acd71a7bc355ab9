"""Global behaviour, end to end: exit codes for every kind of failure, retries as the
server saw them, the base URL's safety, global options on either side of the subcommand,
--quiet, --verbose, --version and --help."""

from __future__ import annotations

import re
import time

import pytest

from assetmeta import __version__
from assetmeta.emulator import Emulator, Fault

from .cli_support import SAMPLE_METADATA, UNKNOWN_ID, asset_path, calls, metadata_path
from .conftest import API_KEY, Cli, stored

# -- exit codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "args", "code", "requests"),
    [
        ([Fault(method="GET", status=503, count=9)], ["show", "ID"], 5, 1),
        ([Fault(method="GET", status=500, count=9)], ["show", "ID"], 5, 1),
        ([Fault(method="GET", status=502, count=9, body="<html>Bad Gateway</html>")],
         ["show", "ID"], 5, 1),
        ([Fault(method="GET", status=429, count=9)], ["show", "ID"], 5, 1),
        ([Fault(method="GET", drop=True, count=9)], ["show", "ID"], 5, 1),
        ([Fault(method="PATCH", status=503, count=9)], ["set", "ID", "a=1", "--no-journal"], 5, 1),
        ([Fault(method="PATCH", drop=True, count=9)], ["set", "ID", "a=1", "--no-journal"], 5, 1),
        ([Fault(method="GET", status=403, count=9)], ["show", "ID"], 3, 1),
        ([], ["show", UNKNOWN_ID], 4, 1),
        ([], ["set", UNKNOWN_ID, "a=1"], 4, 1),
        ([], ["unset", UNKNOWN_ID, "a", "--no-journal"], 4, 1),
        ([], ["clear", UNKNOWN_ID, "--yes"], 4, 1),
        ([], ["replace", UNKNOWN_ID, "a=1"], 4, 1),
    ],
    ids=[
        "503", "500", "502-html", "429", "dropped", "patch-503", "patch-dropped", "403",
        "show-404", "set-404", "unset-404", "clear-404", "replace-404",
    ],
)  # fmt: skip
def test_failures_map_to_their_exit_code_after_exactly_one_attempt(
    cli: Cli,
    emulator: Emulator,
    asset_id: str,
    faults: list[Fault],
    args: list[str],
    code: int,
    requests: int,
) -> None:
    for fault in faults:
        emulator.faults.add(fault)

    run = cli(*[asset_id if arg == "ID" else arg for arg in args], "--retries", "0")

    assert run.code == code, run.stderr
    assert len(emulator.requests) == requests
    assert run.stdout == ""
    assert run.stderr.startswith("error: ")
    assert stored(emulator, asset_id) == SAMPLE_METADATA


def test_a_timeout_exits_5(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    emulator.faults.add(Fault(method="GET", status=200, delay=1.0, count=1))

    run = cli("show", asset_id, "--timeout", "0.2", "--retries", "0")

    assert run.code == 5
    assert run.stdout == ""
    assert "timed out" in run.stderr


def test_a_refused_connection_exits_5(cli: Cli, asset_id: str) -> None:
    with Emulator(api_key=API_KEY) as gone:
        closed = gone.base_url  # a loopback port nobody listens on once it stops

    run = cli("show", asset_id, "--base-url", closed)

    assert run.code == 5
    assert run.stdout == ""
    assert "could not connect" in run.stderr


def test_no_api_key_exits_3_naming_every_place_looked(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None})

    assert run.code == 3
    assert emulator.requests == []
    assert run.stdout == ""
    for place in (
        "--api-key",
        "$TWELVE_LABS_API_KEY",
        "$ASSETMETA_API_KEY",
        str(cli.cwd / ".env"),
        str(cli.config_file),
    ):
        assert place in run.stderr


def test_a_wrong_key_exits_3(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    wrong = "tlk_WRONGKEY_not_the_right_one"

    run = cli("set", asset_id, "a=1", env={"TWELVE_LABS_API_KEY": wrong})

    assert run.code == 3
    assert [(r.method, r.status) for r in emulator.requests] == [("GET", 401)]
    assert "401" in run.stderr
    assert wrong not in run.stdout + run.stderr
    assert stored(emulator, asset_id) == SAMPLE_METADATA


def test_a_key_with_surrounding_white_space_is_stripped(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": f"  {API_KEY}\r\n"})

    assert run.code == 0, run.stderr
    assert [r.api_key for r in emulator.requests] == [API_KEY]


def test_a_transient_503_is_retried_and_succeeds(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=503, count=1, retry_after=0))

    run = cli("set", asset_id, "a=1", "--retries", "1", "--no-journal")

    assert run.code == 0, run.stderr
    body = {"user_metadata": {"a": 1}}
    assert [(r.method, r.path, r.json, r.status) for r in emulator.requests] == [
        ("PATCH", metadata_path(asset_id), body, 503),
        ("PATCH", metadata_path(asset_id), body, 204),
    ]
    assert stored(emulator, asset_id)["a"] == 1


def test_retries_are_counted_after_the_first_attempt(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="GET", status=503, count=9, retry_after=0))

    run = cli("show", asset_id, "--retries", "2")

    assert run.code == 5
    assert len(emulator.requests) == 3
    assert "after 2 retries" in run.stderr


def test_retry_after_of_a_429_is_honoured(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    # Without Retry-After the first retry would wait at most 0.625 s (0.5 s with jitter).
    wait = 1.5
    emulator.faults.add(Fault(method="GET", status=429, count=1, retry_after=wait))

    started = time.monotonic()
    run = cli("show", asset_id, "--retries", "1")
    elapsed = time.monotonic() - started

    assert run.code == 0, run.stderr
    assert [r.status for r in emulator.requests] == [429, 200]
    assert elapsed >= wait
    assert run.stdout.strip().startswith("{")


@pytest.mark.parametrize(
    "args",
    [
        ["show", "ID", "--bogus"],
        ["--bogus", "show", "ID"],
        ["set", "ID", "a=1", "--frobnicate"],
        ["show", "ID", "-o", "xml"],
        ["show", "ID", "--retries", "many"],
        ["nosuchcommand"],
    ],
)
def test_bad_usage_exits_2_and_sends_nothing(
    cli: Cli, emulator: Emulator, asset_id: str, args: list[str]
) -> None:
    run = cli(*[asset_id if arg == "ID" else arg for arg in args])

    assert run.code == 2
    assert emulator.requests == []
    assert run.stdout == ""
    assert run.stderr.startswith("error: ")


# -- where the key may go --------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [["--base-url", "http://example.com/v1.3"], ["--base-url", "http://10.1.2.3:8080/v1.3"]],
)
def test_plain_http_to_a_remote_host_is_refused(
    cli: Cli, emulator: Emulator, asset_id: str, where: list[str]
) -> None:
    run = cli("show", asset_id, *where)

    assert run.code == 2
    assert emulator.requests == []
    assert "--insecure-http" in run.stderr


def test_plain_http_from_the_environment_is_refused_too(cli: Cli, asset_id: str) -> None:
    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": "http://example.com/v1.3"})

    assert run.code == 2
    assert "refusing to send the API key over plain http" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--base-url", "http://example.com/v1.3", "--insecure-http"],
        ["--base-url", "https://api.example.com/v1.3"],
    ],
    ids=["insecure-http", "https"],
)
def test_allowed_base_urls_are_used(cli: Cli, asset_id: str, args: list[str]) -> None:
    # A dry run shows the URL that would be used without any network.
    run = cli("set", asset_id, "a=1", "--dry-run", *args)

    assert run.code == 0, run.stderr
    base = args[1]
    assert run.stdout.splitlines()[:2] == [
        f"GET {base}/assets/{asset_id}",
        f"PATCH {base}/assets/{asset_id}/user-metadata",
    ]


# -- global options on either side of the subcommand ---------------------------------------


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_global_options_work_before_and_after_the_subcommand(
    cli: Cli, emulator: Emulator, asset_id: str, before: bool
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=503, count=1, retry_after=0))
    options = ["--no-journal", "--retries", "1", "-o", "jsonl", "--base-url", emulator.base_url]
    command = ["set", asset_id, "a=1"]

    run = cli(
        *(options + command if before else command + options),
        env={"TWELVELABS_BASE_URL": "https://unused.invalid/v1.3", "ASSETMETA_RETRIES": "0"},
    )

    assert run.code == 0, run.stderr
    assert [(r.method, r.status) for r in emulator.requests] == [("PATCH", 503), ("PATCH", 204)]
    assert run.stdout.count("\n") == 1
    assert '"asset_id":"' + asset_id in run.stdout


def test_a_command_level_option_wins_over_the_root_one(cli: Cli, asset_id: str) -> None:
    run = cli("-o", "json", "show", asset_id, "-o", "tsv")

    assert run.code == 0, run.stderr
    assert run.stdout.startswith("campaign\tspring-launch\tstring\n")


# -- messages --------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--quiet", "-q"])
def test_quiet_silences_messages(cli: Cli, emulator: Emulator, asset_id: str, flag: str) -> None:
    run = cli(flag, "set", asset_id, "a=1")

    assert run.code == 0
    assert run.stderr == ""
    assert run.stdout == ""
    assert stored(emulator, asset_id)["a"] == 1


def test_quiet_still_reports_errors(cli: Cli, asset_id: str) -> None:
    run = cli("show", UNKNOWN_ID, "--quiet")

    assert run.code == 4
    assert run.stderr.startswith("error: ")


def test_verbose_logs_every_request_without_the_key(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=503, count=1, retry_after=0))

    run = cli("--verbose", "set", asset_id, "a=1", "--retries", "1")

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    base = re.escape(emulator.base_url)
    url = f"{base}/assets/{asset_id}"
    logged = [line for line in run.stderr.splitlines() if " -> " in line]
    patterns = [
        rf"GET {url} -> 200 in \d+ ms \(retry 0\)",
        rf"PATCH {url}/user-metadata -> 503 in \d+ ms \(retry 0\)",
        rf"PATCH {url}/user-metadata -> 204 in \d+ ms \(retry 1\)",
    ]
    assert len(logged) == len(patterns), run.stderr
    for line, pattern in zip(logged, patterns, strict=True):
        assert re.fullmatch(pattern, line), line
    assert API_KEY not in run.stderr and API_KEY[-6:] not in run.stderr
    assert [r.method for r in emulator.requests] == ["GET", "PATCH", "PATCH"]


def test_verbose_keeps_stdout_data_only(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("show", asset_id, "-v")

    assert run.code == 0, run.stderr
    assert calls(emulator) == [("GET", asset_path(asset_id), None)]
    assert " -> 200 in " in run.stderr
    assert " -> " not in run.stdout


def test_version(cli: Cli, emulator: Emulator) -> None:
    run = cli("--version")

    assert run.code == 0
    assert run.stdout == f"assetmeta {__version__}\n"
    assert emulator.requests == []


def test_help_lists_every_exit_code(cli: Cli) -> None:
    run = cli("--help")

    assert run.code == 0
    text = " ".join(run.stdout.split())
    for code, meaning in [
        (0, "success"),
        (1, "other failure"),
        (2, "bad usage"),
        (3, "authentication"),
        (4, "not found"),
        (5, "unavailable"),
        (6, "some"),
        (130, "interrupted"),
    ]:
        assert re.search(rf"\b{code} [^,]*{meaning}", text), (code, meaning)
    for command in ("set", "unset", "clear", "replace", "show"):
        assert re.search(rf"^\s+{command}\s", run.stdout, re.MULTILINE), command
