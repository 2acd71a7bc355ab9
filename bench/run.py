"""The project's performance targets, measured against baselines taken in the same run.

    python bench/run.py [--quick] [--only startup,write,batch,ratelimit,memory]

Every figure is the median of several fresh processes, compared with a baseline measured
alongside it (runs interleaved, so noise hits both alike); only ratios are judged. The
emulator runs in this process on 127.0.0.1; the children get an isolated HOME, config and
state folder and find the emulator through TWELVE_LABS_API_KEY and TWELVELABS_BASE_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetmeta.emulator import SAMPLE_ASSET_ID, Emulator
from assetmeta.emulator.server import EmulatorHTTPServer

API_KEY = "bench-key-0123456789"
SECTIONS = ("startup", "write", "batch", "ratelimit", "memory")
BATCH_IDS = 300
BATCH_LATENCY = 0.05
BATCH_CONCURRENCY = 16
LOOP_IDS = 20
SMALL = 1_000
LISTEN_BACKLOG = 128
METADATA = {"batch": 42, "reviewed": True, "label": "bench"}
PATCH_BODY = json.dumps({"user_metadata": {"k": "v"}})
# Peak RSS comes from a small go-between: Linux carries the RSS of the process that forks
# over into its child's ru_maxrss, and this process holds the emulator's assets.
RSS_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
    "sys.exit(code)"
)


@dataclass(frozen=True)
class Plan:
    """How much to run: --quick trades precision and the big size for time."""

    quick: bool
    startup_runs: int
    write_runs: int
    batch_runs: int
    loop_runs: int
    memory_runs: int
    big: int

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(
                True,
                startup_runs=9,
                write_runs=7,
                batch_runs=3,
                loop_runs=1,
                memory_runs=1,
                big=10_000,
            )
        return cls(
            False,
            startup_runs=21,
            write_runs=15,
            batch_runs=5,
            loop_runs=3,
            memory_runs=3,
            big=100_000,
        )


@dataclass(frozen=True)
class Row:
    """One line of the table; `limit` is the highest passing ratio (None: report only)."""

    measure: str
    tool: str
    baseline: str
    ratio: float | None
    target: str
    limit: float | None = None
    strict: bool = False
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        ok = self.passed
        if ok is None and self.limit is not None and self.ratio is not None:
            ok = self.ratio < self.limit if self.strict else self.ratio <= self.limit
        return "info" if ok is None else "ok" if ok else "MISSED"


@dataclass(frozen=True)
class Finished:
    """One child process: wall time, peak RSS (KiB, 0 if not measured), exit code, output."""

    argv: tuple[str, ...]
    seconds: float
    max_rss_kb: int
    code: int
    stdout: Path
    stderr: Path

    def check(self) -> Finished:
        if self.code != 0:
            tail = self.stderr.read_text(errors="replace").strip().splitlines()[-5:]
            raise BenchError(f"exit {self.code}: {' '.join(self.argv)}\n  " + "\n  ".join(tail))
        return self


class BenchError(Exception):
    """A child failed or an emulator saw something other than what was expected."""


@dataclass
class Bench:
    """What every section shares: the plan, the commands, a sandboxed environment."""

    plan: Plan
    root: Path
    tool: list[str] = field(default_factory=list)
    version_times: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tool = tool_command()
        for sub in ("home", "config", "state", "out", "work"):
            (self.root / sub).mkdir(exist_ok=True)

    def env(self, base_url: str = "http://127.0.0.1:9/v1.3") -> dict[str, str]:
        names = ("ASSETMETA_", "TWELVE_LABS_", "TWELVELABS_", "XDG_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(names)}
        env.update(
            HOME=str(self.root / "home"),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_STATE_HOME=str(self.root / "state"),
            TWELVE_LABS_API_KEY=API_KEY,
            TWELVELABS_BASE_URL=base_url,
            NO_COLOR="1",
        )
        return env

    def run(
        self,
        argv: Sequence[str],
        base_url: str | None = None,
        stdin: Path | None = None,
        rss: bool = False,
    ) -> Finished:
        """Run one child to its end: its wall time and, with `rss`, its peak RSS."""
        out, err, peak = (self.root / "out" / name for name in ("stdout", "stderr", "rss"))
        env = self.env(base_url) if base_url else self.env()
        command = [sys.executable, "-c", RSS_WRAPPER, str(peak), *argv] if rss else list(argv)
        with out.open("wb") as o, err.open("wb") as e, ExitStack() as stack:
            source = stack.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
            started = time.perf_counter()
            code = subprocess.run(
                command, stdin=source, stdout=o, stderr=e, env=env, cwd=self.root / "work"
            ).returncode
            elapsed = time.perf_counter() - started
        max_rss = int(peak.read_text()) if rss else 0
        return Finished(tuple(argv), elapsed, max_rss, code, out, err)

    def version_median(self) -> float:
        """`assetmeta --version`: the start-up the batch's ideal includes."""
        if not self.version_times:
            self.run([*self.tool, "--version"]).check()
            self.version_times = [
                self.run([*self.tool, "--version"]).check().seconds for _ in range(7)
            ]
        return statistics.median(self.version_times)


