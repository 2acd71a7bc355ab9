"""The emulator serves API-CONTRACT.md over real HTTP: every row of its tables, every error."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator, sample_assets
from assetmeta.types import MAX_SAFE_INTEGER

KEY = "test-key"
SAMPLES = sample_assets()
SAMPLE_METADATA: dict[str, Any] = SAMPLES[0]["user_metadata"]
BARE_ID = next(a["_id"] for a in SAMPLES if "user_metadata" not in a)
UNKNOWN_ID = "000000000000000000000000"
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def server() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def emulator(server: Emulator) -> Emulator:
    server.store.reset()
    server.clear_requests()
    return server


@pytest.fixture(scope="module")
def shared_client(server: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"x-api-key": KEY}, trust_env=False) as c:
        yield c


@pytest.fixture
def client(emulator: Emulator, shared_client: httpx.Client) -> httpx.Client:
    return shared_client


def raw_request(
    emulator: Emulator,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    key: str | None = KEY,
) -> tuple[int, dict[str, str], bytes]:
    """Send the path byte for byte (no URL normalisation, unlike httpx)."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    sent = ({"x-api-key": key} if key is not None else {}) | (headers or {})
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def metadata(client: httpx.Client, asset_id: str = SAMPLE_ASSET_ID) -> dict[str, Any] | None:
    response = client.get(f"/assets/{asset_id}")
    assert response.status_code == 200
    asset: dict[str, Any] = response.json()
    assert "user_metadata" not in asset or asset["user_metadata"], "never {} or null"
    found: dict[str, Any] | None = asset.get("user_metadata")
    return found


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    assert body["message"]
    return str(body["message"])


# -- GET one asset -------------------------------------------------------------------


def test_get_returns_the_asset_object(client: httpx.Client) -> None:
    response = client.get(f"/assets/{SAMPLE_ASSET_ID}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == SAMPLES[0]
    asset = response.json()
    assert asset["status"] == "ready" and asset["file_type"].startswith("video/")
    assert {"_id", "filename", "file_type", "method", "status", "created_at"} <= set(asset)


def test_user_metadata_is_absent_not_empty_when_none(client: httpx.Client) -> None:
    assert "user_metadata" not in client.get(f"/assets/{BARE_ID}").json()
    client.patch(f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json={"user_metadata": {}})
    assert metadata(client) == SAMPLE_METADATA
    removal = {key: None for key in SAMPLE_METADATA}
    assert (
        client.patch(
            f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json={"user_metadata": removal}
        ).status_code
        == 204
    )
    assert "user_metadata" not in client.get(f"/assets/{SAMPLE_ASSET_ID}").json()
    listed = client.get("/assets", params={"asset_ids": SAMPLE_ASSET_ID}).json()["data"]
    assert "user_metadata" not in listed[0]


# -- PATCH: the merge table --------------------------------------------------------------

# (body's user_metadata, the stored metadata afterwards), starting from SAMPLE_METADATA.
PATCH_TABLE: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
    ("a string creates", {"owner": "ana"}, {**SAMPLE_METADATA, "owner": "ana"}),
    ("an integer creates", {"count": 7}, {**SAMPLE_METADATA, "count": 7}),
    ("a float creates", {"ratio": 0.25}, {**SAMPLE_METADATA, "ratio": 0.25}),
    ("a boolean creates", {"draft": False}, {**SAMPLE_METADATA, "draft": False}),
    (
        "an array of strings creates",
        {"langs": ["en", "de"]},
        {**SAMPLE_METADATA, "langs": ["en", "de"]},
    ),
    ("a value replaces", {"priority": 3}, {**SAMPLE_METADATA, "priority": 3}),
    (
        "a value replaces with another type",
        {"priority": "high"},
        {**SAMPLE_METADATA, "priority": "high"},
    ),
    ("an array replaces whole", {"tags": ["only"]}, {**SAMPLE_METADATA, "tags": ["only"]}),
    ("null deletes", {"rating": None}, {k: v for k, v in SAMPLE_METADATA.items() if k != "rating"}),
    ("null on an absent key is no error", {"nope": None}, SAMPLE_METADATA),
    ("empty string is ignored", {"campaign": ""}, SAMPLE_METADATA),
    ("empty array is ignored", {"tags": []}, SAMPLE_METADATA),
    ("empty string creates nothing", {"fresh": ""}, SAMPLE_METADATA),
    ("omitted keys keep their value", {}, SAMPLE_METADATA),
    (
        "all rules at once",
        {"owner": "ana", "rating": None, "campaign": "", "tags": [], "reviewed": False},
        {
            **{k: v for k, v in SAMPLE_METADATA.items() if k != "rating"},
            "owner": "ana",
            "reviewed": False,
        },
    ),
    ("deleting every key leaves none", {k: None for k in SAMPLE_METADATA}, None),
]


