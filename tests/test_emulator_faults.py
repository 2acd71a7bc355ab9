"""Fault injection and the control endpoints, over real HTTP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator, Fault, sample_assets
from assetmeta.emulator.faults import FaultPlan, RateLimiter

SAMPLE_METADATA: dict[str, Any] = sample_assets()[0]["user_metadata"]
METADATA_PATH = f"/assets/{SAMPLE_ASSET_ID}/user-metadata"
ASSET_PATH = f"/assets/{SAMPLE_ASSET_ID}"
CHANGE = {"user_metadata": {"changed": "yes"}}


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One client for the module (a new one costs an SSL context); URLs are absolute."""
    with httpx.Client(headers={"x-api-key": "k"}, trust_env=False, timeout=5) as client:
        yield client


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def api(emulator: Emulator, http: httpx.Client) -> Iterator[httpx.Client]:
    http.base_url = httpx.URL(emulator.base_url + "/")
    yield http


def changed(emulator: Emulator) -> bool:
    return bool(emulator.store.get(SAMPLE_ASSET_ID)["user_metadata"].get("changed") == "yes")


# -- latency and scripted faults ----------------------------------------------------------


def test_latency_delays_every_api_request(http: httpx.Client) -> None:
    with Emulator(latency=0.15) as emulator:
        started = time.monotonic()
        assert http.get(emulator.base_url + ASSET_PATH).status_code == 200
        assert time.monotonic() - started >= 0.15
        started = time.monotonic()
        http.get(emulator.control_url + "/health")  # control endpoints are never delayed
        assert time.monotonic() - started < 0.15


def test_a_scripted_status_hits_the_next_n_matching_requests(
    emulator: Emulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault(method="patch", status=503, count=2))
    assert api.get(ASSET_PATH).status_code == 200  # another method: untouched
    for _ in range(2):
        response = api.patch(METADATA_PATH, json=CHANGE)
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"
        assert not changed(emulator)
    assert api.patch(METADATA_PATH, json=CHANGE).status_code == 204
    assert changed(emulator)
    assert [r.status for r in emulator.requests] == [200, 503, 503, 204]
    assert emulator.faults.pending() == []


def test_path_contains_narrows_a_fault(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(path_contains="user-metadata", status=409))
    assert api.get(ASSET_PATH).status_code == 200
    assert api.delete(METADATA_PATH).status_code == 409
    assert api.delete(METADATA_PATH).status_code == 204


def test_faults_fire_in_the_order_they_were_added(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(status=502))
    emulator.faults.add(Fault(status=504))
    assert [api.get(ASSET_PATH).status_code for _ in range(3)] == [502, 504, 200]


def test_a_dropped_connection_gets_no_answer(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(method="PATCH", drop=True))
    with pytest.raises(httpx.TransportError):
        api.patch(METADATA_PATH, json=CHANGE)
    assert not changed(emulator)
    assert emulator.requests[-1].status == 0
    assert api.patch(METADATA_PATH, json=CHANGE).status_code == 204  # the next one is fine


def test_after_applies_the_write_then_loses_the_answer(
    emulator: Emulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault(method="PATCH", status=500, after=True))
    response = api.patch(METADATA_PATH, json=CHANGE)
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert changed(emulator)
    assert api.patch(METADATA_PATH, json=CHANGE).status_code == 204  # a retry is harmless


def test_after_with_drop_applies_the_write_and_closes(
    emulator: Emulator, api: httpx.Client
) -> None:
    emulator.faults.add(Fault(method="DELETE", drop=True, after=True))
    with pytest.raises(httpx.TransportError):
        api.delete(METADATA_PATH)
    assert "user_metadata" not in emulator.store.get(SAMPLE_ASSET_ID)


def test_429_with_retry_after(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(status=429, retry_after=2))
    emulator.faults.add(Fault(status=503, retry_after=0.25))
    response = api.get(ASSET_PATH)
    assert (response.status_code, response.headers["retry-after"]) == (429, "2")
    assert response.json()["code"] == "too_many_requests"
    assert api.get(ASSET_PATH).headers["retry-after"] == "0.25"


def test_a_raw_body_is_sent_verbatim(emulator: Emulator, api: httpx.Client) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    emulator.faults.add(Fault(status=502, body=page))
    response = api.get(ASSET_PATH)
    assert response.status_code == 502
    assert response.text == page
    assert response.headers["content-type"].startswith("text/html")


