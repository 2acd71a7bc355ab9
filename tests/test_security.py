"""Nothing leaked: the API key never shows in any output, log, error or file the tool writes;
it is sent only where it was meant to go (https, or http to loopback; never after a
redirect; never to another path through a crafted id); and it is found, cleaned and
guarded the way CLI.md "Settings" says.

Every run through the `cli` fixture already fails on a traceback or a secret in its output
(conftest.check_output); these tests add the cases that need a particular setup, and grep
the files the tool leaves under the isolated HOME.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from assetmeta.emulator import Emulator, Fault

from .conftest import API_KEY, Cli, Run, stored
from .rawserver import json_answer as _json
from .rawserver import serve, url_of

WRONG_KEY = "tlk_WRONGKEY9876543210zyxwvuPRIVATE"
OTHER_ID = "6848572f3f28f5d866e8f86f"


@pytest.fixture(autouse=True)
def _no_key_left_in_home(cli: Cli) -> Iterator[None]:
    """After every test here: no file under HOME holds the key, but the config file that
    `config set api_key` wrote (mode 0600) on purpose."""
    yield
    leaked = [p for p in files_holding(cli.home, API_KEY) if p != cli.config_file]
    assert leaked == [], leaked


def assert_no_key(run: Run, *keys: str) -> None:
    for key in (API_KEY, *keys):
        assert key not in run.stdout and key not in run.stderr, "a key was printed"


# -- the key in outputs -------------------------------------------------------------------

OUTPUT_RUNS = [
    ["--verbose", "set", "{id}", "owner=lena"],
    ["--debug", "--verbose", "unset", "{id}", "campaign"],
    ["--verbose", "replace", "{id}", "owner=lena"],
    ["--verbose", "replace", "{id}", "owner=lena", "--strategy", "put"],
    ["--verbose", "--debug", "clear", "{id}", "--yes"],
    ["--verbose", "--debug", "show", "{id}", "--asset", "-o", "json"],
    ["--verbose", "export"],
    ["set", "{id}", "owner=lena", "--dry-run"],
    ["-o", "json", "replace", "{id}", "owner=lena", "--dry-run"],
    ["-o", "jsonl", "clear", "{id}", "--dry-run"],
    ["unset", "{id}", "owner", "--dry-run", "--verbose"],
    ["history", "{id}", "-o", "json"],
    ["undo", "{id}", "--dry-run", "--verbose", "--debug"],
    ["--verbose", "undo", "{id}"],
]


@pytest.mark.parametrize("args", OUTPUT_RUNS, ids=[" ".join(a) for a in OUTPUT_RUNS])
def test_key_never_in_verbose_debug_or_dry_run_output(
    args: list[str], emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    assert cli("set", asset_id, "owner=lena", "--verbose").code == 0  # something to undo
    emulator.clear_requests()
    run = cli(*[a.format(id=asset_id) for a in args])
    assert run.code == 0, run.stderr
    assert_no_key(run)
    if "--dry-run" in args:
        assert emulator.requests == []
        assert run.stdout  # the plan was printed (undo prints the metadata it would restore)
    elif "--verbose" in args:
        assert "GET http://127.0.0.1" in run.stderr  # the requests were logged
        assert all(r.api_key == API_KEY for r in emulator.requests)


def test_key_never_in_verbose_retries_and_errors(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=503, count=5, retry_after=0))
    run = cli("--verbose", "--debug", "--retries", "1", "replace", asset_id, "owner=lena")
    assert run.code == 5
    assert "retry 1" in run.stderr
    assert_no_key(run)


@pytest.mark.parametrize("how", ["env", "flag"])
@pytest.mark.parametrize("extra", [[], ["--verbose", "--debug"]])
def test_a_wrong_key_gets_401_exit_3_and_neither_key_is_printed(
    how: str, extra: list[str], emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    cli.secrets.add(WRONG_KEY)
    if how == "env":
        run = cli(*extra, "set", asset_id, "owner=lena", env={"TWELVE_LABS_API_KEY": WRONG_KEY})
    else:
        run = cli(*extra, "set", asset_id, "owner=lena", "--api-key", WRONG_KEY)
    assert run.code == 3
    assert "401" in run.stderr
    assert_no_key(run, WRONG_KEY)
    assert [r.status for r in emulator.requests] == [401]
    assert emulator.requests[0].api_key == WRONG_KEY


def test_a_key_echoed_back_by_the_server_is_not_printed(cli: Cli, asset_id: str) -> None:
    def echo(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        key = handler.headers.get("x-api-key", "")
        return _json(401, {"code": "api_key_invalid", "message": f"The key {key} is not valid"})

    with serve(echo) as server:
        for args in (["show", asset_id], ["--verbose", "set", asset_id, "owner=lena"]):
            run = cli(*args, "--base-url", url_of(server) + "/v1.3")
            assert run.code == 3
            assert "is not valid" in run.stderr
            assert_no_key(run)
        assert server.seen and all(h.get("x-api-key") == API_KEY for _, _, h in server.seen)

    # A replace that fails midway quotes both failures in its one message.
    def echo_writes(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        if handler.command == "GET":
            return _json(200, {"_id": asset_id, "user_metadata": {"campaign": "x"}})
        key = handler.headers.get("x-api-key", "")
        return _json(500, {"code": "internal", "message": f"failed for key {key}"})

    with serve(echo_writes) as server:
        run = cli(
            "--retries",
            "1",
            "replace",
            asset_id,
            "owner=lena",
            "--base-url",
            url_of(server) + "/v1.3",
        )
        assert run.code == 5
        assert "restoring the previous metadata failed too" in run.stderr
        assert f"failed for key …{API_KEY[-4:]}" in run.stderr
        assert_no_key(run)


def test_an_id_that_is_the_key_is_masked_in_the_verbose_log(cli: Cli, emulator: Emulator) -> None:
    """Arguments swapped by mistake: the key, a valid-looking id, must not reach the log."""
    run = cli("--verbose", "show", API_KEY)
    assert run.code == 4
    assert f"GET {emulator.base_url}/assets/…{API_KEY[-4:]} -> 404" in run.stderr
    assert_no_key(run)


@pytest.mark.parametrize(
    "bad_key",
    [
        "tlk_SECRETabc\ndef0123456789",
        "tlk_SECRETabc\rdef0123456789",
        "tlk_SECRETabc\tdef0123456789",
        "tlk_SECRETabcü0123456789",
    ],
    ids=["newline", "carriage-return", "tab", "non-ascii"],
)
def test_a_key_that_cannot_be_a_header_is_refused_unprinted_before_sending(
    bad_key: str, emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    run = cli("--debug", "show", asset_id, env={"TWELVE_LABS_API_KEY": bad_key})
    assert run.code == 3
    assert "TWELVE_LABS_API_KEY" in run.stderr
    for fragment in bad_key.split():
        assert fragment not in run.stderr
    for part in ("tlk_SECRETabc", "def0123456789", "0123456789"):
        assert part not in run.stderr
    assert emulator.requests == []


def test_config_list_and_get_show_the_key_as_last4(cli: Cli) -> None:
    run = cli("config", "set", "api_key", "-", stdin=API_KEY + "\n")
    assert run.code == 0, run.stderr
    assert_no_key(run)
    get = cli("config", "get", "api_key")
    assert get.code == 0
    assert get.stdout.strip() == "…" + API_KEY[-4:]
    for fmt in ("table", "json", "jsonl", "tsv"):
        listed = cli("config", "list", "-o", fmt)
        assert listed.code == 0
        assert "…" + API_KEY[-4:] in listed.stdout
        assert_no_key(listed)


def test_config_set_writes_the_file_0600_and_an_open_file_makes_commands_warn(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    run = cli("config", "set", "api_key", API_KEY)
    assert run.code == 0
    assert "shell history" in run.stderr
    path = cli.config_file
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert API_KEY in path.read_text("utf-8")  # where it belongs

    # The key from the config file works.
    assert cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None}).code == 0

    path.chmod(0o644)
    for args in (
        ["show", asset_id],
        ["set", asset_id, "owner=lena"],
        ["config", "list"],
        ["config", "get", "api_key"],
    ):
        run = cli(*args, env={"TWELVE_LABS_API_KEY": None})
        assert run.code == 0, run.stderr
        assert "readable by others" in run.stderr
        assert str(path) in run.stderr
        assert_no_key(run)

    # Writing it again narrows it back.
    assert cli("config", "set", "retries", "1").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_api_key_flag_warns_about_shell_history(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    run = cli("show", asset_id, "--api-key", API_KEY, env={"TWELVE_LABS_API_KEY": None})
    assert run.code == 0
    assert "shell history" in run.stderr
    assert emulator.requests[-1].api_key == API_KEY


# -- where the key comes from -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [f" {API_KEY}\r\n", f"\t{API_KEY} ", f"{API_KEY}\n"],
    ids=["space-crlf", "tab-space", "newline"],
)
def test_the_key_is_stripped_of_surrounding_white_space(
    raw: str, emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": raw})
    assert run.code == 0, run.stderr
    assert [r.api_key for r in emulator.requests] == [API_KEY]


def test_a_key_from_a_crlf_dotenv_and_a_padded_config_is_stripped(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    (cli.cwd / ".env").write_bytes(f"TWELVE_LABS_API_KEY={API_KEY} \r\n".encode())
    assert cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None}).code == 0
    (cli.cwd / ".env").unlink()
    assert cli("config", "set", "api_key", "-", stdin=f"  {API_KEY}\r\n").code == 0
    assert cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None}).code == 0
    assert [r.api_key for r in emulator.requests] == [API_KEY, API_KEY]


def test_dotenv_in_the_working_directory_is_read_and_the_environment_wins(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    cli.secrets.add(WRONG_KEY)
    dotenv = cli.cwd / ".env"
    dotenv.write_text(f"TWELVE_LABS_API_KEY={API_KEY}\n", encoding="utf-8")
    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None})
    assert run.code == 0, run.stderr
    assert emulator.requests[-1].api_key == API_KEY

    # The real environment wins over .env, whichever of the two holds the right key.
    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": WRONG_KEY})
    assert run.code == 3
    assert emulator.requests[-1].api_key == WRONG_KEY
    dotenv.write_text(f"TWELVE_LABS_API_KEY={WRONG_KEY}\n", encoding="utf-8")
    run = cli("show", asset_id)
    assert run.code == 0, run.stderr
    assert emulator.requests[-1].api_key == API_KEY
    assert_no_key(run, WRONG_KEY)


def test_a_missing_key_exits_3_naming_every_place_it_looked(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    run = cli("set", asset_id, "owner=lena", env={"TWELVE_LABS_API_KEY": None})
    assert run.code == 3
    for place in ("TWELVE_LABS_API_KEY", "--api-key", str(cli.cwd / ".env"), str(cli.config_file)):
        assert place in run.stderr, place
    assert emulator.requests == []


# -- where the key goes ---------------------------------------------------------------


REDIRECTED = [
    ("every", ["show", "{id}"]),
    ("every", ["set", "{id}", "owner=lena"]),
    ("writes", ["set", "{id}", "owner=lena"]),
    ("writes", ["replace", "{id}", "owner=lena"]),
    ("writes", ["replace", "{id}", "owner=lena", "--strategy", "put"]),
    ("writes", ["clear", "{id}", "--yes"]),
]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize(
    ("which", "args"), REDIRECTED, ids=[f"{w}-{' '.join(a[:1] + a[3:])}" for w, a in REDIRECTED]
)
def test_a_redirect_is_not_followed_and_the_key_stays_put(
    status: int, which: str, args: list[str], cli: Cli, asset_id: str
) -> None:
    asset = {"_id": asset_id, "user_metadata": {"campaign": "x"}}

    def recorded(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
        return _json(200, asset)

    with serve(recorded) as target:

        def redirect(handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
            if which == "writes" and handler.command == "GET":
                return _json(200, asset)
            return status, [("Location", url_of(target) + handler.path)], b""

        with serve(redirect) as redirector:
            run = cli(
                "--retries",
                "2",
                *[a.format(id=asset_id) for a in args],
                "--base-url",
                url_of(redirector) + "/v1.3",
            )
    assert run.code not in (0, 2, 3), run.stderr
    assert "redirect" in run.stderr
    assert "not followed" in run.stderr
    redirected = [m for m, _, _ in redirector.seen if which == "every" or m != "GET"]
    # Not retried either (a failed replace's restoring PATCH is a request of its own).
    assert redirected and len(redirected) == len(set(redirected)), redirector.seen
    assert target.seen == []
    assert_no_key(run)


BAD_IDS = [
    "../indexes",
    "a/b",
    "x?y=1",
    "%2e%2e",
    "id#",
    "a b",
    "..",
    "a\\b",
    "ab%2F",
    "",
    "é",
    "a\nb",
]
ID_COMMANDS = [
    ["show", "{id}"],
    ["show", "{ok}", "{id}"],
    ["set", "{id}", "owner=lena"],
    ["set", "{id}", "owner=lena", "--dry-run"],
    ["unset", "{id}", "owner"],
    ["clear", "{id}", "--yes"],
    ["replace", "{id}", "owner=lena"],
    ["replace", "{id}", "owner=lena", "--strategy", "put"],
    ["history", "{id}"],
    ["undo", "{id}"],
]


@pytest.mark.parametrize("command", ID_COMMANDS, ids=[" ".join(c) for c in ID_COMMANDS])
@pytest.mark.parametrize("bad_id", BAD_IDS, ids=[repr(i) for i in BAD_IDS])
def test_ids_that_could_reach_another_path_are_refused_before_any_request(
    bad_id: str, command: list[str], emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    args = [a.format(id=bad_id, ok=asset_id) for a in command]
    before = stored(emulator, asset_id)
    run = cli(*args)
    assert run.code == 2, run.stderr
    assert run.stderr.startswith("error: ")
    assert emulator.requests == []
    assert stored(emulator, asset_id) == before


def test_a_bad_id_in_an_ids_file_never_reaches_the_platform(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    ids_file = cli.cwd / "ids.txt"
    # ('#' starts a comment in an ids file, so "id#" there is the id "id".)
    bad = [i for i in BAD_IDS[:7] if "#" not in i]
    ids_file.write_text("\n".join([asset_id, *bad, OTHER_ID]) + "\n", encoding="utf-8")
    run = cli("set", "--ids-from", str(ids_file), "owner=lena")
    assert run.code != 0
    paths = {r.path for r in emulator.requests}
    assert paths <= {
        f"/v1.3/assets/{i}{suffix}"
        for i in (asset_id, OTHER_ID)
        for suffix in ("", "/user-metadata")
    }
    assert stored(emulator, asset_id)["owner"] == "lena"
    assert stored(emulator, OTHER_ID)["owner"] == "lena"


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com/v1.3",
        "http://10.1.2.3:8080/v1.3",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com/v1.3",
        "http://[2001:db8::1]/v1.3",
    ],
)
@pytest.mark.parametrize("where", ["flag", "env"])
def test_plain_http_to_a_host_that_is_not_loopback_is_refused(
    base_url: str, where: str, cli: Cli, asset_id: str
) -> None:
    flag = ["--base-url", base_url] if where == "flag" else []
    env: dict[str, str | None] = {} if where == "flag" else {"TWELVELABS_BASE_URL": base_url}
    for args in (["show", asset_id], ["set", asset_id, "owner=lena", "--dry-run"]):
        run = cli(*args, *flag, env=env)
        assert run.code == 2, run.stderr
        assert "http" in run.stderr
    # Allowed when asked for (a dry run: nothing goes out to that host here).
    run = cli("set", asset_id, "owner=lena", "--dry-run", "--insecure-http", *flag, env=env)
    assert run.code == 0, run.stderr
    assert f"PATCH {base_url.rstrip('/')}/assets/{asset_id}/user-metadata" in run.stdout
    assert_no_key(run)


@pytest.mark.parametrize(
    "base_url",
    [
        "https://example.com/v1.3",
        "http://localhost:9/v1.3",
        "http://[::1]:9/v1.3",
        "http://127.0.0.2:9/v1.3",
    ],
)
def test_https_anywhere_and_http_to_loopback_are_accepted(base_url: str, cli: Cli) -> None:
    run = cli("set", OTHER_ID, "owner=lena", "--dry-run", "--base-url", base_url)
    assert run.code == 0, run.stderr


# -- the files the tool leaves behind ---------------------------------------------------


def files_holding(root: Path, secret: str) -> list[Path]:
    needle = secret.encode()
    return [p for p in sorted(root.rglob("*")) if p.is_file() and needle in p.read_bytes()]


def test_no_file_under_home_holds_the_key_after_a_full_cycle(
    emulator: Emulator, cli: Cli, asset_id: str
) -> None:
    steps = [
        ["set", asset_id, "owner=lena", "count=3"],
        ["unset", asset_id, "count"],
        ["replace", asset_id, "title=Final cut"],
        ["replace", asset_id, "title=Put", "--strategy", "put"],
        ["clear", asset_id, "--yes"],
        ["undo", asset_id],
        ["history", asset_id],
        ["--verbose", "show", asset_id],
    ]
    for step in steps:
        run = cli(*step)
        assert run.code == 0, (step, run.stderr)
    # A failed replace, rolled back, and one whose restore failed too: journaled as well.
    emulator.faults.add(Fault(method="PATCH", status=500, count=1))
    assert cli("replace", asset_id, "a=1").code == 5
    emulator.faults.add(Fault(method="PATCH", status=500, count=2))
    assert cli("replace", asset_id, "a=2").code == 5
    assert cli("undo", asset_id).code == 0

    journal = cli.state_dir / "journal.jsonl"
    assert journal.is_file() and len(journal.read_text("utf-8").splitlines()) > 10
    written = [p for p in cli.home.rglob("*") if p.is_file()]
    assert journal in written
    assert files_holding(cli.home, API_KEY) == []
    assert files_holding(cli.home, API_KEY[-12:]) == []


def test_the_sandbox_leaves_no_key_either(cli: Cli, asset_id: str) -> None:
    for step in (
        ["set", asset_id, "owner=lena"],
        ["replace", asset_id, "a=1"],
        ["clear", asset_id, "--yes"],
        ["undo", asset_id],
    ):
        run = cli("--sandbox", *step)
        assert run.code == 0, (step, run.stderr)
    assert (cli.state_dir / "sandbox.json").is_file()
    assert files_holding(cli.home, API_KEY) == []


@pytest.mark.parametrize(
    "args",
    [
        ["set", API_KEY, "k=1"],
        ["set", API_KEY, "k=1", "--no-journal", "-o", "json"],
        ["set", API_KEY, OTHER_ID, "k=1", "-o", "jsonl"],
        ["show", API_KEY, OTHER_ID],
        ["unset", API_KEY, "k"],
        ["clear", API_KEY, "--yes"],
        ["replace", API_KEY, "k=1", "--dry-run"],
        ["history", API_KEY],
        ["undo", API_KEY],
        ["show", " " + API_KEY],
    ],
    ids=lambda args: "-".join(a.strip("-") for a in args if a != API_KEY)[:40],
)
def test_the_key_typed_where_an_id_goes_is_masked_everywhere(
    cli: Cli, emulator: Emulator, args: list[str]
) -> None:
    """Arguments swapped by mistake: whatever prints the id (an error line, a record, a
    dry run's URL, the summary, history's message) prints …last4 instead."""
    run = cli(*args)
    assert_no_key(run)
    assert f"…{API_KEY[-4:]}" in run.stdout + run.stderr