@pytest.mark.parametrize(
    ("patch", "expected"), [row[1:] for row in PATCH_TABLE], ids=[row[0] for row in PATCH_TABLE]
)
def test_patch_merges_key_by_key(
    client: httpx.Client, patch: dict[str, Any], expected: dict[str, Any] | None
) -> None:
    response = client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json={"user_metadata": patch}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert metadata(client) == expected


def test_patch_creates_metadata_on_an_asset_without_any(client: httpx.Client) -> None:
    body = {"user_metadata": {"a": "x", "b": "", "c": None}}
    assert client.patch(f"/assets/{BARE_ID}/user-metadata", json=body).status_code == 204
    assert metadata(client, BARE_ID) == {"a": "x"}


def test_patch_of_only_ignored_values_leaves_no_metadata(client: httpx.Client) -> None:
    body: dict[str, Any] = {"user_metadata": {"a": "", "b": [], "c": None}}
    assert client.patch(f"/assets/{BARE_ID}/user-metadata", json=body).status_code == 204
    assert metadata(client, BARE_ID) is None


# -- PUT: the replace table --------------------------------------------------------------

PUT_TABLE: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
    ("becomes exactly the keys given", {"owner": "ana", "n": 1}, {"owner": "ana", "n": 1}),
    (
        "every value type",
        {"s": "x", "i": -4, "f": 1.5, "b": True, "a": ["p", "q"]},
        {"s": "x", "i": -4, "f": 1.5, "b": True, "a": ["p", "q"]},
    ),
    ("empty string is ignored, so absent", {"campaign": "", "n": 1}, {"n": 1}),
    ("empty array is ignored, so absent", {"tags": [], "n": 1}, {"n": 1}),
    ("null is ignored, so absent", {"rating": None, "n": 1}, {"n": 1}),
    ("{} clears all", {}, None),
    ("only ignored values clear all", {"campaign": "", "tags": [], "rating": None}, None),
]


@pytest.mark.parametrize(
    ("replacement", "expected"), [row[1:] for row in PUT_TABLE], ids=[row[0] for row in PUT_TABLE]
)
def test_put_replaces_in_one_call(
    client: httpx.Client, replacement: dict[str, Any], expected: dict[str, Any] | None
) -> None:
    body = {"user_metadata": replacement}
    response = client.put(f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json=body)
    assert response.status_code == 204
    assert response.content == b""
    assert metadata(client) == expected


# -- DELETE ------------------------------------------------------------------------------


@pytest.mark.parametrize("asset_id", [SAMPLE_ASSET_ID, BARE_ID])
def test_delete_clears_all_metadata(client: httpx.Client, asset_id: str) -> None:
    response = client.delete(f"/assets/{asset_id}/user-metadata")
    assert response.status_code == 204
    assert response.content == b""
    assert metadata(client, asset_id) is None
    assert client.get(f"/assets/{asset_id}").json()["filename"]  # the asset itself stays


# -- Values ------------------------------------------------------------------------------

REJECTED_VALUES = [
    ("an object", {"meta": {"a": 1}}, "meta"),
    ("an empty object", {"meta": {}}, "meta"),
    ("an array of integers", {"ids": [1, 2]}, "ids"),
    ("a mixed array", {"mixed": ["a", 1]}, "mixed"),
    ("an array with null", {"holes": ["a", None]}, "holes"),
    ("a nested array", {"grid": [["a"]]}, "grid"),
    ("an array of objects", {"rows": [{"a": "b"}]}, "rows"),
    ("an empty key", {"": "x"}, "keys"),
]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
@pytest.mark.parametrize(
    ("patch", "named"), [r[1:] for r in REJECTED_VALUES], ids=[r[0] for r in REJECTED_VALUES]
)
def test_values_that_are_not_allowed_are_refused_and_nothing_changes(
    client: httpx.Client, method: str, patch: dict[str, Any], named: str
) -> None:
    body = {"user_metadata": {"ok": "fine", **patch}}
    response = client.request(method, f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json=body)
    assert named in assert_error(response, 400, "parameter_invalid")
    assert metadata(client) == SAMPLE_METADATA