def test_a_delay_outlasts_a_client_timeout(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(method="PATCH", delay=0.5, status=200, after=True))
    with pytest.raises(httpx.ReadTimeout):
        api.patch(METADATA_PATH, json=CHANGE, timeout=0.1)
    assert changed(emulator)  # applied before the (lost) answer


def test_a_delay_only_fault_keeps_the_real_answer(emulator: Emulator, api: httpx.Client) -> None:
    emulator.faults.add(Fault(method="GET", delay=0.1, status=200))
    started = time.monotonic()
    assert api.get(ASSET_PATH).json()["_id"] == SAMPLE_ASSET_ID
    assert time.monotonic() - started >= 0.1


def test_fail_rate_is_reproducible(http: httpx.Client) -> None:
    outcomes = []
    for _ in range(2):
        with Emulator(fail_rate=0.5, fail_seed=7) as emulator:
            outcomes.append(
                [http.get(emulator.base_url + ASSET_PATH).status_code for _ in range(20)]
            )
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 500}


def test_fail_rate_one_fails_everything(http: httpx.Client) -> None:
    with Emulator(fail_rate=1.0) as emulator:
        response = http.patch(emulator.base_url + METADATA_PATH, json=CHANGE)
        assert (response.status_code, response.json()["code"]) == (500, "internal_error")
        assert "changed" not in emulator.store.get(SAMPLE_ASSET_ID)["user_metadata"]


@pytest.mark.parametrize(
    "fields",
    [{"count": 0}, {"status": 99}, {"status": 600}, {"delay": -1}, {"retry_after": -1}],
)
def test_faults_are_checked(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Fault(**fields)


# -- the rate limit -------------------------------------------------------------------------


def test_rate_limit_headers_and_429_over_the_limit(http: httpx.Client) -> None:
    with Emulator(rate_limit=3) as emulator:
        url = emulator.base_url + ASSET_PATH
        assert http.get(url, headers={"x-api-key": ""}).status_code == 401  # not counted
        started = time.time()
        answers = [http.get(url) for _ in range(3)]
        for used, response in enumerate(answers, start=1):
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "3"
            assert response.headers["x-ratelimit-used"] == str(used)
            assert response.headers["x-ratelimit-remaining"] == str(3 - used)
            assert started + 59 <= int(response.headers["x-ratelimit-reset"]) <= started + 62
        refused = http.patch(emulator.base_url + METADATA_PATH, json=CHANGE)
        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_requests"
        assert 58 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["x-ratelimit-remaining"] == "0"
        assert refused.headers["x-ratelimit-used"] == "3"
        assert not changed(emulator)


def test_no_rate_limit_means_no_rate_limit_headers(emulator: Emulator, api: httpx.Client) -> None:
    assert "x-ratelimit-limit" not in api.get(ASSET_PATH).headers


def test_the_window_is_fixed_and_starts_with_its_first_request() -> None:
    now = [1000.0]
    limiter = RateLimiter(2, window=60, clock=lambda: now[0])
    assert [limiter.hit().allowed for _ in range(3)] == [True, True, False]
    now[0] = 1059.5
    refused = limiter.hit()
    assert (refused.allowed, refused.retry_after, refused.reset_at) == (False, 1, 1060.0)
    now[0] = 1060.0
    fresh = limiter.hit()
    assert (fresh.allowed, fresh.used, fresh.reset_at) == (True, 1, 1120.0)


# -- PUT on an older server -----------------------------------------------------------------


def test_put_can_be_disabled_like_an_older_server(http: httpx.Client) -> None:
    with Emulator(put_enabled=False) as emulator:
        response = http.put(emulator.base_url + METADATA_PATH, json=CHANGE)
        assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
        assert response.headers["allow"] == "DELETE, PATCH"
        assert http.patch(emulator.base_url + METADATA_PATH, json=CHANGE).status_code == 204


# -- control endpoints ----------------------------------------------------------------------


@pytest.fixture
def control(emulator: Emulator) -> Iterator[httpx.Client]:
    """Another process's view: no API key, only the control URL."""
    with httpx.Client(base_url=emulator.control_url, trust_env=False, timeout=5) as client:
        yield client


def test_control_scripts_faults(
    emulator: Emulator, api: httpx.Client, control: httpx.Client
) -> None:
    fault = {"method": "PATCH", "status": 503, "count": 2, "retry_after": 1}
    response = control.post("/faults", content=json.dumps(fault))  # no Content-Type needed
    assert response.status_code == 201
    assert response.json()["fault"]["method"] == "PATCH"
    assert control.get("/faults").json()["faults"][0]["count"] == 2
    assert api.patch(METADATA_PATH, json=CHANGE).status_code == 503
    assert control.get("/faults").json()["faults"][0]["count"] == 1
    assert control.delete("/faults").status_code == 204
    assert control.get("/faults").json() == {"faults": []}
    assert api.patch(METADATA_PATH, json=CHANGE).status_code == 204


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ({"statuz": 500}, "parameter_unknown"),
        ({"status": "500"}, "parameter_invalid"),
        ({"status": True}, "parameter_invalid"),
        ({"drop": 1}, "parameter_invalid"),
        ({"count": 0}, "parameter_invalid"),
        ([], "parameter_invalid"),
    ],
)
def test_control_refuses_bad_faults(control: httpx.Client, fault: object, code: str) -> None:
    response = control.post("/faults", json=fault)
    assert (response.status_code, response.json()["code"]) == (400, code)