def start_emulator(latency: float = 0.0) -> Emulator:
    """An emulator on 127.0.0.1 whose accept queue takes a burst of new connections.

    socketserver listens with a backlog of 5: 16 clients connecting at once overflow it and
    the dropped ones wait for a SYN retransmit (1 s), which would be timed as the tool's.
    """
    EmulatorHTTPServer.request_queue_size = LISTEN_BACKLOG
    return Emulator(api_key=API_KEY, latency=latency)


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped from full accept queues (whole machine)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            fields = dict(zip(names.split()[1:], values.split()[1:], strict=True))
            return int(fields.get("ListenOverflows", 0))
    return None


def tool_command() -> list[str]:
    script = Path(sys.executable).with_name("assetmeta")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "assetmeta"]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def interleaved(jobs: dict[str, Callable[[], Finished]], runs: int) -> dict[str, list[float]]:
    """One warm-up each, then `runs` rounds of every job in turn: their wall times."""
    for job in jobs.values():
        job().check()
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(runs):
        for name, job in jobs.items():
            times[name].append(job().check().seconds)
    return times


def seconds(value: float) -> str:
    return f"{value:.3f} s"


def megabytes(kb: float) -> str:
    return f"{kb / 1024:.1f} MB"


def ratio_row(
    measure: str,
    tool: float,
    baseline: float,
    show: Callable[[float], str],
    target: str,
    limit: float | None = None,
    strict: bool = False,
) -> Row:
    return Row(measure, show(tool), show(baseline), tool / baseline, target, limit, strict)


def asset_ids(count: int) -> list[str]:
    return [f"{0xBE0C0000_0000000000000000 + n:024x}" for n in range(count)]


def make_assets(ids: Iterable[str]) -> list[dict[str, Any]]:
    return [
        {
            "_id": asset_id,
            "method": "direct",
            "status": "ready",
            "filename": f"bench-{n}.mp4",
            "file_type": "video/mp4",
            "size": 1_000_000 + n,
            "duration": 60.0,
            "created_at": "2025-06-01T12:00:00Z",
            "user_metadata": {"campaign": "bench", "n": n},
        }
        for n, asset_id in enumerate(ids)
    ]


def expect_writes(emulator: Emulator, method: str, count: int, what: str) -> None:
    """The emulator got exactly `count` successful `method` requests since its log was cleared."""
    requests = emulator.requests
    good = sum(1 for r in requests if r.method == method and r.status < 300)
    if good != count or len(requests) != count:
        raise BenchError(f"{what}: expected {count} good {method}s, got {good} of {len(requests)}")
    emulator.clear_requests()


# -- sections ---------------------------------------------------------------------------