def test_every_bad_key_is_named_in_one_answer(client: httpx.Client) -> None:
    body = {"user_metadata": {"first": {"x": 1}, "second": [1]}}
    message = assert_error(
        client.patch(f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json=body),
        400,
        "parameter_invalid",
    )
    assert '"first"' in message and '"second"' in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(client: httpx.Client, constant: str) -> None:
    body = f'{{"user_metadata": {{"score": {constant}}}}}'.encode()
    response = client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata",
        content=body,
        headers=JSON,
    )
    assert_error(response, 400, "parameter_invalid")
    assert metadata(client) == SAMPLE_METADATA


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
        (-MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER),
        (MAX_SAFE_INTEGER + 2, MAX_SAFE_INTEGER + 1),  # 2**53 + 1 rounds to 2**53
        (-(MAX_SAFE_INTEGER + 2), -(MAX_SAFE_INTEGER + 1)),
        (12345678901234567890, 12345678901234567000),  # shortest digits, as JS and Go print
        (2**64, 18446744073709552000),
    ],
)
def test_integers_beyond_53_bits_lose_precision(
    client: httpx.Client, sent: int, stored: int
) -> None:
    body = f'{{"user_metadata": {{"big": {sent}}}}}'.encode()
    response = client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata",
        content=body,
        headers=JSON,
    )
    assert response.status_code == 204
    got = client.get(f"/assets/{SAMPLE_ASSET_ID}")
    assert f'"big":{stored}' in got.text  # a JSON integer, not 1.2e19
    assert got.json()["user_metadata"]["big"] == stored


def test_integers_from_1e21_come_back_in_exponent_form(client: httpx.Client) -> None:
    body = f'{{"user_metadata": {{"big": {10**22 + 1}}}}}'.encode()
    path = f"/assets/{SAMPLE_ASSET_ID}/user-metadata"
    assert client.patch(path, content=body, headers=JSON).status_code == 204
    got = client.get(f"/assets/{SAMPLE_ASSET_ID}")
    assert '"big":1e+22' in got.text
    assert got.json()["user_metadata"]["big"] == 1e22


@pytest.mark.parametrize("number", ["1e400", "1" + "0" * 400])
def test_numbers_beyond_a_double_are_refused(client: httpx.Client, number: str) -> None:
    body = f'{{"user_metadata": {{"huge": {number}}}}}'.encode()
    response = client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata",
        content=body,
        headers=JSON,
    )
    assert "huge" in assert_error(response, 400, "parameter_invalid")


def test_strings_keep_identifiers_verbatim(client: httpx.Client) -> None:
    body = {"user_metadata": {"code": "007", "hex": "0x1F", "big": str(2**64)}}
    client.put(f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json=body)
    assert metadata(client) == body["user_metadata"]


# -- Bodies --------------------------------------------------------------------------------

BAD_BODIES = [
    ("no body", b"", JSON, "parameter_not_provided"),
    ("no user_metadata", b"{}", JSON, "parameter_not_provided"),
    ("user_metadata null", b'{"user_metadata": null}', JSON, "parameter_invalid"),
    ("user_metadata an array", b'{"user_metadata": ["a"]}', JSON, "parameter_invalid"),
    ("user_metadata a string", b'{"user_metadata": "a=1"}', JSON, "parameter_invalid"),
    ("body an array", b'[{"user_metadata": {}}]', JSON, "parameter_invalid"),
    ("not JSON", b"user_metadata=a", JSON, "parameter_invalid"),
    ("truncated JSON", b'{"user_metadata": {"a": 1', JSON, "parameter_invalid"),
    ("not UTF-8", b'{"user_metadata": {"a": "\xff"}}', JSON, "parameter_invalid"),
    ("unknown field", b'{"user_metadata": {}, "metadata": {}}', JSON, "parameter_unknown"),
    (
        "form content type",
        b'{"user_metadata": {}}',
        {"content-type": "application/x-www-form-urlencoded"},
        "parameter_invalid",
    ),
    ("no content type", b'{"user_metadata": {}}', {}, "parameter_invalid"),
]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
@pytest.mark.parametrize(
    ("body", "headers", "code"), [r[1:] for r in BAD_BODIES], ids=[r[0] for r in BAD_BODIES]
)
def test_bad_bodies_are_400(
    emulator: Emulator,
    client: httpx.Client,
    method: str,
    body: bytes,
    headers: dict[str, str],
    code: str,
) -> None:
    status, answer_headers, answer = raw_request(
        emulator, method, f"/v1.3/assets/{SAMPLE_ASSET_ID}/user-metadata", body, headers
    )
    assert status == 400
    assert answer_headers["content-type"] == "application/json"
    assert json.loads(answer)["code"] == code
    assert metadata(client) == SAMPLE_METADATA