def test_control_shows_and_clears_the_request_log(
    emulator: Emulator, api: httpx.Client, control: httpx.Client
) -> None:
    api.patch(METADATA_PATH, json=CHANGE, headers={"x-api-key": "very-secret"})
    response = control.get("/requests")
    assert "very-secret" not in response.text
    (logged,) = response.json()["requests"]
    assert logged["method"] == "PATCH"
    assert logged["path"] == "/v1.3" + METADATA_PATH
    assert logged["json"] == CHANGE
    assert json.loads(logged["body"]) == CHANGE
    assert logged["status"] == 204
    assert logged["api_key_present"] is True
    assert logged["headers"]["x-api-key"] == "[redacted]"
    assert control.delete("/requests").status_code == 204
    assert control.get("/requests").json() == {"requests": []}
    assert emulator.requests == []  # control requests are not logged


def test_control_state_and_reset(
    emulator: Emulator, api: httpx.Client, control: httpx.Client
) -> None:
    api.delete(METADATA_PATH)
    assets = control.get("/state").json()["assets"]
    assert len(assets) == len(sample_assets())
    assert "user_metadata" not in assets[0]
    assert control.post("/reset").status_code == 204
    assert control.get("/state").json()["assets"] == sample_assets()


def test_control_replaces_the_assets(api: httpx.Client, control: httpx.Client) -> None:
    mine = {
        "_id": "my-asset_1",
        "filename": "a.mp4",
        "file_type": "video/mp4",
        "created_at": "2025-01-01T00:00:00Z",
        "user_metadata": {"x": "1", "gone": None},
    }
    assert control.put("/state", json={"assets": [mine]}).status_code == 204
    assert api.get("/assets/my-asset_1").json()["user_metadata"] == {"x": "1"}
    assert api.get("/assets").json()["page_info"]["total_results"] == 1
    bad = control.put("/state", json={"assets": [{**mine, "_id": "../x"}]})
    assert bad.status_code == 400


def test_control_changes_the_settings(api: httpx.Client, control: httpx.Client) -> None:
    assert control.get("/config").json() == {
        "latency": 0.0,
        "fail_rate": 0.0,
        "rate_limit": None,
        "put_enabled": True,
    }
    assert control.patch("/config", json={"put_enabled": False}).json()["put_enabled"] is False
    assert api.put(METADATA_PATH, json=CHANGE).status_code == 405
    refused = control.patch("/config", json={"put_enabled": True, "fail_rate": 2})
    assert refused.status_code == 400
    assert control.get("/config").json()["put_enabled"] is False  # all or nothing
    assert control.patch("/config", json={"rate_limit": 1}).status_code == 200
    assert api.get(ASSET_PATH).status_code == 200
    assert api.get(ASSET_PATH).status_code == 429


def test_control_needs_no_key_even_with_one_configured(http: httpx.Client) -> None:
    with Emulator(api_key="only-this") as emulator:
        response = http.get(emulator.control_url + "/health", headers={"x-api-key": ""})
        assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("method", "path", "status"), [("GET", "/nope", 404), ("GET", "/reset", 405)]
)
def test_control_unknown_routes(control: httpx.Client, method: str, path: str, status: int) -> None:
    assert control.request(method, path).status_code == status


def test_the_plan_keeps_settings_in_range() -> None:
    plan = FaultPlan()
    for name, value in [("latency", -1), ("fail_rate", 1.5), ("rate_limit", 0)]:
        with pytest.raises(ValueError):
            setattr(plan, name, value)
