"""The asset store without HTTP: the state file shared by processes, and the Emulator's setup."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from assetmeta.emulator import (
    SAMPLE_ASSET_ID,
    AssetStore,
    Emulator,
    StateFileError,
    StoreError,
    sample_assets,
)

BARE_ID = next(a["_id"] for a in sample_assets() if "user_metadata" not in a)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_state_file_is_seeded_private_and_readable_json(tmp_path: Path) -> None:
    state = tmp_path / "nested" / "state.json"
    store = AssetStore(state_file=state)
    assert store.all() == sample_assets()
    assert json.loads(state.read_text())["assets"] == sample_assets()
    assert mode(state) == 0o600
    assert mode(state.with_name("state.json.lock")) == 0o600


def test_every_write_is_persisted_with_mode_0600(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    AssetStore(state_file=state).patch(SAMPLE_ASSET_ID, {"n": 1})
    assert AssetStore(state_file=state).get(SAMPLE_ASSET_ID)["user_metadata"]["n"] == 1
    assert mode(state) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_without_seed_a_store_starts_empty(tmp_path: Path) -> None:
    assert AssetStore(seed=False).all() == []
    assert AssetStore(state_file=tmp_path / "s.json", seed=False).list()["data"] == []


def test_an_existing_file_is_not_reseeded(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    AssetStore(state_file=state).delete(SAMPLE_ASSET_ID)
    assert "user_metadata" not in AssetStore(state_file=state).get(SAMPLE_ASSET_ID)


def test_a_deleted_file_is_seeded_again(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = AssetStore(state_file=state)
    store.delete(SAMPLE_ASSET_ID)
    state.unlink()
    assert store.get(SAMPLE_ASSET_ID) == sample_assets()[0]
    assert state.exists()


@pytest.mark.parametrize("content", ["not json", "[]", '{"assets": []}', '{"format": "x"}'])
def test_a_file_that_is_not_state_is_refused(tmp_path: Path, content: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    with pytest.raises(StateFileError, match="not an emulator state file"):
        AssetStore(state_file=state)
    assert state.read_text() == content  # left alone


def test_two_emulators_share_one_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    headers = {"x-api-key": "k"}
    with (
        Emulator(state_file=state) as first,
        Emulator(state_file=state) as second,
        httpx.Client(headers=headers, trust_env=False) as http,
    ):
        url = f"/assets/{SAMPLE_ASSET_ID}/user-metadata"
        assert (
            http.patch(first.base_url + url, json={"user_metadata": {"by": "first"}}).status_code
            == 204
        )
        seen = http.get(f"{second.base_url}/assets/{SAMPLE_ASSET_ID}").json()
        assert seen["user_metadata"]["by"] == "first"
        assert http.put(second.base_url + url, json={"user_metadata": {}}).status_code == 204
        assert "user_metadata" not in first.store.get(SAMPLE_ASSET_ID)
    with Emulator(state_file=state) as third:
        assert "user_metadata" not in third.store.get(SAMPLE_ASSET_ID)


def test_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    """Threads with their own stores, and another process, all merge into one file."""
    state = tmp_path / "state.json"
    AssetStore(state_file=state)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assetmeta.emulator import AssetStore\n"
        "store = AssetStore(state_file=Path(sys.argv[1]))\n"
        f"for i in range(30): store.patch({BARE_ID!r}, {{f'p{{i}}': i}})\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(state)])

    def write(name: str) -> None:
        store = AssetStore(state_file=state)
        for i in range(30):
            store.patch(BARE_ID, {f"{name}{i}": i})

    threads = [threading.Thread(target=write, args=(name,)) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert child.wait(timeout=30) == 0
    keys = set(AssetStore(state_file=state).get(BARE_ID)["user_metadata"])
    assert keys == {f"{n}{i}" for n in "abp" for i in range(30)}


def test_a_refused_write_changes_nothing_on_disk(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = AssetStore(state_file=state)
    before = state.read_bytes()
    with pytest.raises(StoreError) as caught:
        store.patch(SAMPLE_ASSET_ID, {"ok": "x", "bad": {"nested": 1}})
    assert (caught.value.status, caught.value.code) == (400, "parameter_invalid")
    with pytest.raises(StoreError):
        store.delete("no-such-asset")
    assert state.read_bytes() == before


def test_the_store_hands_out_copies() -> None:
    store = AssetStore()
    asset = store.get(SAMPLE_ASSET_ID)
    asset["user_metadata"]["tags"].append("mutated")
    store.list()["data"][0]["filename"] = "mutated"
    assert store.get(SAMPLE_ASSET_ID) == sample_assets()[0]


def test_the_store_error_is_the_contract_error() -> None:
    with pytest.raises(StoreError) as caught:
        AssetStore().get("nope")
    assert caught.value.to_json() == {"code": "resource_not_exist", "message": caught.value.message}
    assert caught.value.status == 404


def test_the_sample_asset_fits_the_readme_demo() -> None:
    samples = sample_assets()
    sample = next(a for a in samples if a["_id"] == SAMPLE_ASSET_ID)
    assert sample["status"] == "ready" and sample["file_type"].startswith("video/")
    assert sample["user_metadata"]
    assert len({a["_id"] for a in samples}) == len(samples)
    assert all(len(a["_id"]) == 24 and int(a["_id"], 16) >= 0 for a in samples)
    created = [a["created_at"] for a in samples]
    assert created == sorted(created, reverse=True)
    kinds = {a["file_type"].split("/")[0] for a in samples}
    assert {"video", "image", "audio", "application"} <= kinds
    assert {a["method"] for a in samples} == {"direct", "url", "multipart"}
    assert {a["status"] for a in samples} == {"ready", "processing", "failed"}


# -- the Emulator's setup ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "", "192.168.1.10", "example.com", "::"])
def test_remote_hosts_need_allow_remote(host: str) -> None:
    with pytest.raises(ValueError, match="allow_remote"):
        Emulator(host=host)
    Emulator(host=host, allow_remote=True)  # allowed; not started


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_serve(host: str) -> None:
    emulator = Emulator(host=host)
    try:
        emulator.start()
    except OSError:
        pytest.skip(f"{host} is not available here")
    try:
        url = emulator.base_url + "/assets"
        response = httpx.get(url, headers={"x-api-key": "k"}, trust_env=False)
        assert response.status_code == 200
    finally:
        emulator.stop()


def test_settings_are_checked() -> None:
    bad: list[dict[str, Any]] = [
        {"api_key": ""},
        {"latency": -1},
        {"fail_rate": 2},
        {"rate_limit": 0},
    ]
    for kwargs in bad:
        with pytest.raises(ValueError):
            Emulator(**kwargs)


def test_lifecycle() -> None:
    emulator = Emulator()
    with pytest.raises(RuntimeError):
        _ = emulator.base_url
    emulator.start()
    with pytest.raises(RuntimeError):
        emulator.start()
    assert emulator.base_url == f"http://127.0.0.1:{emulator.port}/v1.3"
    assert emulator.control_url == f"http://127.0.0.1:{emulator.port}/_emulator"
    emulator.stop()
    emulator.stop()  # twice is fine


def test_serve_forever_serves_in_the_calling_thread() -> None:
    emulator = Emulator().bind()
    thread = threading.Thread(target=emulator.serve_forever)
    thread.start()
    try:
        health = httpx.get(emulator.control_url + "/health", trust_env=False)
        assert health.json() == {"status": "ok"}
    finally:
        emulator.stop()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_importing_the_emulator_pulls_in_no_third_party_library() -> None:
    code = (
        "import sys, assetmeta.emulator\n"
        "print(sorted({'httpx', 'typer', 'rich'} & set(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"