def test_json_content_type_may_carry_a_charset(client: httpx.Client) -> None:
    response = client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata",
        content=b'{"user_metadata": {"x": "y"}}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 204


def test_delete_ignores_its_body(client: httpx.Client) -> None:
    response = client.request("DELETE", f"/assets/{SAMPLE_ASSET_ID}/user-metadata", content=b"junk")
    assert response.status_code == 204


def test_unicode_keys_and_values_round_trip(client: httpx.Client) -> None:
    body = {"user_metadata": {"titel": "Größe ✓", "说明": "视频"}}
    assert client.put(f"/assets/{SAMPLE_ASSET_ID}/user-metadata", json=body).status_code == 204
    assert metadata(client) == body["user_metadata"]


# -- Unknown assets, routes and methods -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "/user-metadata", {"user_metadata": {"a": "b"}}),
        ("PUT", "/user-metadata", {"user_metadata": {"a": "b"}}),
        ("DELETE", "/user-metadata", None),
    ],
)
def test_unknown_asset_is_404(client: httpx.Client, method: str, suffix: str, body: object) -> None:
    response = client.request(method, f"/assets/{UNKNOWN_ID}{suffix}", json=body)
    assert UNKNOWN_ID in assert_error(response, 404, "resource_not_exist")


@pytest.mark.parametrize(
    "path", ["/indexes", "/assets/x/metadata", "/", "/assets/x/user-metadata/y"]
)
def test_unknown_route_is_a_json_404(client: httpx.Client, path: str) -> None:
    assert_error(client.get(path), 404, "route_not_found")


def test_paths_outside_the_api_version_are_404(emulator: Emulator) -> None:
    status, _, body = raw_request(emulator, "GET", f"/v1.2/assets/{SAMPLE_ASSET_ID}")
    assert status == 404
    assert json.loads(body)["code"] == "route_not_found"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/assets", "GET"),
        ("DELETE", f"/assets/{SAMPLE_ASSET_ID}", "GET"),
        ("GET", f"/assets/{SAMPLE_ASSET_ID}/user-metadata", "DELETE, PATCH, PUT"),
        ("POST", f"/assets/{SAMPLE_ASSET_ID}/user-metadata", "DELETE, PATCH, PUT"),
    ],
)
def test_wrong_method_is_405(client: httpx.Client, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allow


# -- Asset ids never reach another path ---------------------------------------------------

TRAVERSAL_IDS = [
    "..%2Findexes",
    "%2e%2e",
    "%2E%2E%2Findexes",
    "..",
    "a%2Fb",
    "x%3Fy%3D1",
    "id%23",
    "%20",
    "a.b",
]


@pytest.mark.parametrize("segment", TRAVERSAL_IDS)
def test_ids_that_are_not_ids_are_404_and_reach_nothing(
    emulator: Emulator, client: httpx.Client, segment: str
) -> None:
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "/user-metadata", b'{"user_metadata": {"x": "1"}}'),
        ("PUT", "/user-metadata", b'{"user_metadata": {}}'),
        ("DELETE", "/user-metadata", None),
    ]:
        status, _, answer = raw_request(
            emulator, method, f"/v1.3/assets/{segment}{suffix}", body, JSON
        )
        assert (status, json.loads(answer)["code"]) == (404, "resource_not_exist"), (
            method,
            segment,
        )
    assert [r.status for r in emulator.requests] == [404] * 4
    assert client.get("/assets", params={"page_limit": 50}).json()["data"] == SAMPLES


def test_dot_segments_sent_raw_are_taken_literally(emulator: Emulator) -> None:
    for path in ["/v1.3/assets/../assets", f"/v1.3/assets/{SAMPLE_ASSET_ID}/../{BARE_ID}"]:
        status, _, answer = raw_request(emulator, "GET", path)
        assert status == 404, path  # not the list, not the other asset
        assert json.loads(answer)["code"] in ("resource_not_exist", "route_not_found")


