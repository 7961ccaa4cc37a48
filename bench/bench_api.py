"""API list endpoint under load (issue 15, "API"): the residents list, a page of 50.

    .venv/bin/python bench/bench_api.py [--database sqlite|postgres|both] [--duration 15]
        [--warmup 5] [--workers 4] [--connections 16] [--residents 100000]

Defaults: both databases, about 4 minutes in all on 2 cores. Figures go to stdout and to
bench/results/api.txt.

The goal: GET /api/v1/residents, a page of 50, at least 500 requests/s with p99 under
100 ms under gunicorn, loaded from a second process on loopback, beside the framework's
floor (a trivial view) in the same run.

For each database: a fresh one (migrate, load_units) in var/bench-api/<database>/ or the
scratch PostgreSQL database bench_api_helper; one commune (31135) with 100,000 residents
in households of four, made by bench_dashboard's generator (no help sessions); an officer
of that commune with a read-scope token (digiward.api.tokens.token_create). gunicorn is
started and wrk drives it exactly as in bench_load.py (sync workers, DEBUG off, the full
middleware; wrk on 127.0.0.1; server and wrk share this machine's cores), one wrk run at a
time, each after a warm-up run of the same requests:

1. the floor: /healthz (a trivial view, one SELECT 1), as in bench_load.py;
2. residents, first pages: ?page=1..20&page_size=50, in rotation;
3. residents, across the list: 20 pages spread from the first to the last (OFFSET 0 to
   99,950), in rotation, as an integration reading the whole list sees them.

Every answer is checked (status 200 and a page of items) by bench_load's wrk script. What
each API read costs is kept as it is: the token lookup, the per-token rate-limit counter
(one UPDATE of the same row per request, in every worker), the audit row written per list
read (counted before and after each run, and compared with the answers), the COUNT(*)
of the paginator and the page query. Only the rate limit's ceiling is raised
(DIGIWARD_API_RATE_PER_MINUTE, 600 a minute by default) so that it does not cap the
measurement; the output says so.

Quiet machine: each run waits (up to a minute) for a 2 s stretch in which other processes
use at most 10 % of the CPU; the load average just before the run is printed; during the
run the CPU used by processes other than gunicorn, wrk and this database's PostgreSQL
backends is measured from /proc, and a run during which others used more than 10 % of the
machine is run again (at most twice). The table prints the share others used, the share
in use in all ("CPU busy": 100 % means the 2 cores were the limit) and which attempt it is.

Before the server starts, one request of each kind goes through Django's test client in
process with the queries captured, to show where a request's time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))  # bench/ is not a package

import bench_load  # noqa: E402 - the server, wrk and its checking script, from issue 17
from bench_load import Endpoint, Result, manage, preflight, run_one, serve, shell_json, stop  # noqa: E402

# bench_load's helpers read these module constants: this benchmark's own var dir, scratch
# PostgreSQL database and port (bench_load's own 8766 and the demo's 8000 can stay up).
bench_load.VAR = ROOT / "var" / "bench-api"
bench_load.PG_URL = "postgres://postgres@127.0.0.1:5432/bench_api_helper"
bench_load.PORT = 8767
bench_load.BASE = f"http://127.0.0.1:{bench_load.PORT}"

T = TypeVar("T")
RESULTS = BENCH_DIR / "results" / "api.txt"
COMMUNE = "31135"
RATE_PER_MINUTE = 100_000_000  # the API's per-token limit, raised out of the way
RPS_GOAL = 500.0
P99_GOAL_MS = 100.0
PAGE_SIZE = 50
OTHERS_MAX = 0.10  # share of the machine's CPU others may use during a run
RERUNS = 2


# ---- data: built in a child process (Django is set up once per process) ------------------

CHILD = "--build-in-child"


def build_child(residents: int) -> None:
    """In a child run with bench_load.env(database): the commune, the officer, the token,
    then one request of each kind in process with its queries; prints one JSON line."""
    import cProfile
    import io
    import pstats
    import random
    from importlib import import_module

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from digiward.api.models import TokenScope
    from digiward.api.tokens import token_create
    from digiward.core.access import access_for
    from digiward.core.models import Commune, Membership, Role, User

    settings.ALLOWED_HOSTS = ["*"]
    # bench_dashboard's generator (untyped; not followed by mypy through import_module).
    build_commune: Callable[..., None] = import_module("bench_dashboard").build_commune
    commune = Commune.objects.select_related("province").get(code=COMMUNE)
    started = time.perf_counter()
    build_commune(commune, residents, 0, random.Random(15))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    user = User.objects.create(username="bench-api-officer", full_name="Cán bộ Thử")
    Membership.objects.create(user=user, role=Role.OFFICER, commune=commune)
    access = access_for(user, commune)
    assert access is not None
    secret = token_create(access=access, name="bench", scope=TokenScope.READ, days=30).secret

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    last = -(-residents // PAGE_SIZE)
    breakdown: dict[str, Any] = {}
    for label, page in (("first page", 1), ("last page", last)):
        url = f"/api/v1/residents?page={page}&page_size={PAGE_SIZE}"
        for _ in range(3):  # warm up
            assert client.get(url).status_code == 200
        runs = []
        for _ in range(9):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(url)
                total = (time.perf_counter() - began) * 1000
            assert response.status_code == 200
            queries = [(q["sql"], float(q["time"]) * 1000) for q in captured.captured_queries]
            runs.append((total, queries))
        runs.sort(key=lambda run: run[0])
        total, queries = runs[len(runs) // 2]  # the median request
        breakdown[label] = {
            "total_ms": total,
            "queries": [[" ".join(sql.split())[:110], ms] for sql, ms in queries],
        }
    # Where the Python time goes: 20 requests across the list under cProfile.
    profiler = cProfile.Profile()
    profiler.enable()
    for page in range(1, last + 1, max(1, last // 20)):
        client.get(f"/api/v1/residents?page={page}&page_size={PAGE_SIZE}")
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(12)
    breakdown["profile"] = stream.getvalue()
    print(json.dumps({"secret": secret, "built_s": built, "breakdown": breakdown}))


def build(database: str, residents: int) -> dict[str, Any]:
    var = bench_load.VAR / database
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    if database == "postgres":
        bench_load.fresh_postgres()
    manage(database, "migrate", "-v0")
    manage(database, "load_units")
    done = subprocess.run(
        [sys.executable, __file__, CHILD, "--residents", str(residents)],
        cwd=ROOT,
        env=bench_load.env(database),
        check=True,
        capture_output=True,
        text=True,
    )
    built: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return built


AUDIT_ROWS = """
import json
from digiward.core.models import AuditEvent
print(json.dumps(AuditEvent.objects.filter(object_type='registry.resident').count()))
"""


def audit_rows(database: str) -> int:
    count = shell_json(database, AUDIT_ROWS)
    assert isinstance(count, int)
    return count


# ---- a quiet machine -------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """CPU ticks (busy, total) over all cores since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def process_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def server_ticks(pid: int) -> dict[int, int]:
    """gunicorn's master and its workers, and the PostgreSQL backends serving this
    benchmark's database (none on SQLite)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    ticks = {p: process_ticks(p) for p in [pid, *map(int, children)]}
    marker = f" {urllib.parse.urlsplit(bench_load.PG_URL).path.lstrip('/')} ".encode()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                command = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if command.startswith(b"postgres: ") and marker in command:
                ticks[int(proc.name)] = process_ticks(int(proc.name))
    return ticks


def waited_children_ticks() -> int:
    """CPU of this process's finished children: wrk, once run_one has waited for it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round((usage.ru_utime + usage.ru_stime) * TICKS)


