"""Province summaries benchmark (issue 15): the full rebuild of every summary for a
province of 1,000,000 residents, and the incremental update after one new help session.

    .venv/bin/python bench/bench_province_rebuild.py            # SQLite file in var/bench-province/
    .venv/bin/python bench/bench_province_rebuild.py --quick    # 10 communes of 5,000 residents
    .venv/bin/python bench/bench_province_rebuild.py --sessions-per-resident 3
    .venv/bin/python bench/bench_province_rebuild.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_province

The issue's goal: "Full rebuild of the summaries for a province of 1,000,000 residents:
under 10 minutes on this machine; an incremental update after one new help session:
under 50 ms."

Data: a fresh database (migrate, load_units); the province of commune 31135 and ten of its
communes (31135 first, then the others by code), each made by bench_dashboard's generator
with 100,000 residents and, by default, 10 help sessions per resident over the last 400
days (the dashboard benchmark's ratio): 1,000,000 residents and 10,000,000 sessions in
all. `--sessions-per-resident` lowers the sessions (e.g. 3: 300,000 a commune) when the
generation would take too long; the output says plainly what was built. After the first
commune the script estimates the whole generation and stops if it would exceed
`--max-generation-minutes` (default 25), saying which flag to use.

Measured, with the machine (nproc, CPU model) and the load average before each timed step:

1. the data generation (not part of the goal);
2. the full rebuild of every summary there is, for the whole province (all communes), in
   one process, wall time and rows written, against 10 minutes. The summaries are listed
   in REBUILDS; at start the script also looks for any `def rebuild…` under digiward/ and
   stops if one is not in that list, so a new summary table cannot be silently left out;
3. the incremental update: 20 new help sessions created the ordinary way
   (HelpSession.objects.create, whose post_save signal recounts that day) in the first
   commune, median and max against 50 ms;
4. each commune's rebuild on its own (range), and for the first commune where that
   rebuild's time goes: reading the sessions (SQL and driver), counting them in Python,
   deleting and writing the daily rows. The breakdown repeats the steps of
   `guidance.summaries.rebuild` with timers (the same ORM calls, its private helpers).

`--reuse` skips the fresh database and the generation and times steps 2 to 4 again on
the data an earlier run with the same flags left (it stops if the sessions are not there).

Figures go to stdout and, unless `--quick` or `--results ''`, are appended to
bench/results/province_rebuild.txt under a header naming the engine and the date.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from importlib import import_module
from pathlib import Path
from random import Random

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))  # bench/ is not a package

# bench_dashboard's helpers (untyped; not followed by mypy through import_module).
_dashboard = import_module("bench_dashboard")
build_commune: Callable[..., None] = _dashboard.build_commune
fresh_database: Callable[[str, Path | None], None] = _dashboard.fresh_database
setup_django: Callable[[str], None] = _dashboard.setup_django

RESULTS = BENCH_DIR / "results" / "province_rebuild.txt"
FIRST_COMMUNE = "31135"
REBUILD_GOAL_S = 600.0
INCREMENTAL_GOAL_MS = 50.0
INCREMENTAL_REPEATS = 20

# Every summary rebuild in the code base: (dotted path of a function taking no argument or
# commune_id=None and returning the rows written, what it rebuilds).
REBUILDS = [
    ("digiward.guidance.summaries.rebuild", "HelpSessionDay (daily help-session counts)"),
]

_lines: list[str] = []


def say(line: str = "") -> None:
    print(line, flush=True)
    _lines.append(line)


def load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    return f"machine: nproc {cores}, {model}, {int(memory) / 1024 / 1024:.0f} GiB RAM"


def rebuilds_in_code() -> list[str]:
    """Dotted paths of every module-level `def rebuild…` under digiward/ (tests aside)."""
    found = []
    pattern = re.compile(r"^def (rebuild\w*)\(", re.MULTILINE)
    for path in sorted((ROOT / "digiward").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found += [f"{module}.{name}" for name in pattern.findall(path.read_text())]
    return found


def resolve(dotted: str) -> Callable[..., int]:
    module, name = dotted.rsplit(".", 1)
    function: Callable[..., int] = getattr(import_module(module), name)
    return function


def breakdown(commune_id: int) -> dict[str, float]:
    """One commune's rebuild, step by step, as `guidance.summaries.rebuild` does it."""
    from django.db import transaction

    from digiward.core.models import Commune
    from digiward.guidance import summaries
    from digiward.guidance.models import HelpSession, HelpSessionDay

    times: dict[str, float] = {}
    with transaction.atomic():
        started = time.perf_counter()
        list(Commune.objects.select_for_update().filter(pk=commune_id).values_list("pk"))
        HelpSessionDay.objects.filter(commune_id=commune_id).delete()
        times["lock + delete the daily rows"] = time.perf_counter() - started
        started = time.perf_counter()
        rows = list(
            HelpSession.objects.filter(commune_id=commune_id)
            .values_list(*summaries._FIELDS)
            .iterator(chunk_size=20_000)
        )
        times[f"read {len(rows):,} sessions (SQL + driver)"] = time.perf_counter() - started
        started = time.perf_counter()
        counts = summaries._counts(rows)
        times["count them in Python"] = time.perf_counter() - started
        started = time.perf_counter()
        made = HelpSessionDay.objects.bulk_create(
            summaries._rows(commune_id, counts), batch_size=5_000
        )
        times[f"write {len(made):,} daily rows"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--quick", action="store_true", help="10 communes of 5,000 residents")
    parser.add_argument("--communes", type=int, default=10)
    parser.add_argument("--residents-per-commune", type=int, default=100_000)
    parser.add_argument("--sessions-per-resident", type=int, default=10)
    parser.add_argument("--max-generation-minutes", type=float, default=25.0)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run with the same flags; time the steps again",
    )
    parser.add_argument("--results", default=None, help="file the figures are appended to")
    args = parser.parse_args()
    residents = 5_000 if args.quick else args.residents_per_commune
    sessions = residents * args.sessions_per_resident
    results = args.results
    if results is None:
        results = "" if args.quick else str(RESULTS)

    url = args.database_url
    db_file = None
    if not url:
        db_file = ROOT / "var" / "bench-province" / "province.sqlite3"
        db_file.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{db_file}"

    missing = [name for name in rebuilds_in_code() if name not in {d for d, _ in REBUILDS}]
    if missing:
        sys.exit(f"summary rebuilds not in REBUILDS (add them): {', '.join(missing)}")

    run_started = time.perf_counter()
    if not args.reuse:
        fresh_database(url, db_file)
    setup_django(url)
    from django.db import connection

    from digiward.core.models import Commune, User
    from digiward.guidance.models import HelpSession, HelpSessionDay

    engine = connection.vendor
    say(
        f"== engine: {engine}; {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; {' '.join(sys.argv[1:])}"
    )
    say(machine())
    first = Commune.objects.select_related("province").get(code=FIRST_COMMUNE)
    others = Commune.objects.filter(province=first.province).exclude(pk=first.pk)
    communes = [first, *others.order_by("code")[: args.communes - 1]]
    if len(communes) < args.communes:
        sys.exit(f"the province has only {len(communes)} communes")
    say(
        f"data: province {first.province}, {len(communes)} communes × {residents:,} residents "
        f"= {len(communes) * residents:,} residents; {args.sessions_per_resident} help sessions "
        f"per resident over 400 days = {sessions:,} a commune, "
        f"{len(communes) * sessions:,} in all"
    )
    if args.sessions_per_resident != 10:
        say(
            f"NOTE: {args.sessions_per_resident} sessions per resident, not the dashboard "
            "benchmark's 10 (generating 10 per resident would take too long here)"
        )

    # 1. The data (not part of the goal).
    if args.reuse:
        have = HelpSession.objects.filter(commune__in=communes).count()
        if have < len(communes) * sessions:
            sys.exit(f"--reuse: the database holds {have:,} sessions, not the data above")
        say(f"generation: skipped (--reuse), the database's {have:,} help sessions")
    else:
        rng = Random(15)
        say(f"generation: {load()}")
        built: list[float] = []
        for n, commune in enumerate(communes):
            started = time.perf_counter()
            build_commune(commune, residents, sessions, rng)
            built.append(time.perf_counter() - started)
            if n == 0:
                estimate = built[0] * len(communes) / 60
                say(
                    f"  first commune built in {built[0]:.0f} s; "
                    f"{len(communes)} communes: about {estimate:.0f} min"
                )
                if estimate > args.max_generation_minutes:
                    sys.exit(
                        f"generation would take about {estimate:.0f} min (> "
                        f"{args.max_generation_minutes:.0f}): rerun with a lower "
                        "--sessions-per-resident (e.g. 3)"
                    )
        if engine == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        size = ""
        if db_file is not None:
            size = f"; database file {db_file.stat().st_size / 1024**3:.1f} GiB"
        say(
            f"generation: {sum(built) / 60:.1f} min in all, {min(built):.0f}–{max(built):.0f} s "
            f"a commune; {HelpSession.objects.count():,} help sessions{size}"
        )

    # 2. The full rebuild of every summary, all communes.
    say(f"full rebuild: {load()}")
    total = 0.0
    for dotted, what in REBUILDS:
        started = time.perf_counter()
        rows = resolve(dotted)()
        took = time.perf_counter() - started
        total += took
        say(f"  {dotted}() → {what}: {rows:,} rows written in {took:.1f} s")
    verdict = "PASS" if total < REBUILD_GOAL_S else "FAIL"
    say(
        f"full rebuild of every summary ({len(REBUILDS)}), {len(communes)} communes: "
        f"{total:.1f} s = {total / 60:.2f} min (goal < 10 min: {verdict})"
    )

    # 3. The incremental update: sessions created the ordinary way, their day recounted.
    helper = User.objects.get(username="bench-helper")
    today = date.today()
    on_the_day = HelpSession.objects.filter(commune=first, helped_on=today).count()
    say(f"incremental: {load()}; {on_the_day:,} sessions already on that commune's day")
    incremental = []
    for _ in range(INCREMENTAL_REPEATS):
        started = time.perf_counter()
        HelpSession.objects.create(
            commune=first, helped_on=today, helper=helper, outcome="done", minutes=5
        )
        incremental.append((time.perf_counter() - started) * 1000)
    one = statistics.median(incremental)
    verdict = "PASS" if one < INCREMENTAL_GOAL_MS else "FAIL"
    say(
        f"one new session, its day recounted ({INCREMENTAL_REPEATS} in {first.code}): median "
        f"{one:.1f} ms, max {max(incremental):.1f} ms (goal < 50 ms: {verdict})"
    )

    # 4. Each commune on its own, and where one commune's rebuild time goes.
    say(f"per commune: {load()}")
    rebuild_one: Callable[[int], int] = resolve("digiward.guidance.summaries.rebuild")
    each: list[float] = []
    for commune in communes:
        started = time.perf_counter()
        rebuild_one(commune.pk)
        each.append(time.perf_counter() - started)
    say(
        f"one commune's rebuild (HelpSessionDay): {min(each):.1f}–{max(each):.1f} s, "
        f"median {statistics.median(each):.1f} s"
    )
    steps = breakdown(first.pk)
    say(
        f"where one commune's rebuild goes ({first.code}, {sum(steps.values()):.1f} s): "
        + "; ".join(f"{name} {took:.1f} s" for name, took in steps.items())
    )
    say(f"daily rows now: {HelpSessionDay.objects.count():,}")
    say(f"run took {(time.perf_counter() - run_started) / 60:.1f} min")

    if results:
        with Path(results).open("a") as out:
            out.write("\n".join(_lines) + "\n\n")
        print(f"appended to {results}")


if __name__ == "__main__":
    main()
