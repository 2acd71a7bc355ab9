"""Settings precedence: flags > environment > .env > config profile > [default] > built-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from assetmeta import config
from assetmeta.baseurl import BadBaseUrl, check_base_url
from assetmeta.errors import AuthError, UsageError
from assetmeta.settings import DEFAULT_BASE_URL, Flags, resolve


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}


def _write_config(env: dict[str, str], data: config.ConfigData) -> Path:
    path = Path(env["XDG_CONFIG_HOME"]) / "assetmeta" / "config.toml"
    config.save(path, data)
    return path


def test_built_in_defaults(home: dict[str, str], tmp_path: Path) -> None:
    s = resolve(Flags(), home, tmp_path)
    assert (s.api_key, s.base_url, s.retries, s.timeout, s.concurrency, s.journal) == (
        None,
        DEFAULT_BASE_URL,
        3,
        30.0,
        8,
        True,
    )


def test_each_layer_wins_over_the_next(home: dict[str, str], tmp_path: Path) -> None:
    _write_config(
        home, {"default": {"retries": 1, "timeout": 5.0, "concurrency": 2}, "ci": {"retries": 2}}
    )
    (tmp_path / ".env").write_text("ASSETMETA_RETRIES=4\nASSETMETA_TIMEOUT=7\n")
    env = {**home, "ASSETMETA_PROFILE": "ci", "ASSETMETA_RETRIES": "5"}
    s = resolve(Flags(), env, tmp_path)
    assert s.retries == 5  # environment over .env and config
    assert s.timeout == 7.0  # .env over config
    assert s.concurrency == 2  # [default] under the profile
    assert resolve(Flags(retries="6"), env, tmp_path).retries == 6  # flag over all
    assert resolve(Flags(), {**home, "ASSETMETA_PROFILE": "ci"}, Path("/nonexistent")).retries == 2


def test_sdk_names_and_key_stripped(home: dict[str, str], tmp_path: Path) -> None:
    env = {
        **home,
        "TWELVE_LABS_API_KEY": "  key-1234\r\n",
        "TWELVELABS_BASE_URL": "http://127.0.0.1:9/v1.3/",
    }
    s = resolve(Flags(), env, tmp_path)
    assert s.api_key == "key-1234"
    assert s.base_url == "http://127.0.0.1:9/v1.3"


def test_dotenv_never_overrides_the_environment(home: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TWELVE_LABS_API_KEY=from-dotenv\n")
    assert resolve(Flags(), home, tmp_path).api_key == "from-dotenv"
    env = {**home, "TWELVE_LABS_API_KEY": "from-env"}
    assert resolve(Flags(), env, tmp_path).api_key == "from-env"


def test_env_file_flag_reads_another_file(home: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "ci.env"
    other.write_text("TWELVE_LABS_API_KEY=from-ci-env\n")
    assert resolve(Flags(env_file=other), home, tmp_path).api_key == "from-ci-env"
    with pytest.raises(UsageError):
        resolve(Flags(env_file=tmp_path / "missing.env"), home, tmp_path)


def test_missing_key_names_every_place(home: dict[str, str], tmp_path: Path) -> None:
    s = resolve(Flags(), home, tmp_path)
    with pytest.raises(AuthError) as caught:
        s.require_key()
    message = caught.value.message
    for place in ("--api-key", "$TWELVE_LABS_API_KEY", str(tmp_path / ".env"), "config.toml"):
        assert place in message


def test_unknown_profile_is_an_error(home: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        resolve(Flags(profile="nope"), home, tmp_path)


def test_config_journal_false_and_env_no_journal(home: dict[str, str], tmp_path: Path) -> None:
    _write_config(home, {"default": {"journal": False}})
    assert resolve(Flags(), home, tmp_path).journal is False
    assert resolve(Flags(no_journal=False), home, tmp_path).journal is True
    assert resolve(Flags(), {**home, "ASSETMETA_NO_JOURNAL": "0"}, tmp_path).journal is True


@pytest.mark.parametrize("bad", ["abc", "-1"])
def test_bad_numbers_are_usage_errors(home: dict[str, str], tmp_path: Path, bad: str) -> None:
    with pytest.raises(UsageError):
        resolve(Flags(), {**home, "ASSETMETA_RETRIES": bad}, tmp_path)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.twelvelabs.io/v1.3", True),
        ("http://127.0.0.1:8765/v1.3", True),
        ("http://localhost:8765/v1.3", True),
        ("http://[::1]:8765/v1.3", True),
        ("http://example.com/v1.3", False),
        ("http://10.0.0.1/v1.3", False),
        ("ftp://example.com", False),
        ("https://user:pw@example.com", False),
        ("", False),
        ("http://localhost:99999/v1.3", False),
        ("http://localhost:0/v1.3", False),
        ("http://[::1/v1.3", False),
        ("https://api.example.com/v1.3#x", False),
    ],
)
def test_base_url_rules(url: str, ok: bool) -> None:
    if ok:
        assert check_base_url(url, insecure_http=False)
    else:
        with pytest.raises(BadBaseUrl):
            check_base_url(url, insecure_http=False)


def test_insecure_http_allows_plain_http() -> None:
    assert check_base_url("http://example.com/v1.3", insecure_http=True)


def test_config_file_written_0600_and_round_trips(home: dict[str, str]) -> None:
    data: config.ConfigData = {
        "default": {"api_key": 'k"ey\\x', "retries": 2, "journal": False},
        "my profile": {"timeout": 2.5},
    }
    path = _write_config(home, data)
    assert path.stat().st_mode & 0o777 == 0o600
    assert config.load(path) == data


def test_broken_config_is_one_clear_error(home: dict[str, str], tmp_path: Path) -> None:
    path = Path(home["XDG_CONFIG_HOME"]) / "assetmeta" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[default\nretries = ")
    with pytest.raises(UsageError) as caught:
        resolve(Flags(), home, tmp_path)
    assert "not valid TOML" in caught.value.message
    assert "\n" not in caught.value.message


def test_missing_key_names_both_tables_when_both_are_searched(
    home: dict[str, str], tmp_path: Path
) -> None:
    path = _write_config(home, {"ci": {"retries": 1}})
    with pytest.raises(AuthError) as caught:
        resolve(Flags(profile="ci"), home, tmp_path).require_key()
    assert caught.value.message.endswith(f"{path} [ci] and [default]")

    with pytest.raises(AuthError) as caught:
        resolve(Flags(), home, tmp_path).require_key()
    assert caught.value.message.endswith(f"{path} [default]")