def loadavg() -> str:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"{one} / {five} / {fifteen}"


@dataclass
class Run:
    result: Result
    load_before: str  # load average (1, 5, 15 min) just before the run
    others: float  # share of the machine's CPU used by other processes during the run
    busy: float  # share of the machine's CPU in use during the run, by anyone
    attempt: int
    audit_written: int | None  # audit rows written during the run (API runs only)


def others_share(server_pid: int, window: Callable[[], T]) -> tuple[float, float, T]:
    """The share of the machine's CPU that processes other than gunicorn and wrk used
    while `window` ran, the share in use in all, and what `window` returned."""
    busy0, total0 = machine_ticks()
    server0, wrk0 = server_ticks(server_pid), waited_children_ticks()
    value = window()
    busy1, total1 = machine_ticks()
    server1, wrk1 = server_ticks(server_pid), waited_children_ticks()
    # Per process, so that one that ended during the window does not count negative (its
    # CPU is then counted as others': an upper bound).
    ours = wrk1 - wrk0 + sum(t - server0.get(p, 0) for p, t in server1.items())
    total = max(1, total1 - total0)
    return max(0.0, (busy1 - busy0) - ours) / total, (busy1 - busy0) / total, value


def wait_quiet(server_pid: int) -> None:
    """Up to a minute for a 2 s stretch in which others use at most OTHERS_MAX."""
    for _ in range(30):
        if others_share(server_pid, partial(time.sleep, 2))[0] <= OTHERS_MAX:
            return
    print("  (the machine did not go quiet in a minute: measuring anyway)")


