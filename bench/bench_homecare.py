"""Benchmark of home-support day planning through the Django side (digiward.homecare).

    .venv/bin/python bench/bench_homecare.py             # 5 runs on a fresh SQLite file
    .venv/bin/python bench/bench_homecare.py --runs 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/homecare_bench .venv/bin/python bench/bench_homecare.py

A commune's day: 40 accepted requests within about 2 km of the ward's service center in
Ninh Kiều (10.034 N, 105.783 E), each with its procedure's visit length (20–40 min) and
the times someone is home (mornings, afternoons, two short slots, or any time); 4
officers working 07:30–16:30, two of them authorised to certify (a quarter of the
visits are certifications). The measured path is the background job's:
`services.dayplan_solve` = read the day from the database (`planner.gather_day`),
build the travel matrix and solve (`dayplan.solve_day` → `planning.routing.plan_routes`:
VROOM, then a 0.6 s OR-Tools polish, capped at 1.5 s; every route re-checked by
`validate_plan`), then write the visits, routes and notifications
(`services.dayplan_apply`). Goal (issue 7): a plan in under 2 s.

Each run starts from the same state (no plan, all 40 accepted). Figures go to stdout and
bench/results/homecare.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("DIGIWARD_VAR_DIR") or ROOT / "var" / "homecare")
PYTHON = sys.executable
CENTER = (10.0340, 105.7830)
VISITS, OFFICERS = 40, 4


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DIGIWARD_VAR_DIR"] = str(VAR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    env = {**os.environ}
    subprocess.run([PYTHON, "-m", "config.manage", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()


def build_day(day: date):
    """The commune, its settings, 4 officers and 40 accepted requests (idempotent)."""
    from digiward.core.models import Commune, Membership, Province, Role, User
    from digiward.homecare.models import (
        Authority,
        HomecareSettings,
        HomeSupportRequest,
        OfficerProfile,
        RequestSource,
        RequestStatus,
        TimeWindow,
    )
    from digiward.procedures.models import OnlineLevel, Procedure, ProcedureField

    province, _ = Province.objects.get_or_create(
        code="92", defaults={"name": "Thành phố Cần Thơ", "kind": "city", "codename": "can_tho"}
    )
    commune, _ = Commune.objects.get_or_create(
        code="31135",
        defaults={
            "name": "Phường Ninh Kiều",
            "kind": "ward",
            "province": province,
            "codename": "nk",
        },
    )
    HomecareSettings.objects.get_or_create(
        commune=commune,
        defaults={
            "center_latitude": Decimal("10.034000"),
            "center_longitude": Decimal("105.783000"),
        },
    )
    certification, _ = Procedure.objects.get_or_create(
        slug="bench-chung-thuc",
        defaults={
            "name": "Chứng thực hợp đồng ủy quyền",
            "field": ProcedureField.CERTIFICATION,
            "online_level": OnlineLevel.IN_PERSON,
            "home_support_possible": True,
        },
    )
    vneid, _ = Procedure.objects.get_or_create(
        slug="bench-vneid",
        defaults={
            "name": "Đăng ký VNeID mức 1",
            "field": ProcedureField.IDENTIFICATION,
            "online_level": OnlineLevel.ONLINE_FULL,
            "home_support_possible": True,
        },
    )
    officers = []
    for n in range(OFFICERS):
        user, _ = User.objects.get_or_create(
            username=f"bench.officer{n}", defaults={"full_name": f"Cán bộ {n + 1}"}
        )
        Membership.objects.get_or_create(user=user, role=Role.OFFICER, commune=commune)
        OfficerProfile.objects.get_or_create(
            commune=commune,
            user=user,
            defaults={"authorities": [Authority.CERTIFY] if n < 2 else []},
        )
        officers.append(user)
    if not HomeSupportRequest.objects.filter(commune=commune).exists():
        rng = random.Random(2026)
        patterns = [
            [(clock(7, 30), clock(11, 0))],
            [(clock(13, 30), clock(16, 30))],
            [(clock(8, 0), clock(9, 30)), (clock(14, 0), clock(15, 30))],
            [],
        ]
        for n in range(VISITS):
            # Up to ~2 km from the center: the size of a town ward.
            lat = CENTER[0] + rng.uniform(-0.016, 0.016)
            lon = CENTER[1] + rng.uniform(-0.018, 0.014)
            request = HomeSupportRequest.objects.create(
                commune=commune,
                source=RequestSource.PHONE_CALL,
                person_name=f"Người dân {n + 1}",
                requester_phone="0912345678",
                address=f"{n + 1} Đường thử",
                reason="elderly",
                status=RequestStatus.ACCEPTED,
                eligibility_override=True,
                eligibility_override_reason="bench",
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lon:.6f}"),
                procedure=certification if n % 4 == 0 else vneid,
                visit_minutes=rng.choice([20, 30, 30, 40]),
            )
            TimeWindow.objects.bulk_create(
                TimeWindow(request=request, starts_at=a, ends_at=b) for a, b in rng.choice(patterns)
            )
    return commune, officers


def reset(commune) -> None:
    """Back to the morning: no plan, every request accepted again."""
    from digiward.homecare.models import DayPlan, HomeSupportRequest, HomeVisit, OfficerRoute

    HomeVisit.objects.filter(commune=commune).delete()
    OfficerRoute.objects.filter(commune=commune).delete()
    DayPlan.objects.filter(commune=commune).delete()
    HomeSupportRequest.objects.filter(commune=commune).update(status="accepted")


def one_run(commune, day: date, planner, **solve) -> dict[str, float]:
    from digiward.homecare import services
    from digiward.homecare.dayplan import solve_day
    from digiward.homecare.planner import gather_day, travel_for

    reset(commune)
    plan = services.dayplan_for(commune, day)
    t0 = time.perf_counter()
    gathered = gather_day(commune, day, plan)
    t1 = time.perf_counter()
    solution = solve_day(gathered.problem, travel_for(gathered.settings), **solve)
    t2 = time.perf_counter()
    outcome = services.dayplan_apply(plan, gathered, solution, acting_user=planner)
    t3 = time.perf_counter()
    used = sum(1 for r in solution.routes if r.stops)
    return {
        "total": t3 - t0,
        "read": t1 - t0,
        "solve": t2 - t1,
        "write": t3 - t2,
        "assigned": outcome.assigned,
        "left_out": outcome.left_out,
        "officers": used,
        "travel_min": solution.total_travel / 60,
    }


def booking_latency(commune, day: date, officer) -> list[float]:
    """A hand booking into a route that already has visits (best insertion + re-check)."""
    from digiward.core.access import access_for
    from digiward.core.errors import DomainError
    from digiward.homecare import services
    from digiward.homecare.models import HomeSupportRequest

    access = access_for(officer, commune)
    times = []
    for request in HomeSupportRequest.objects.filter(commune=commune, status="accepted").order_by(
        "pk"
    )[:8]:
        started = time.perf_counter()
        with contextlib.suppress(DomainError):  # a full route refuses: still an answer
            services.visit_book(access=access, request=request, officer=officer, day=day)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url
    if not database_url:
        db = VAR / "bench_homecare.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{db}"
    setup(database_url)

    from django.db import connection

    from digiward.core.selectors import calendar_for

    day = date(2026, 11, 2)  # a Monday, a working day
    commune, officers = build_day(day)
    assert calendar_for(commune).is_working_day(day)
    load_start = os.getloadavg()[0]
    lines = [
        f"DigiWard home-support planning benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"Django side: gather_day + solve_day (plan_routes) + dayplan_apply; "
        f"pyvroom {version('pyvroom')}, ortools {version('ortools')}, Python {sys.version.split()[0]}, "
        f"{connection.vendor}, {os.cpu_count()} cores, load average at start {load_start:.2f}",
        f"A commune's day: {VISITS} visits (a quarter need a certifier), {OFFICERS} officers "
        "07:30-16:30 (2 may certify), windows, straight-line travel x1.3 at 20 km/h",
        "",
    ]
    print("\n".join(lines))

    def report(title: str, runs: list[dict[str, float]]) -> None:
        totals = [r["total"] for r in runs]
        last = runs[-1]
        text = [
            f"{title}",
            *(
                f"   run {i + 1}: {r['total']:.2f} s (read {r['read'] * 1000:.0f} ms, solve "
                f"{r['solve']:.2f} s, write {r['write'] * 1000:.0f} ms), {r['assigned']:.0f} "
                f"planned, {r['left_out']:.0f} left out, {r['officers']:.0f} officers, travel "
                f"{r['travel_min']:.0f} min"
                for i, r in enumerate(runs)
            ),
            f"   median {statistics.median(totals):.2f} s, max {max(totals):.2f} s "
            f"(goal: under 2 s) — planned {last['assigned']:.0f}/{VISITS}",
            "",
        ]
        lines.extend(text)
        print("\n".join(text))

    default = [
        one_run(commune, day, officers[0], polish_seconds=0.6, time_limit_seconds=1.5)
        for _ in range(args.runs)
    ]
    report("a) As the background job runs it (VROOM + OR-Tools polish 0.6 s, cap 1.5 s):", default)
    vroom_only = [one_run(commune, day, officers[0], polish_seconds=0) for _ in range(args.runs)]
    report("b) VROOM alone (polish_seconds=0, as the demo seeder runs it):", vroom_only)

    reset(commune)
    latency = booking_latency(commune, day, officers[0])
    text = [
        "c) A hand booking (lock, best insertion into the officer's route, re-check, write):",
        f"   {len(latency)} bookings into a growing route: median "
        f"{statistics.median(latency) * 1000:.0f} ms, max {max(latency) * 1000:.0f} ms",
        "",
        f"load average at end {os.getloadavg()[0]:.2f}",
    ]
    worst = max(r["total"] for r in default)
    text.append(
        f"Goal: a plan in under 2 s: {'met' if worst < 2 else 'NOT met'} (worst run {worst:.2f} s)"
    )
    lines.extend(text)
    print("\n".join(text))
    suffix = "" if connection.vendor == "sqlite" else f"-{connection.vendor}"
    out = ROOT / "bench" / "results" / f"homecare{suffix}.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