def bench_startup(bench: Bench) -> list[Row]:
    tool, runs = bench.tool, bench.plan.startup_runs
    say(f"[startup] --version, --help and 'import httpx', {runs} runs each")
    times = interleaved(
        {
            "version": lambda: bench.run([*tool, "--version"]),
            "help": lambda: bench.run([*tool, "--help"]),
            "httpx": lambda: bench.run([sys.executable, "-c", "import httpx"]),
        },
        runs,
    )
    bench.version_times = times["version"]
    baseline = statistics.median(times["httpx"])
    rows = [
        ratio_row(
            "start-up: assetmeta --version",
            statistics.median(times["version"]),
            baseline,
            seconds,
            "<= 1.0 x import httpx",
            1.0,
        ),
        ratio_row(
            "start-up: assetmeta --help",
            statistics.median(times["help"]),
            baseline,
            seconds,
            "report",
            None,
        ),
    ]
    for args in (["--version"], ["--help"]):
        imported = imports_httpx(bench, args)
        print(f"httpx imported by assetmeta {args[0]}: {'yes' if imported else 'no'}")
        answer = "yes" if imported else "no"
        rows.append(Row(f"httpx imported: {args[0]}", answer, "-", None, "no", passed=not imported))
    return rows


def imports_httpx(bench: Bench, args: list[str]) -> bool:
    """Whether `python -X importtime -m assetmeta ARGS` loads any httpx module."""
    done = bench.run([sys.executable, "-X", "importtime", "-m", "assetmeta", *args]).check()
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.read_text().splitlines()
        if line.startswith("import time:")
    }
    return any(name == "httpx" or name.startswith("httpx.") for name in modules)


def bench_write(bench: Bench) -> list[Row]:
    runs = bench.plan.write_runs
    say(f"[write] assetmeta set vs a one-shot httpx.patch script, {runs} runs each")
    with start_emulator() as emulator:
        url = f"{emulator.base_url}/assets/{SAMPLE_ASSET_ID}/user-metadata"
        script = (
            f"import httpx; httpx.patch({url!r}, json={{'user_metadata': {{'k': 'v'}}}}, "
            f"headers={{'x-api-key': {API_KEY!r}}}).raise_for_status()"
        )
        times = interleaved(
            {
                "tool": lambda: bench.run(
                    [*bench.tool, "set", SAMPLE_ASSET_ID, "k=v", "--no-journal"], emulator.base_url
                ),
                "script": lambda: bench.run([sys.executable, "-c", script]),
            },
            runs,
        )
        expect_writes(emulator, "PATCH", 2 * (runs + 1), "write")
    return [
        ratio_row(
            "one write: set ID k=v --no-journal",
            statistics.median(times["tool"]),
            statistics.median(times["script"]),
            seconds,
            "<= 1.5 x httpx script",
            1.5,
        ),
    ]


