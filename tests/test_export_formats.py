"""`export` honours -o: JSON lines by default (on a terminal too), a JSON array streamed element
by element, and tsv or table rows exactly as `show ID...` prints them. jsonl, json and tsv
stream: what was fetched is on stdout before the next page is asked for, and memory stays flat
however many assets there are."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from typing import Any

import pytest

from assetmeta.emulator import Emulator, Fault

from .conftest import TRACEBACK, Cli


def make_assets(emulator: Emulator, count: int, *, size: int = 0) -> list[dict[str, Any]]:
    """`count` assets, every third without metadata; the records export should print."""
    assets = []
    for n in range(count):
        asset: dict[str, Any] = {
            "_id": f"{n + 1:024x}",
            "filename": f"clip-{n}.mp4",
            "file_type": "video/mp4",
            "method": "direct",
            "status": "ready",
            "created_at": "2026-01-01T00:00:00Z",
        }
        if n % 3:
            metadata: dict[str, Any] = {"n": n, "name": f"clip {n}"}
            asset["user_metadata"] = {**metadata, **({"pad": "x" * size} if size else {})}
        assets.append(asset)
    emulator.store.replace_all(assets)
    emulator.clear_requests()
    # The platform lists newest first; same time here, so by id, highest first.
    return [
        {"asset_id": a["_id"], "user_metadata": a.get("user_metadata", {})}
        for a in reversed(assets)
    ]


def jsonl(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def test_default_and_jsonl_are_the_same_json_lines(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 60)

    default = cli("export")
    forced = cli("export", "-o", "jsonl")

    assert default.code == forced.code == 0, default.stderr + forced.stderr
    assert default.stdout == forced.stdout
    assert jsonl(default.stdout) == records


def test_default_on_a_terminal_is_still_json_lines(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 5)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assetmeta", "export"],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=cli.env,
        cwd=cli.cwd,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    assert TRACEBACK.encode() not in stderr
    assert jsonl(b"".join(chunks).decode("utf-8").replace("\r\n", "\n")) == records


def test_json_is_one_sorted_array(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 60)

    run = cli("export", "-o", "json")

    assert run.code == 0, run.stderr
    assert json.loads(run.stdout) == records
    # The same text a whole-list json.dumps gives: stable for diffs.
    assert run.stdout == json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_json_of_nothing_is_an_empty_array(cli: Cli, emulator: Emulator) -> None:
    make_assets(emulator, 3)

    run = cli("export", "-o", "json", "--filename", "no-such-name")

    assert run.code == 0, run.stderr
    assert run.stdout == "[]\n"


@pytest.mark.parametrize("fmt", ["tsv", "table"])
def test_tsv_and_table_print_what_show_prints_for_the_same_assets(
    cli: Cli, emulator: Emulator, fmt: str
) -> None:
    records = make_assets(emulator, 7)
    ids = [r["asset_id"] for r in records]

    exported = cli("export", "-o", fmt, env={"COLUMNS": "120"})
    shown = cli("show", *ids, "-o", fmt, env={"COLUMNS": "120"})

    assert exported.code == shown.code == 0, exported.stderr + shown.stderr
    assert exported.stdout == shown.stdout


def test_tsv_is_one_row_per_key(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 3)

    run = cli("export", "-o", "tsv")

    assert run.code == 0, run.stderr
    expected = [
        f"{r['asset_id']}\t{key}\t{value}\t{kind}"
        for r in records
        if r["user_metadata"]
        for key, value, kind in [
            ("n", r["user_metadata"]["n"], "integer"),
            ("name", r["user_metadata"]["name"], "string"),
        ]
    ]
    assert run.stdout.splitlines() == expected


def test_table_names_its_columns(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 3)

    run = cli("export", "-o", "table", env={"COLUMNS": "120"})

    assert run.code == 0, run.stderr
    header = run.stdout.splitlines()[0]
    assert [word for word in header.split() if word.isalpha() or "_" in word] == [
        "asset_id",
        "key",
        "value",
        "type",
    ]
    assert records[1]["asset_id"] in run.stdout


def fail_the_second_page(emulator: Emulator) -> None:
    # The first listing goes through untouched; the second is refused (no retries in tests).
    emulator.faults.add(Fault(method="GET", path_contains="/assets", status=200))
    emulator.faults.add(Fault(method="GET", path_contains="/assets", status=500))


@pytest.mark.parametrize("fmt", ["jsonl", "tsv"])
def test_rows_of_the_first_page_are_out_before_the_second_fails(
    cli: Cli, emulator: Emulator, fmt: str
) -> None:
    records = make_assets(emulator, 120)
    fail_the_second_page(emulator)

    run = cli("export", "-o", fmt)

    assert run.code == 5
    lines = run.stdout.splitlines()
    first_page = records[:50]
    if fmt == "jsonl":
        assert jsonl(run.stdout) == first_page
    else:
        assert {line.split("\t")[0] for line in lines} == {
            r["asset_id"] for r in first_page if r["user_metadata"]
        }


def test_json_streams_and_is_left_open_when_the_export_fails(cli: Cli, emulator: Emulator) -> None:
    records = make_assets(emulator, 120)
    fail_the_second_page(emulator)

    run = cli("export", "-o", "json")

    assert run.code == 5
    # Written element by element; a failed export must not parse as a complete one.
    assert run.stdout.startswith("[\n  {")
    with pytest.raises(json.JSONDecodeError):
        json.loads(run.stdout)
    assert json.loads(run.stdout + "\n]") == records[:50]


def test_a_failure_before_any_asset_prints_nothing(cli: Cli, emulator: Emulator) -> None:
    make_assets(emulator, 3)
    emulator.faults.add(Fault(method="GET", path_contains="/assets", status=500))

    run = cli("export", "-o", "json")

    assert run.code == 5
    assert run.stdout == ""


PEAK_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def peak_rss_kib(cli: Cli, *args: str) -> int:
    """The peak memory of one CLI run, alone in a fresh parent so nothing else counts."""
    argv = [sys.executable, "-c", PEAK_RSS, sys.executable, "-m", "assetmeta", *args]
    done = subprocess.run(argv, capture_output=True, env=cli.env, cwd=cli.cwd, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_memory_stays_flat_for_streamed_formats(cli: Cli, emulator: Emulator) -> None:
    # Past the allocator's warm-up, six times the assets must not cost more memory: about
    # 40 MB of metadata, which a collected export would hold several times over.
    make_assets(emulator, 1_000, size=10_000)
    warm = {fmt: peak_rss_kib(cli, "export", "-o", fmt) for fmt in ("jsonl", "json", "tsv")}
    make_assets(emulator, 6_000, size=10_000)
    for fmt, baseline in warm.items():
        grown = peak_rss_kib(cli, "export", "-o", fmt) - baseline
        assert grown < 16_000, f"{fmt}: peak memory grew by {grown} KiB"


def test_export_without_page_info_reads_on_until_a_short_page(cli: Cli) -> None:
    """A server that leaves out page_info must not end an export after its first page with
    exit 0: the export reads on until a page comes back short."""
    from urllib.parse import parse_qs, urlparse

    from .rawserver import json_answer, serve, url_of

    assets = [{"_id": f"{n + 1:024x}", "user_metadata": {"n": n}} for n in range(120)]

    def pages(handler: Any) -> tuple[int, list[tuple[str, str]], bytes]:
        query = parse_qs(urlparse(handler.path).query)
        page, limit = int(query["page"][0]), int(query["page_limit"][0])
        return json_answer(200, {"data": assets[(page - 1) * limit : page * limit]})

    with serve(pages) as server:
        run = cli("export", "--base-url", url_of(server) + "/v1.3")
        asked = [path for _, path, _ in server.seen]

    assert run.code == 0, run.stderr
    assert [json.loads(line)["user_metadata"]["n"] for line in run.stdout.splitlines()] == list(
        range(120)
    )
    assert len(asked) == 3 and all("page_limit=50" in path for path in asked)
