"""Dashboard benchmark: the commune dashboard over 100,000 residents and 1,000,000 help
sessions, and the province roll-up as communes are added.

    .venv/bin/python bench/bench_dashboard.py                 # SQLite file in var/bench/
    .venv/bin/python bench/bench_dashboard.py --quick         # 20,000 residents, 200,000 sessions
    .venv/bin/python bench/bench_dashboard.py --database-url postgres://postgres@127.0.0.1:5432/bench_dash

The issue's goal: the commune dashboard "under 300 ms server time on SQLite and on
PostgreSQL". Server time is measured in process around Django's test client (the whole
stack: middleware, session, access, every selector, the template), like bench_guidance.
Figures are read live (decision 71): this benchmark says whether that is enough.

Measured: the dashboard for this month (the default), for this year (a 12× larger window
of help sessions), with a khu vực and sex filter, and the drill-down list of one rung;
then the province roll-up with 1, 10, 50 and 100 communes of 1,000 residents each (the
same five queries whatever the count; the curve shows what they cost).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from pg_database import ensure_database

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BATCH = 50_000


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database(url: str, db_file: Path | None) -> None:
    if db_file is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": url}
    if db_file is None:
        ensure_database(url)
        subprocess.run(
            [PYTHON, "-m", "config.manage", "flush", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=False,
            stderr=subprocess.DEVNULL,
        )
    subprocess.run([PYTHON, "-m", "config.manage", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "-m", "config.manage", "load_units", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def build_commune(commune, residents: int, sessions: int, rng: random.Random) -> None:
    """`residents` in households of four over eight areas, each on a random rung with one
    milestone per rung reached recently; `sessions` help sessions over the last 400 days,
    a third of them with a resident; a queue ticket for every tenth session."""
    from django.db import transaction

    from digiward.core.bulk import fast_insert
    from digiward.core.models import User
    from digiward.guidance.models import HelpSession, QueueTicket
    from digiward.registry.journey import LADDER
    from digiward.registry.models import Area, Household, Milestone, Resident

    helper, _ = User.objects.get_or_create(username="bench-helper", defaults={"full_name": "B"})
    today = date.today()
    with transaction.atomic():
        areas = [Area.objects.create(commune=commune, name=f"Khu vực {i + 1}") for i in range(8)]
        households = fast_insert(
            Household,
            [
                {
                    "commune_id": commune.pk,
                    "code": f"H{commune.code}{i:06d}",
                    "street": "Trần Hưng Đạo",
                    "house_number": str(i),
                    "area_id": areas[i % 8].pk,
                }
                for i in range(max(residents // 4, 1))
            ],
        )
        rungs = [rng.randint(0, len(LADDER)) for _ in range(residents)]
        ids: list[int] = []
        for start in range(0, residents, BATCH):
            ids += fast_insert(
                Resident,
                [
                    {
                        "commune_id": commune.pk,
                        "household_id": households[i // 4],
                        "full_name": f"Người Thử {i}",
                        "name_folded": f"nguoi thu {i}",
                        "birth_year": rng.randrange(1935, 2020),
                        "sex": rng.choice(["male", "female"]),
                        "journey_rung": rungs[i],
                        "journey_last_on": today - timedelta(days=rng.randrange(400)),
                    }
                    for i in range(start, min(start + BATCH, residents))
                ],
            )
        milestones = [
            {
                "commune_id": commune.pk,
                "resident_id": ids[i],
                "kind": LADDER[rung - 1].value,
                "achieved_on": today - timedelta(days=rng.randrange(400)),
                "source": "officer",
            }
            for i, rung in enumerate(rungs)
            if rung
        ]
        for start in range(0, len(milestones), BATCH):
            fast_insert(Milestone, milestones[start : start + BATCH])
        outcomes = ["done", "done", "done", "partly", "referred", "come_back"]
        for start in range(0, sessions, BATCH):
            fast_insert(
                HelpSession,
                [
                    {
                        "commune_id": commune.pk,
                        "helped_on": today - timedelta(days=rng.randrange(400)),
                        "helper_id": helper.pk,
                        "resident_id": ids[rng.randrange(residents)] if i % 3 == 0 else None,
                        "outcome": rng.choice(outcomes),
                        "minutes": 10,
                        "age_band": "60-74" if i % 3 else "",
                        "sex": rng.choice(["male", "female"]) if i % 3 else "",
                        "topic": "VNeID",
                    }
                    for i in range(start, min(start + BATCH, sessions))
                ],
            )
        tickets = []
        for day in range(400):
            on = today - timedelta(days=day)
            issued = datetime.combine(on, datetime.min.time()).replace(hour=8)
            for n in range(sessions // 4000):
                tickets.append(
                    {
                        "commune_id": commune.pk,
                        "number": n + 1,
                        "issued_on": on,
                        "issued_at": issued,
                        "called_at": issued + timedelta(minutes=rng.randrange(1, 45)),
                        "status": "served",
                    }
                )
        for start in range(0, len(tickets), BATCH):
            fast_insert(QueueTicket, tickets[start : start + BATCH])


def _client_for(commune):
    from digiward.core.access import SESSION_KEY
    from digiward.core.models import Membership, Role, User
    from digiward.core.testing import signed_in_client

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(user=user, role=Role.COMMUNE_ADMIN, commune=commune)
    client = signed_in_client(user)
    session = client.session
    session[SESSION_KEY] = commune.pk
    session.save()
    return client


def timed(client, url: str, params: dict[str, object], repeats: int) -> dict[str, float]:
    for _ in range(2):  # warm up: templates, URL resolver, translations
        assert client.get(url, params).status_code == 200
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"median": statistics.median(times), "max": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    residents, sessions = (20_000, 200_000) if args.quick else (100_000, 1_000_000)
    db_file = None
    url = args.database_url
    if not url:
        db_file = ROOT / "var" / "bench" / "dashboard.sqlite3"
        db_file.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{db_file}"
    fresh_database(url, db_file)
    setup_django(url)
    from django.conf import settings
    from django.db import connection
    from django.urls import reverse

    from digiward.core.models import Commune
    from digiward.registry.models import Area
    from digiward.reports.selectors import province_rollup

    settings.ALLOWED_HOSTS = ["*"]
    # Plain static URLs: no collectstatic manifest is needed to render the pages here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    engine = connection.vendor
    rng = random.Random(15)
    commune = Commune.objects.select_related("province").get(code="31135")
    started = time.perf_counter()
    build_commune(commune, residents, sessions, rng)
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    print(
        f"engine: {engine}; data: {residents:,} residents, {sessions:,} help sessions "
        f"(built in {built:.0f} s)"
    )
    # The rows went in around the ORM: the daily counts are built in one go, as
    # `digiward rebuild_help_summaries` does; then one session the ordinary way.
    from digiward.core.models import User
    from digiward.guidance.models import HelpSession
    from digiward.guidance.summaries import rebuild

    started = time.perf_counter()
    rows = rebuild(commune.pk)
    print(f"daily counts rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    helper = User.objects.get(username="bench-helper")
    incremental = []
    for _ in range(20):
        started = time.perf_counter()
        HelpSession.objects.create(
            commune=commune, helped_on=date.today(), helper=helper, outcome="done", minutes=5
        )
        incremental.append((time.perf_counter() - started) * 1000)
    one = statistics.median(incremental)
    verdict = "PASS" if one < 50 else "FAIL"
    print(f"one new session, its day recounted: median {one:.1f} ms (goal < 50 ms: {verdict})")

    client = _client_for(commune)
    dashboard = reverse("reports:dashboard")
    area = Area.objects.filter(commune=commune).first()
    cases = [
        ("dashboard, this month", dashboard, {}),
        ("dashboard, this year", dashboard, {"period": "this_year"}),
        (
            "dashboard, area + sex",
            dashboard,
            {"period": "this_year", "area": area.pk, "sex": "female"},
        ),
        ("people on rung 5", reverse("reports:dashboard_people"), {"rung": 5}),
    ]
    for name, url_, params in cases:
        figures = timed(client, url_, params, args.repeats)
        verdict = "PASS" if figures["median"] < 300 else "FAIL"
        print(
            f"{name:<24} median {figures['median']:7.1f} ms  max {figures['max']:7.1f} ms  "
            f"(goal < 300 ms: {verdict})"
        )

    # The province roll-up: communes of 1,000 residents and 10,000 sessions each.
    others = list(
        Commune.objects.filter(province=commune.province).exclude(pk=commune.pk).order_by("code")
    )
    built_communes = 1
    for target in (10, 50, 100):
        for other in others[built_communes - 1 : target - 1]:
            build_commune(other, 1_000, 10_000, rng)
            rebuild(other.pk)
        built_communes = min(target, len(others) + 1)
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            rollup = province_rollup(commune.province)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"roll-up, {len(rollup.rows):>3} communes with data: median "
            f"{statistics.median(times):7.1f} ms"
        )


if __name__ == "__main__":
    main()