def bench_batch(bench: Bench) -> list[Row]:
    plan = bench.plan
    startup = bench.version_median()
    ideal = BATCH_IDS * BATCH_LATENCY / BATCH_CONCURRENCY + startup
    say(f"[batch] {BATCH_IDS} ids, latency {BATCH_LATENCY} s, concurrency {BATCH_CONCURRENCY}")
    ids = asset_ids(BATCH_IDS)
    with start_emulator(BATCH_LATENCY) as emulator:
        emulator.store.replace_all(make_assets(ids))
        base = emulator.base_url
        id_file = bench.root / "ids.txt"
        id_file.write_text("".join(f"{i}\n" for i in ids))
        tool = [
            *bench.tool,
            "set",
            "--ids-from",
            str(id_file),
            "k=v",
            "--no-journal",
            "--concurrency",
            str(BATCH_CONCURRENCY),
        ]
        jobs: dict[str, Callable[[], Finished]] = {"tool": lambda: bench.run(tool, base)}
        curl = shutil.which("curl") and shutil.which("xargs")
        if curl:
            url_file = bench.root / "urls.txt"
            url_file.write_text("".join(f"{base}/assets/{i}/user-metadata\n" for i in ids))
            xargs = [
                "xargs",
                "-P",
                str(BATCH_CONCURRENCY),
                "-n",
                "1",
                "curl",
                "-sf",
                "-o",
                "/dev/null",
                "-X",
                "PATCH",
                "-H",
                f"x-api-key: {API_KEY}",
                "-H",
                "content-type: application/json",
                "--data",
                PATCH_BODY,
            ]
            jobs["curl"] = lambda: bench.run(xargs, base, stdin=url_file)
        emulator.clear_requests()
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for name, job in jobs.items():  # a warm-up, checked for exactly one PATCH per id
            job().check()
            expect_writes(emulator, "PATCH", BATCH_IDS, f"batch warm-up ({name})")
        for _ in range(plan.batch_runs):
            for name, job in jobs.items():
                times[name].append(job().check().seconds)
                expect_writes(emulator, "PATCH", BATCH_IDS, f"batch ({name})")
        say(f"[batch] sequential loop: one 'assetmeta set' per id for {LOOP_IDS} ids")
        loops = []
        for _ in range(plan.loop_runs):
            started = time.perf_counter()
            for asset_id in ids[:LOOP_IDS]:
                bench.run([*bench.tool, "set", asset_id, "k=v", "--no-journal"], base).check()
            loops.append(time.perf_counter() - started)
            expect_writes(emulator, "PATCH", LOOP_IDS, "sequential loop")
    batch = statistics.median(times["tool"])
    loop = statistics.median(loops) * BATCH_IDS / LOOP_IDS
    ideal_text = f"{BATCH_IDS}x{BATCH_LATENCY}/{BATCH_CONCURRENCY} + --version start-up"
    say(f"[batch] ideal = {ideal_text} = {ideal:.3f} s")
    rows = [
        ratio_row(f"batch {BATCH_IDS} ids vs ideal", batch, ideal, seconds, "<= 1.3 x ideal", 1.3)
    ]
    if curl:
        rows.append(
            ratio_row(
                f"batch vs xargs -P {BATCH_CONCURRENCY} curl",
                batch,
                statistics.median(times["curl"]),
                seconds,
                "< 1.0",
                1.0,
                True,
            )
        )
    else:
        print("curl: not installed")
        rows.append(
            Row(
                f"batch vs xargs -P {BATCH_CONCURRENCY} curl",
                seconds(batch),
                "curl: not installed",
                None,
                "< 1.0",
            )
        )
    rows.append(
        ratio_row(
            f"batch vs loop of set ({LOOP_IDS} ids x{BATCH_IDS // LOOP_IDS})",
            batch,
            loop,
            seconds,
            "report (extrapolated)",
        )
    )
    return rows


def bench_ratelimit(bench: Bench) -> list[Row]:
    """A batch three times the size of one rate-limit window: the throughput the tool gets
    against what the limit allows, and how many answers were 429 (the target: none failed).

    The window is shortened to 20 s (the platform's is a minute) to keep the run short; the
    ideal is the time the limit needs for the whole batch: the windows before the last one
    (the first starts with the first request), plus the tool's start-up. The reset time in
    the headers has whole-second resolution, so a window can cost up to 1 s more than it
    lasts: a 20 s window keeps that well under the 10 % the target allows."""
    limit, window, windows = 60, 20.0, 3
    count = limit * windows
    say(f"[ratelimit] {count} ids, {limit} requests per {window:.0f} s window, concurrency 16")
    ids = asset_ids(count)
    listing = bench.root / "work" / "ratelimit-ids.txt"
    listing.write_text("".join(f"{i}\n" for i in ids), encoding="utf-8")
    with start_emulator() as emulator:
        emulator.store.replace_all(make_assets(ids))
        emulator.faults.limit_rate(limit, window=window)
        argv = [
            *bench.tool,
            "set",
            "--ids-from",
            str(listing),
            "paced=1",
            "--no-journal",
            "--concurrency",
            "16",
        ]
        run = bench.run(argv, emulator.base_url).check()
        statuses = [r.status for r in emulator.requests]
        failed = count - statuses.count(204)
    ideal = (windows - 1) * window + bench.version_median()
    refused = statuses.count(429)
    return [
        ratio_row(
            f"rate limit: {count} ids at {limit}/{window:.0f} s vs the limit's pace",
            run.seconds,
            ideal,
            seconds,
            "<= 1.1 x limit's throughput",
            1.1,
        ),
        Row("rate limit: assets failed", str(failed), "0", None, "0", passed=failed == 0),
        Row("rate limit: answers 429 (retried)", str(refused), "-", None, "report"),
    ]