def test_the_id_segment_is_percent_decoded(client: httpx.Client) -> None:
    encoded = "".join(f"%{ord(c):02x}" for c in SAMPLE_ASSET_ID[:4]) + SAMPLE_ASSET_ID[4:]
    assert client.get(f"/assets/{encoded}").json()["_id"] == SAMPLE_ASSET_ID


# -- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_missing_key_is_401(emulator: Emulator, key: str | None) -> None:
    headers = {} if key is None else {"x-api-key": key}
    for method, path in [
        ("GET", f"/v1.3/assets/{SAMPLE_ASSET_ID}"),
        ("GET", "/v1.3/assets"),
        ("DELETE", f"/v1.3/assets/{SAMPLE_ASSET_ID}/user-metadata"),
        ("GET", "/v1.3/no-such-route"),
    ]:
        status, _, body = raw_request(emulator, method, path, headers=headers, key=None)
        assert (status, json.loads(body)["code"]) == (401, "api_key_invalid")
    assert emulator.store.get(SAMPLE_ASSET_ID)["user_metadata"] == SAMPLE_METADATA
    assert [r.api_key_present for r in emulator.requests] == [False] * 4


def test_any_non_empty_key_works_when_none_was_configured(emulator: Emulator) -> None:
    with httpx.Client(
        base_url=emulator.base_url, headers={"x-api-key": "whatever"}, trust_env=False
    ) as c:
        assert c.get(f"/assets/{SAMPLE_ASSET_ID}").status_code == 200


def test_a_configured_key_is_the_only_one_accepted(shared_client: httpx.Client) -> None:
    with Emulator(api_key="s3cret") as emulator:
        url = f"{emulator.base_url}/assets/{SAMPLE_ASSET_ID}"
        get = shared_client.get
        assert get(url, headers={"x-api-key": "s3cret"}).status_code == 200
        for key in ["wrong", "s3cre", "S3CRET"]:
            assert_error(get(url, headers={"x-api-key": key}), 401, "api_key_invalid")
        no_key = {"x-api-key": ""}
        status, _, _ = raw_request(
            emulator, "GET", f"/v1.3/assets/{SAMPLE_ASSET_ID}", headers=no_key
        )
        assert status == 401
        assert [(r.api_key, r.status) for r in emulator.requests] == [
            ("s3cret", 200),
            ("wrong", 401),
            ("s3cre", 401),
            ("S3CRET", 401),
            ("", 401),
        ]


def test_the_log_redacts_the_key_but_keeps_it_for_assertions(
    emulator: Emulator, client: httpx.Client
) -> None:
    client.patch(
        f"/assets/{SAMPLE_ASSET_ID}/user-metadata?dry=1", json={"user_metadata": {"a": "b"}}
    )
    (recorded,) = emulator.requests
    assert recorded.method == "PATCH"
    assert recorded.path == f"/v1.3/assets/{SAMPLE_ASSET_ID}/user-metadata"
    assert recorded.query == {"dry": ["1"]}
    assert recorded.json == {"user_metadata": {"a": "b"}}
    assert json.loads(recorded.body) == recorded.json
    assert recorded.status == 204
    assert recorded.headers["x-api-key"] != KEY
    assert recorded.headers["content-type"] == "application/json"
    assert recorded.api_key_present and recorded.api_key == KEY
    assert KEY not in repr(recorded)
    assert KEY not in json.dumps(recorded.to_json())


# -- GET /assets: the list ------------------------------------------------------------------


