"""Bad settings fail before anything is sent: one line naming where the value came from,
exit 2, never a traceback. The rules are the same from every source, flags included:
concurrency an integer from 1 to 64, retries an integer of at least 0, timeout a number of
seconds from 0 to 86400 (0 = no timeout; past a day the socket layer overflows)."""

from __future__ import annotations

import json

import httpx
import pytest

from assetmeta import config
from assetmeta.client import Platform
from assetmeta.emulator import Emulator, Fault

from .conftest import Cli

RULES = {
    "concurrency": "must be an integer from 1 to 64",
    "retries": "must be an integer of at least 0",
    "timeout": "must be a number of seconds from 0 to 86400 (0 = no timeout)",
}
BAD_VALUES = [
    ("concurrency", "0"),
    ("concurrency", "-2"),
    ("concurrency", "1.5"),
    ("concurrency", "1e3"),
    ("concurrency", "٣"),
    ("concurrency", "65"),
    ("concurrency", "99999999999999999999"),
    ("concurrency", "1_0"),
    ("retries", "-1"),
    ("retries", "1.5"),
    ("retries", "many"),
    ("retries", "1_0"),
    ("retries", "٣"),
    ("timeout", "-1"),
    ("timeout", "nan"),
    ("timeout", "inf"),
    ("timeout", "-inf"),
    ("timeout", "1e999"),
    ("timeout", "1_0"),
    ("timeout", "86401"),
    ("timeout", "٣"),
    ("timeout", "1e300"),
    # Plain decimal only: no sign, no exponent (1e-400 would be 0, "no timeout").
    ("timeout", "1e2"),
    ("timeout", "1e-400"),
    ("timeout", "+3"),
    ("timeout", "-0"),
    ("retries", "+3"),
    ("concurrency", "+3"),
]


def _one_error(run_stderr: str) -> str:
    lines = run_stderr.splitlines()
    assert lines and lines[0].startswith("error: "), run_stderr
    return lines[0]


def _refused(cli: Cli, emulator: Emulator, run_code: int, stderr: str) -> str:
    assert run_code == 2, stderr
    assert emulator.requests == []
    return _one_error(stderr)


# -- invalid UTF-8 in a settings file ----------------------------------------------------


def test_a_dotenv_that_is_not_utf8_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    dotenv = cli.cwd / ".env"
    dotenv.write_bytes(b"ASSETMETA_RETRIES=1\nNAME=caf\xe9\n")

    run = cli("show", asset_id)

    line = _refused(cli, emulator, run.code, run.stderr)
    assert str(dotenv) in line
    assert "UTF-8" in line


def test_an_env_file_flag_that_is_not_utf8_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    other = cli.home / "ci.env"
    other.write_bytes(b"\xff\xfe\x00")

    run = cli("show", asset_id, "--env-file", str(other))

    assert str(other) in _refused(cli, emulator, run.code, run.stderr)


@pytest.mark.parametrize("command", [["show", "ID"], ["config", "get", "retries"]])
def test_a_config_file_that_is_not_utf8_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str, command: list[str]
) -> None:
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_bytes(b'[default]\nbase_url = "caf\xe9"\n')
    cli.config_file.chmod(0o600)

    run = cli(*[asset_id if part == "ID" else part for part in command])

    line = _refused(cli, emulator, run.code, run.stderr)
    assert str(cli.config_file) in line
    assert "not UTF-8" in line


# -- numbers: the same rules from every source -------------------------------------------


@pytest.mark.parametrize(("key", "bad"), [*BAD_VALUES, ("timeout", ""), ("retries", " ")])
def test_config_set_refuses_a_bad_number(cli: Cli, emulator: Emulator, key: str, bad: str) -> None:
    run = cli("config", "set", key, bad)

    line = _refused(cli, emulator, run.code, run.stderr)
    assert key in line and RULES[key] in line
    assert not cli.config_file.exists()


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_a_bad_number_from_the_environment_names_the_variable(
    cli: Cli, emulator: Emulator, asset_id: str, key: str, bad: str
) -> None:
    name = f"ASSETMETA_{key.upper()}"

    run = cli("show", asset_id, env={name: bad})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert f"{name}={bad} (environment)" in line
    assert RULES[key] in line