def bench_memory(bench: Bench) -> list[Row]:
    plan = bench.plan
    print(f"memory: large size {plan.big:,} (small {SMALL:,}){' --quick' if plan.quick else ''}")
    peaks: dict[tuple[str, int], float] = {}
    for size in (SMALL, plan.big):
        ids = asset_ids(size)
        lines = bench.root / f"apply-{size}.jsonl"
        with lines.open("w") as f:
            for asset_id in ids:
                f.write(json.dumps({"asset_id": asset_id, "user_metadata": METADATA}) + "\n")
        with start_emulator() as emulator:
            emulator.store.replace_all(make_assets(ids))
            commands = {
                "apply": [*bench.tool, "apply", str(lines), "--no-journal"],
                "export": [*bench.tool, "export"],
            }
            for name, argv in commands.items():
                runs = [
                    memory_run(bench, name, argv, emulator, size) for _ in range(plan.memory_runs)
                ]
                peaks[name, size] = statistics.median(r.max_rss_kb for r in runs)
                wall = statistics.median(r.seconds for r in runs)
                say(f"[memory] {name} {size:,}: peak {megabytes(peaks[name, size])}, {wall:.1f} s")
        lines.unlink()
    return [
        ratio_row(
            f"peak RSS: {name} {plan.big:,} vs {SMALL:,}",
            peaks[name, plan.big],
            peaks[name, SMALL],
            megabytes,
            "<= 1.2",
            1.2,
        )
        for name in ("apply", "export")
    ]


def memory_run(bench: Bench, name: str, argv: list[str], emulator: Emulator, size: int) -> Finished:
    say(f"[memory] {name} {size:,} ...")
    done = bench.run(argv, emulator.base_url, rss=True).check()
    emulator.clear_requests()
    if name == "apply":
        summary = done.stderr.read_text().strip().splitlines()[-1]
        if f"0 failed (of {size})" not in summary:
            raise BenchError(f"apply {size}: {summary}")
    else:
        with done.stdout.open("rb") as out:
            count = sum(1 for _ in out)
        if count != size:
            raise BenchError(f"export {size}: {count} lines, expected {size}")
    return done


# -- the report -------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"machine: nproc {nproc}, {model}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def table(rows: list[Row]) -> str:
    header = ("measure", "this tool", "baseline", "ratio", "target", "verdict")
    cells = [header] + [
        (
            r.measure,
            r.tool,
            r.baseline,
            "-" if r.ratio is None else f"{r.ratio:.2f}",
            r.target,
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


SECTION_RUNNERS: dict[str, Callable[[Bench], list[Row]]] = {
    "startup": bench_startup,
    "write": bench_write,
    "batch": bench_batch,
    "ratelimit": bench_ratelimit,
    "memory": bench_memory,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="10,000 instead of 100,000 for memory, fewer repetitions",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections among {', '.join(SECTIONS)}",
    )
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.only) - set(SECTIONS))
    if unknown or not args.only:
        parser.error(f"--only takes some of {', '.join(SECTIONS)}; got {', '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = Plan.make(args.quick)
    print(machine())
    print(f"tool: {' '.join(tool_command())}; mode: {'quick' if plan.quick else 'full'}")
    sys.stdout.flush()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="assetmeta-bench-") as tmp:
        bench = Bench(plan, Path(tmp))
        try:
            for name in (s for s in SECTIONS if s in args.only):
                before = listen_overflows()
                rows += SECTION_RUNNERS[name](bench)
                after = listen_overflows()
                if before is not None and after is not None and after > before:
                    dropped = after - before
                    say(
                        f"[{name}] note: {dropped} connection(s) overflowed an accept queue on this"
                    )
                    say("  machine (ListenOverflows; any listener): a 1 s SYN retry may be timed")
        except BenchError as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 1
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