def listing(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/assets", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert set(result) == {"data", "page_info"}
    return result


def test_list_defaults_to_ten_newest_first(client: httpx.Client) -> None:
    result = listing(client)
    assert result["data"] == SAMPLES[:10]
    created = [a["created_at"] for a in listing(client, page_limit=50)["data"]]
    assert created == sorted(created, reverse=True)
    assert result["page_info"] == {
        "page": 1,
        "limit_per_page": 10,
        "total_page": 2,
        "total_results": 12,
    }


@pytest.mark.parametrize(
    ("page_limit", "total_page"), [(1, 12), (5, 3), (10, 2), (11, 2), (12, 1), (50, 1)]
)
def test_total_page_is_the_ceiling(client: httpx.Client, page_limit: int, total_page: int) -> None:
    info = listing(client, page_limit=page_limit)["page_info"]
    assert info == {
        "page": 1,
        "limit_per_page": page_limit,
        "total_page": total_page,
        "total_results": 12,
    }


def test_pages_partition_the_assets(client: httpx.Client) -> None:
    pages = [listing(client, page=page, page_limit=5)["data"] for page in (1, 2, 3)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [a for page in pages for a in page] == SAMPLES
    beyond = listing(client, page=4, page_limit=5)
    assert beyond["data"] == [] and beyond["page_info"]["page"] == 4


@pytest.mark.parametrize(
    "params",
    [
        {"page_limit": 51},
        {"page_limit": 0},
        {"page_limit": -1},
        {"page_limit": "ten"},
        {"page_limit": "1.5"},
        {"page_limit": ""},
        {"page": 0},
        {"page": "x"},
        {"asset_types": "movie"},
    ],
)
def test_bad_query_is_400(client: httpx.Client, params: dict[str, Any]) -> None:
    (name,) = params
    assert name in assert_error(client.get("/assets", params=params), 400, "parameter_invalid")


@pytest.mark.parametrize(
    ("params", "expected_ids"),
    [
        ({"asset_ids": [SAMPLE_ASSET_ID, BARE_ID]}, [SAMPLE_ASSET_ID, BARE_ID]),
        ({"asset_ids": [UNKNOWN_ID]}, []),
        (
            {"asset_types": ["audio"]},
            [a["_id"] for a in SAMPLES if a["file_type"].startswith("audio/")],
        ),
        (
            {"asset_types": ["image", "document"]},
            [a["_id"] for a in SAMPLES if a["file_type"].split("/")[0] not in ("video", "audio")],
        ),
        ({"filename": "SPRING"}, [SAMPLE_ASSET_ID, "67d83f2dad1128500c6a7fdc"]),
        (
            {"filename": "spring", "asset_types": "video", "asset_ids": SAMPLE_ASSET_ID},
            [SAMPLE_ASSET_ID],
        ),
        ({"filename": ".mp4"}, [a["_id"] for a in SAMPLES if a["filename"].endswith(".mp4")]),
        ({"filename": "no-such-file"}, []),
    ],
)
def test_list_filters(
    client: httpx.Client, params: dict[str, Any], expected_ids: list[str]
) -> None:
    result = listing(client, page_limit=50, **params)
    assert [a["_id"] for a in result["data"]] == expected_ids
    assert result["page_info"]["total_results"] == len(expected_ids)
    assert result["page_info"]["total_page"] == (1 if expected_ids else 0)


def test_list_shows_metadata_changes(client: httpx.Client) -> None:
    client.put(f"/assets/{BARE_ID}/user-metadata", json={"user_metadata": {"k": "v"}})
    (asset,) = listing(client, asset_ids=BARE_ID)["data"]
    assert asset["user_metadata"] == {"k": "v"}


# -- HTTP/1.1 ----------------------------------------------------------------------------


def test_one_connection_serves_many_requests(emulator: Emulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    headers = {"x-api-key": KEY, "content-type": "application/json"}
    try:
        for _ in range(3):
            connection.request(
                "DELETE", f"/v1.3/assets/{SAMPLE_ASSET_ID}/user-metadata", headers=headers
            )
            response = connection.getresponse()
            assert (response.status, response.read(), response.getheader("content-length")) == (
                204,
                b"",
                None,
            )
            connection.request("GET", "/v1.3/assets/nope", headers=headers)
            response = connection.getresponse()
            assert response.status == 404
            assert int(response.getheader("content-length", "0")) == len(response.read())
            connection.request(
                "PATCH",
                f"/v1.3/assets/{SAMPLE_ASSET_ID}/user-metadata",
                body=b'{"user_metadata": {"a": 1}}',
                headers=headers,
            )
            response = connection.getresponse()
            assert (response.status, response.read()) == (204, b"")
    finally:
        connection.close()
    assert len(emulator.requests) == 9


def test_a_chunked_body_is_read(emulator: Emulator, client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"user_metadata": '
        yield b'{"chunked": true}}'

    response = client.patch(f"/assets/{BARE_ID}/user-metadata", content=chunks(), headers=JSON)
    assert response.status_code == 204
    assert metadata(client, BARE_ID) == {"chunked": True}