def measured(server_pid: int, run: Callable[[], Result], audit: Callable[[], int] | None) -> Run:
    """`run` on a quiet machine; again while others used more than OTHERS_MAX during it."""
    for attempt in range(1, RERUNS + 2):
        wait_quiet(server_pid)
        rows_before = audit() if audit else 0
        before = loadavg()
        others, busy, result = others_share(server_pid, run)
        written = audit() - rows_before if audit else None
        if others <= OTHERS_MAX or attempt == RERUNS + 1:
            return Run(result, before, others, busy, attempt, written)
        print(
            f"  ({result.name}: other processes used {100 * others:.0f} % of the CPU "
            f"during the run, load {before}: run again)"
        )
    raise AssertionError("unreachable")


# ---- the runs --------------------------------------------------------------------------


def endpoints(secret: str, residents: int) -> list[Endpoint]:
    last = -(-residents // PAGE_SIZE)
    spread = sorted({1 + k * (last - 1) // 19 for k in range(20)})
    auth = {"Authorization": f"Bearer {secret}"}

    def pages(numbers: list[int]) -> list[tuple[str, str, str]]:
        return [("GET", f"/api/v1/residents?page={n}&page_size={PAGE_SIZE}", "") for n in numbers]

    first = list(range(1, 21))
    return [
        Endpoint("floor: /healthz (trivial view)", [("GET", "/healthz", "")], public=False),
        Endpoint(
            f"residents, first pages (page 1-{first[-1]})",
            pages(first),
            public=False,
            expect_body='"items": [{"id": ',
            headers=auth,
        ),
        Endpoint(
            f"residents, across the list (20 pages, 1-{spread[-1]})",
            pages(spread),
            public=False,
            expect_body='"items": [{"id": ',
            headers=auth,
        ),
    ]


def run_database(database: str, args: argparse.Namespace) -> list[str]:
    began = time.monotonic()
    print(f"\n## {database}\n")
    built = build(database, args.residents)
    print(
        f"setup: migrate, load_units, {args.residents:,} residents in commune {COMMUNE} "
        f"(generated in {built['built_s']:.0f} s), an officer with a read-scope token; "
        f"{time.monotonic() - began:.0f} s in all"
    )
    print("\none request at a time through Django's test client, in process (the median of 9):")
    profile = built["breakdown"].pop("profile")
    for label, figures in built["breakdown"].items():
        sql_ms = sum(ms for _, ms in figures["queries"])
        print(
            f"\n- {label}: {figures['total_ms']:.1f} ms, of which SQL {sql_ms:.1f} ms "
            f"in {len(figures['queries'])} queries:"
        )
        for sql, ms in figures["queries"]:
            print(f"    {ms:6.2f} ms  {sql}")

    lines = profile.strip().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print("\n20 requests across the list under cProfile, the top functions by own time:\n")
    for line in [lines[0].strip(), *lines[start:]]:
        print(f"    {line.rstrip()}")

    workdir = bench_load.VAR / database / "wrk"
    workdir.mkdir(parents=True, exist_ok=True)
    server = serve(database, args.workers)
    runs: list[Run] = []
    audit_lines: list[str] = []
    try:
        targets = endpoints(built["secret"], args.residents)
        preflight(targets, args.workers)
        for endpoint in targets:
            run_one(workdir, endpoint, args.warmup, args.connections)  # warm-up, not counted
            run = measured(
                server.pid,
                partial(run_one, workdir, endpoint, args.duration, args.connections),
                partial(audit_rows, database) if endpoint.headers else None,
            )
            runs.append(run)
            if run.audit_written is not None:
                written = run.audit_written
                answered = run.result.requests - run.result.wrong
                # wrk stops the clock with requests in flight: the server may finish a few.
                slack = written - answered
                ok = 0 <= slack <= run.result.requests // 100 + 2 * args.connections
                audit_lines.append(
                    f"audit rows, {endpoint.name}: {answered} answers counted by wrk, "
                    f"{written} rows written ({'ok' if ok else 'MISMATCH'})"
                )
    finally:
        stop(server)

    floor = runs[0].result
    print(
        f"\n### wrk -t2 -c{args.connections} -d{args.duration}s after a {args.warmup} s "
        f"warm-up; gunicorn sync workers={args.workers}\n"
    )
    print(
        "| endpoint | req/s | p50 ms | p99 ms | max ms | errors | x floor "
        "| CPU busy | load avg before (1/5/15 min) | others' CPU during | run |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        r = run.result
        print(
            f"| {r.name} | {r.rps:.0f} | {r.p50:.1f} | {r.p99:.1f} | {r.max:.0f} | {r.errors} "
            f"| {r.rps / floor.rps:.2f} | {100 * run.busy:.0f} % | {run.load_before} "
            f"| {100 * run.others:.0f} % "
            f"| {run.attempt} |"
        )
    print()
    for line in audit_lines:
        print(line)
    print(f"{database} done in {time.monotonic() - began:.0f} s")

    goals = []
    for run in runs[1:]:
        r = run.result
        ok = r.rps >= RPS_GOAL and r.p99 < P99_GOAL_MS and r.errors == 0
        goals.append(
            f"{database}: {r.name}: >= {RPS_GOAL:.0f} req/s and p99 < {P99_GOAL_MS:.0f} ms: "
            f"{'PASS' if ok else 'FAIL'} ({r.rps:.0f} req/s, p99 {r.p99:.1f} ms, "
            f"{r.errors} errors; {r.rps / floor.rps:.2f} x the floor's {floor.rps:.0f} req/s)"
        )
    return goals


class Tee:
    """Print to the terminal and keep every line for bench/results/api.txt."""

    def __init__(self) -> None:
        self.terminal = sys.stdout
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        return self.terminal.write(text)

    def flush(self) -> None:
        self.terminal.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured wrk run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up before each")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(CHILD, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_in_child:
        build_child(args.residents)
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    # Read by the server and the child through bench_load.env(), which copies os.environ.
    os.environ["DIGIWARD_API_RATE_PER_MINUTE"] = str(RATE_PER_MINUTE)
    tee = Tee()
    sys.stdout = tee
    began = time.monotonic()
    print(
        f"DigiWard API list endpoint under load: gunicorn sync workers={args.workers}, wrk on "
        f"loopback, {os.cpu_count()} cores shared by server and wrk; {args.residents:,} "
        f"residents, a page of {PAGE_SIZE}"
    )
    print(
        f"the per-token rate limit is raised to {RATE_PER_MINUTE:,} a minute "
        "(DIGIWARD_API_RATE_PER_MINUTE; 600 by default) so it does not cap the measurement; "
        "its counter is still written on every request, and so is the audit row of each read"
    )
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    goals: list[str] = []
    for database in databases:
        goals += run_database(database, args)
    print("\n## goals\n")
    for line in goals:
        print(f"- {line}")
    print(f"\nelapsed: {time.monotonic() - began:.0f} s")
    sys.stdout = tee.terminal
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("".join(tee.lines))


if __name__ == "__main__":
    main()