def test_the_message_the_brief_asks_for(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    run = cli("show", asset_id, env={"ASSETMETA_CONCURRENCY": "0"})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == "error: ASSETMETA_CONCURRENCY=0 (environment): must be an integer from 1 to 64"


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_a_bad_number_from_dotenv_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str, key: str, bad: str
) -> None:
    name = f"ASSETMETA_{key.upper()}"
    (cli.cwd / ".env").write_text(f"{name}={bad}\n", encoding="utf-8")

    run = cli("show", asset_id, env={name: None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert f"{name}={bad} ({cli.cwd / '.env'})" in line
    assert RULES[key] in line


@pytest.mark.parametrize(
    ("key", "toml"),
    [
        ("concurrency", "0"),
        ("concurrency", "2.0"),
        ("concurrency", '"two"'),
        ("concurrency", "true"),
        ("retries", "-1"),
        ("retries", "1.5"),
        ("timeout", "nan"),
        ("timeout", "inf"),
        ("timeout", "-0.5"),
        ("timeout", "false"),
    ],
)
def test_a_bad_number_in_the_config_file_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str, key: str, toml: str
) -> None:
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_text(f"[default]\n{key} = {toml}\n", encoding="utf-8")
    cli.config_file.chmod(0o600)

    run = cli("show", asset_id, env={f"ASSETMETA_{key.upper()}": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert f"{key}=" in line and f"({cli.config_file} [default])" in line
    assert RULES[key] in line


def test_the_config_file_error_names_the_profile_it_came_from(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    config.save(cli.config_file, {"default": {"retries": 1}, "ci": {"retries": -1}})

    run = cli("show", asset_id, "--profile", "ci", env={"ASSETMETA_RETRIES": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert f"retries=-1 ({cli.config_file} [ci])" in line


@pytest.mark.parametrize(("key", "bad"), BAD_VALUES)
def test_a_bad_number_from_a_flag_gets_the_same_check(
    cli: Cli, emulator: Emulator, asset_id: str, key: str, bad: str
) -> None:
    # The flags once went through click's int and float, which take `1_0`, `٣` and any size.
    run = cli("show", asset_id, f"--{key}={bad}")

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: --{key} {bad}: {RULES[key]}"


def test_a_bad_number_flag_before_the_command_gets_the_same_check(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("--retries", "1_0", "show", asset_id)

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: --retries 1_0: {RULES['retries']}"


@pytest.mark.parametrize(
    ("key", "text", "stored"),
    [
        ("concurrency", "1", 1),
        ("concurrency", " 16 ", 16),
        ("concurrency", "64", 64),
        ("retries", "0", 0),
        ("timeout", "0", 0.0),
        ("timeout", "2.5", 2.5),
        ("timeout", "86400", 86400.0),
    ],
)
def test_config_set_accepts_good_numbers(cli: Cli, key: str, text: str, stored: object) -> None:
    assert cli("config", "set", key, text).code == 0
    assert config.load(cli.config_file)["default"][key] == stored


def test_good_numbers_from_every_source_are_used(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    (cli.cwd / ".env").write_text("ASSETMETA_CONCURRENCY=1\n", encoding="utf-8")
    config.save(cli.config_file, {"default": {"timeout": 0}})

    run = cli("show", asset_id, "--retries", "0")

    assert run.code == 0, run.stderr


# -- timeout 0 means no timeout ----------------------------------------------------------


def test_timeout_zero_means_no_timeout(cli: Cli, emulator: Emulator, asset_id: str) -> None:
    emulator.faults.add(Fault(method="GET", status=200, delay=0.5, count=2))

    assert cli("show", asset_id, "--timeout", "0.1").code == 5
    run = cli("show", asset_id, "--timeout", "0")

    assert run.code == 0, run.stderr


def test_the_client_turns_timeout_zero_into_none() -> None:
    with Platform("http://127.0.0.1:9/v1.3", "key", timeout=0) as platform:
        assert platform._http.timeout == httpx.Timeout(None)
    with Platform("http://127.0.0.1:9/v1.3", "key", timeout=2.5) as platform:
        assert platform._http.timeout == httpx.Timeout(2.5)


# -- config get and set ------------------------------------------------------------------


def test_config_set_journal_false_reads_back_as_false(cli: Cli) -> None:
    run = cli("config", "set", "journal", "false")
    assert run.code == 0
    assert "False" not in run.stderr and "journal = false" in run.stderr

    got = cli("config", "get", "journal")

    assert (got.code, got.stdout) == (0, "false\n")


@pytest.mark.parametrize("command", ["get", "set"])
def test_an_unknown_config_key_lists_the_known_ones(
    cli: Cli, emulator: Emulator, command: str
) -> None:
    args = ["config", command, "unknownkey"] + (["1"] if command == "set" else [])

    run = cli(*args)

    assert run.code == 2, run.stderr
    assert "unknownkey" in run.stderr
    for key in config.KNOWN_KEYS:
        assert key in run.stderr
    assert len(run.stderr.splitlines()) <= 2  # the error and its hint


def test_config_get_of_a_known_key_not_set_is_still_not_found(cli: Cli) -> None:
    assert cli("config", "get", "base_url").code == 4


# -- --sandbox and --base-url ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--sandbox", "--base-url", "https://api.example.com/v1.3", "show", "ID"],
        ["show", "ID", "--sandbox", "--base-url", "https://api.example.com/v1.3"],
        ["--base-url", "https://api.example.com/v1.3", "show", "ID", "--sandbox"],
    ],
)
def test_sandbox_and_base_url_flags_cannot_be_combined(
    cli: Cli, emulator: Emulator, asset_id: str, args: list[str]
) -> None:
    run = cli(*[asset_id if a == "ID" else a for a in args])

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == "error: --sandbox and --base-url can't be used together"
    assert not (cli.state_dir / "sandbox.json").exists()


def test_sandbox_from_the_environment_and_a_base_url_flag_are_refused_too(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli(
        "show", asset_id, "--base-url", "https://api.example.com/v1.3",
        env={"ASSETMETA_SANDBOX": "1"},
    )  # fmt: skip

    line = _refused(cli, emulator, run.code, run.stderr)
    assert "--base-url" in line and "ASSETMETA_SANDBOX" in line


def test_sandbox_wins_over_a_base_url_from_the_environment(cli: Cli, asset_id: str) -> None:
    # The environment's base URL is for real work; --sandbox is asked for this one command.
    run = cli("--sandbox", "export")

    assert run.code == 0, run.stderr
    assert run.stdout


# -- the base URL: empty or unparsable is refused, naming where it came from -------------


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_base_url_flag_is_refused(
    cli: Cli, emulator: Emulator, asset_id: str, empty: str
) -> None:
    run = cli("show", asset_id, "--base-url", empty)

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == "error: --base-url is empty"
    assert "api.twelvelabs.io" in run.stderr  # the hint names the default it did not use


@pytest.mark.parametrize("name", ["TWELVELABS_BASE_URL", "ASSETMETA_BASE_URL"])
def test_an_empty_base_url_in_the_environment_is_refused(
    cli: Cli, emulator: Emulator, asset_id: str, name: str
) -> None:
    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": None, name: " "})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: ${name} is empty"


def test_an_empty_base_url_in_dotenv_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    (cli.cwd / ".env").write_text("TWELVELABS_BASE_URL=\n", encoding="utf-8")

    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: TWELVELABS_BASE_URL in {cli.cwd / '.env'} is empty"


def test_an_empty_base_url_in_the_config_file_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    config.save(cli.config_file, {"default": {"base_url": ""}})

    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: base_url in {cli.config_file} [default] is empty"


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://localhost:99999/v1.3", "has an invalid port (it must be 1-65535)"),
        ("http://localhost:0/v1.3", "has an invalid port (it must be 1-65535)"),
        ("http://localhost:abc/v1.3", "has an invalid port (it must be 1-65535)"),
        ("http://[::1/v1.3", "is not a valid URL"),
        ("https://exa mple.com/v1.3", "must not contain spaces or control characters"),
        ("https://api.example.com/v1.3?x=1", "must not have a query or a fragment"),
    ],
)
def test_an_unparsable_base_url_is_refused_up_front(
    cli: Cli, emulator: Emulator, asset_id: str, url: str, rule: str
) -> None:
    run = cli("show", asset_id, "--base-url", url, env={"ASSETMETA_RETRIES": "3"})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line.startswith("error: --base-url ") and line.endswith(f": {rule}")


# -- the API key -------------------------------------------------------------------------


@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_api_key_flag_is_a_usage_error(
    cli: Cli, emulator: Emulator, asset_id: str, empty: str
) -> None:
    run = cli("show", asset_id, "--api-key", empty)

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == "error: --api-key is empty"


def test_an_empty_api_key_variable_falls_through_to_the_next(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    key = cli.env["TWELVE_LABS_API_KEY"]

    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": "", "ASSETMETA_API_KEY": key})

    assert run.code == 0, run.stderr


# -- config subcommands pick the profile as every other command does ---------------------


def _profiles(cli: Cli) -> None:
    config.save(
        cli.config_file,
        {
            "default": {"retries": 1, "timeout": 5.0},
            "staging": {"retries": 2},
            "other": {"retries": 9},
        },
    )


@pytest.mark.parametrize(
    "args",
    [
        ["config", "list", "--profile", "staging", "-o", "json"],
        ["--profile", "staging", "config", "list", "-o", "json"],
    ],
)
def test_config_list_of_one_profile_shows_what_it_uses(cli: Cli, args: list[str]) -> None:
    _profiles(cli)

    run = cli(*args)

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == [
        {"profile": "staging", "key": "retries", "value": 2},
        {"profile": "default", "key": "timeout", "value": 5.0},
    ]


def test_config_list_of_a_missing_profile_is_a_usage_error(cli: Cli) -> None:
    _profiles(cli)

    run = cli("config", "list", "--profile", "nope")

    assert run.code == 2, run.stderr
    assert _one_error(run.stderr) == f"error: profile 'nope' not found in {cli.config_file}"


def test_config_list_without_a_profile_lists_them_all(cli: Cli) -> None:
    _profiles(cli)

    run = cli("config", "list", "-o", "json", env={"ASSETMETA_PROFILE": "staging"})

    assert run.code == 0, run.stderr
    assert {row["profile"] for row in json.loads(run.stdout)} == {"default", "staging", "other"}


def test_config_get_and_set_use_the_profile_from_dotenv(cli: Cli) -> None:
    _profiles(cli)
    (cli.cwd / ".env").write_text("ASSETMETA_PROFILE=staging\n", encoding="utf-8")

    got = cli("config", "get", "retries")
    assert (got.code, got.stdout) == (0, "2\n"), got.stderr
    assert cli("config", "set", "timeout", "7").code == 0

    assert config.load(cli.config_file)["staging"] == {"retries": 2, "timeout": 7.0}


def test_config_get_takes_the_profile_before_the_subcommand_too(cli: Cli) -> None:
    _profiles(cli)

    got = cli("--profile", "other", "config", "get", "retries")

    assert (got.code, got.stdout) == (0, "9\n"), got.stderr


# -- config set base_url: the rule it will be used by ------------------------------------


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("ftp://x", "error: base_url ftp://x: must be an http(s) URL"),
        (
            "http://example.com/v1.3",
            "error: base_url http://example.com/v1.3: "
            "refusing to send the API key over plain http to example.com",
        ),
        ("", "error: base_url is empty"),
        ("https://u:pw@example.com/v1.3", "error: base_url: must not contain credentials"),
    ],
)
def test_config_set_refuses_a_base_url_it_could_not_use(cli: Cli, url: str, line: str) -> None:
    run = cli("config", "set", "base_url", url)

    assert run.code == 2, run.stderr
    assert _one_error(run.stderr) == line
    assert "pw@" not in run.stderr
    assert not cli.config_file.exists()


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--insecure-http"], {}), ([], {"ASSETMETA_INSECURE_HTTP": "1"})],
)
def test_config_set_takes_plain_http_when_allowed(
    cli: Cli, args: list[str], env: dict[str, str | None]
) -> None:
    run = cli("config", "set", "base_url", "http://example.com/v1.3/", *args, env=env)

    assert run.code == 0, run.stderr
    assert config.load(cli.config_file)["default"]["base_url"] == "http://example.com/v1.3"


def test_config_set_takes_a_loopback_http_base_url(cli: Cli) -> None:
    assert cli("config", "set", "base_url", "http://127.0.0.1:8765/v1.3").code == 0


def test_a_bad_base_url_in_the_config_file_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    config.save(cli.config_file, {"default": {"base_url": "ftp://x"}})

    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: base_url=ftp://x ({cli.config_file} [default]): must be an http(s) URL"


def test_a_bad_base_url_in_the_environment_names_the_variable(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": "http://example.com/v1.3"})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line.startswith("error: TWELVELABS_BASE_URL=http://example.com/v1.3 (environment): ")


# -- the config file's value types and unknown keys --------------------------------------


@pytest.mark.parametrize("toml", ["5", "true", "1.5"])
def test_an_api_key_that_is_not_a_string_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str, toml: str
) -> None:
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_text(f"[default]\napi_key = {toml}\n", encoding="utf-8")
    cli.config_file.chmod(0o600)

    run = cli("show", asset_id, env={"TWELVE_LABS_API_KEY": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: api_key in {cli.config_file} [default] must be a string"
    assert toml not in line


def test_a_base_url_that_is_not_a_string_names_the_file(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    config.save(cli.config_file, {"default": {"base_url": 5}})

    run = cli("show", asset_id, env={"TWELVELABS_BASE_URL": None})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert line == f"error: base_url=5 ({cli.config_file} [default]): must be a string"


@pytest.mark.parametrize("command", [["show", "ID"], ["config", "get", "retries"]])
def test_an_unknown_key_in_a_profile_is_one_warning(
    cli: Cli, asset_id: str, command: list[str]
) -> None:
    config.save(cli.config_file, {"default": {"retries": 0, "typo_key": 1}})

    run = cli(*[asset_id if part == "ID" else part for part in command])

    assert run.code == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "typo_key" in line]
    assert warnings == [
        f"warning: unknown key 'typo_key' in [default] of {cli.config_file} is ignored"
    ]


@pytest.mark.parametrize("content", [b'[default]\nbase_url = "caf\xe9"\n', b"[default\nretries = "])
def test_a_broken_config_file_hint_offers_what_works(cli: Cli, content: bytes) -> None:
    cli.config_file.parent.mkdir(parents=True)
    cli.config_file.write_bytes(content)
    cli.config_file.chmod(0o600)

    run = cli("config", "set", "retries", "2")  # config set can't mend it: it refuses too

    assert run.code == 2, run.stderr
    hint = run.stderr.splitlines()[1]
    assert hint == f"hint: fix it, or move it aside ({cli.config_file}) and start afresh"
    assert cli.config_file.read_bytes() == content


# -- a .env line that can't be parsed ----------------------------------------------------


@pytest.mark.parametrize("command", [["show", "ID"], ["config", "get", "retries"]])
def test_a_bad_dotenv_line_is_one_warning_of_ours(
    cli: Cli, asset_id: str, command: list[str]
) -> None:
    config.save(cli.config_file, {"default": {"retries": 0}})
    dotenv = cli.cwd / ".env"
    dotenv.write_text("ASSETMETA_TIMEOUT=5\nthis is not a setting\n", encoding="utf-8")

    run = cli(*[asset_id if part == "ID" else part for part in command])

    assert run.code == 0, run.stderr
    assert "dotenv" not in run.stderr.lower().replace(str(dotenv).lower(), "")
    assert [line for line in run.stderr.splitlines() if "line" in line] == [
        f"warning: .env line 2 could not be parsed and is ignored ({dotenv})"
    ]


def test_several_bad_dotenv_lines_are_one_warning(cli: Cli, asset_id: str) -> None:
    dotenv = cli.cwd / ".env"
    dotenv.write_text("bad one\nASSETMETA_TIMEOUT=5\nbad two\n", encoding="utf-8")

    run = cli("show", asset_id)

    assert run.code == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"warning: .env lines 1, 3 could not be parsed and are ignored ({dotenv})"
    ]


# -- the state folder --------------------------------------------------------------------


@pytest.mark.parametrize("below", [False, True])
def test_a_state_dir_that_is_a_file_is_named_as_such(
    cli: Cli, emulator: Emulator, asset_id: str, below: bool
) -> None:
    not_a_dir = cli.home / "notadir"
    not_a_dir.write_text("", encoding="utf-8")
    state = not_a_dir / "sub" if below else not_a_dir

    run = cli("set", asset_id, "k=1", env={"ASSETMETA_STATE_DIR": str(state)})

    line = _refused(cli, emulator, run.code, run.stderr)
    reason = f"can't be created: {not_a_dir} is not a folder" if below else "is not a folder"
    assert line == f"error: the state folder {state} (from ASSETMETA_STATE_DIR) {reason}"
    assert len(run.stderr.splitlines()) == 2  # and a hint


def test_a_state_dir_under_xdg_state_home_names_that(
    cli: Cli, emulator: Emulator, asset_id: str
) -> None:
    xdg = cli.home / "xdg-file"
    xdg.write_text("", encoding="utf-8")

    run = cli("set", asset_id, "k=1", env={"XDG_STATE_HOME": str(xdg)})

    line = _refused(cli, emulator, run.code, run.stderr)
    assert "(from XDG_STATE_HOME)" in line and str(xdg) in line
