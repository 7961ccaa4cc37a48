"""Skills report benchmark: the commune's digital-skills report (Decision 757, Annex II)
over 100,000 residents and 500,000 evidence records.

    .venv/bin/python bench/bench_skills_report.py                 # SQLite file in var/bench/
    .venv/bin/python bench/bench_skills_report.py --quick         # 20,000 residents, 100,000 evidence
    .venv/bin/python bench/bench_skills_report.py --database-url postgres://postgres@127.0.0.1:5432/bench_skills

The issue's goal: the commune skills report "under 500 ms server time on SQLite and on
PostgreSQL". Measured: `learning.report.skills_report` itself (every query it runs, and
the Python that folds the groups into rows), then, if the URL `learning:report` exists,
the page `/app/learning/report/` through Django's test client as a signed-in officer (the
whole stack: middleware, session, access, the report, the audit row, the template).
Each one warm-up run and 15 timed runs; median and p95 in milliseconds.

Data: one commune with 100,000 residents in households of four over eight khu vực, born
1930–2008, male or female; 500,000 evidence rows over 60,000 of them and the 14
DW-ESSENTIALS competences; 30 members with some evidence of their own; 8,000 resident
certificates (5 % revoked) and a few member ones. Rows go in with `core.bulk.fast_insert`,
around the services, then ANALYZE. Each query of one report is then re-run alone, and
the slow ones are printed with their plan, so a figure over the goal says where the time
goes. On PostgreSQL every statement is cancelled after --timeout seconds (a plan that
does not finish is a FAIL, not a hung bench); --work-mem sets this session's work_mem to
show what the report costs with more memory.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
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
GOAL_MS = 500
MEMBERS = 30
CERTIFICATES = 8_000
STARTED_RESIDENTS = 60_000
PLAN_MS = 100  # queries slower than this get their plan printed


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


def build_commune(
    commune, framework, residents: int, evidence: int, rng: random.Random
) -> dict[str, int]:
    """The registry, the evidence, the members and the certificates of one commune."""
    from django.db import transaction

    from digiward.core.bulk import fast_insert
    from digiward.core.models import Membership, Role, User
    from digiward.learning.models import Certificate, Evidence, SigningKey, Track
    from digiward.registry.models import Area, Household, Resident

    today = date.today()
    competences = list(framework.competences.order_by("position").values_list("pk", flat=True))
    kinds = ["quiz", "class", "desk", "observed"]
    with transaction.atomic():
        issuer, _ = User.objects.get_or_create(username="bench-issuer", defaults={"full_name": "B"})
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
                        "birth_year": rng.randrange(1930, 2009),
                        "sex": rng.choice(["male", "female"]),
                    }
                    for i in range(start, min(start + BATCH, residents))
                ],
            )

        # Members: officers and volunteers of the commune, each with some evidence.
        User.objects.bulk_create(
            [
                User(username=f"bench-member-{n}", full_name=f"Cán Bộ Thử {n}")
                for n in range(MEMBERS)
            ]
        )
        members = list(User.objects.filter(username__startswith="bench-member-").order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(
                    user=user, commune=commune, role=Role.OFFICER if n % 2 else Role.VOLUNTEER
                )
                for n, user in enumerate(members)
            ]
        )
        user_rows = [
            {
                "commune_id": commune.pk,
                "competence_id": competence,
                "level": rng.randint(1, 3),
                "user_id": user.pk,
                "kind": rng.choice(kinds),
                "source_ref": f"bench-user:{user.pk}:{competence}",
                "achieved_on": today - timedelta(days=rng.randrange(720)),
                "recorded_by_id": issuer.pk,
            }
            for user in members
            for competence in rng.sample(competences, rng.randint(0, len(competences)))
        ]
        fast_insert(Evidence, user_rows)

        # Resident evidence: `evidence` rows over the people who started.
        started = rng.sample(ids, min(STARTED_RESIDENTS * residents // 100_000, residents))
        for start in range(0, evidence, BATCH):
            fast_insert(
                Evidence,
                [
                    {
                        "commune_id": commune.pk,
                        "competence_id": rng.choice(competences),
                        "level": rng.randint(1, 3),
                        "resident_id": started[i % len(started)],
                        "kind": rng.choice(kinds),
                        "source_ref": f"bench:{i}",
                        "achieved_on": today - timedelta(days=rng.randrange(720)),
                        "recorded_by_id": issuer.pk,
                    }
                    for i in range(start, min(start + BATCH, evidence))
                ],
            )

        key = SigningKey.objects.create(
            commune=commune, private_key="bench-not-a-key", public_key_multibase="z6MkBench"
        )
        credential = {"type": ["VerifiableCredential", "OpenBadgeCredential"], "bench": True}
        holders = rng.sample(started, min(CERTIFICATES * residents // 100_000, len(started)))
        now = datetime.now().astimezone()

        def certificate(n: int, **holder: object) -> dict[str, object]:
            revoked = n % 20 == 0  # 5 %
            return {
                "commune_id": commune.pk,
                "code": f"BENCH{n:07d}",
                "framework_id": framework.pk,
                "track": Track.CITIZEN if "resident_id" in holder else Track.OFFICIAL,
                "holder_name": f"Người Thử {n}",
                "basis": "Bench",
                "issued_on": today - timedelta(days=rng.randrange(365)),
                "issued_by_id": issuer.pk,
                "signing_key_id": key.pk,
                "credential": credential,
                "revoked_at": now if revoked else None,
                "revoked_by_id": issuer.pk if revoked else None,
                "revoked_reason": "Bench" if revoked else "",
                **holder,
            }

        rows = [certificate(n, resident_id=pk) for n, pk in enumerate(holders)]
        rows += [
            certificate(len(holders) + n, user_id=user.pk) for n, user in enumerate(members[::3])
        ]
        fast_insert(Certificate, rows)
    return {
        "residents": len(ids),
        "households": len(households),
        "evidence (residents)": evidence,
        "evidence (members)": len(user_rows),
        "residents with evidence": len(started),
        "certificates": len(rows),
    }


def analyze() -> None:
    from django.db import connection

    # PostgreSQL: VACUUM too, as autovacuum does after a bulk load on a real server; it
    # sets the visibility map that lets the per-competence count read the index alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def percentile95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18]


def limit_statements(seconds: float, work_mem: str) -> None:
    """PostgreSQL: cancel any statement after `seconds`, so a plan that never ends (a
    non-hashed IN subplan, say) is reported as a failure instead of hanging the bench;
    and, if asked, this session's work_mem (what the report costs with more memory)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        if work_mem:
            cursor.execute("SELECT set_config('work_mem', %s, false)", [work_mem])
        cursor.execute("SHOW work_mem")
        (current,) = cursor.fetchone()
    print(f"statement timeout: {seconds:g} s; work_mem: {current}")


def timed(run, repeats: int) -> dict[str, float] | str:
    """Median, p95 and max in ms after one warm-up run; or why it could not be measured."""
    from django.db import DatabaseError

    try:
        run()  # warm up: caches, templates, translations
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
    except DatabaseError as error:  # statement_timeout: the plan does not finish
        return " ".join(str(error).split())[:120]
    return {"median": statistics.median(times), "p95": percentile95(times), "max": max(times)}


def report_line(name: str, figures: dict[str, float] | str) -> str:
    if isinstance(figures, str):
        return f"{name:<26} not measured: {figures}  (goal < {GOAL_MS} ms: FAIL)"
    verdict = "PASS" if figures["median"] < GOAL_MS and figures["p95"] < GOAL_MS else "FAIL"
    return (
        f"{name:<26} median {figures['median']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
        f"max {figures['max']:7.1f} ms  (goal < {GOAL_MS} ms: {verdict})"
    )


def query_breakdown(commune, framework) -> None:
    """Each query of one report, re-run on its own with every row fetched (SQLite does
    most of its work while rows are fetched, so Django's captured execute time says
    little), and the plan of each one over PLAN_MS (at least of the slowest). A query
    cancelled by the statement timeout gets its plan without ANALYZE."""
    from django.db import DatabaseError, connection
    from django.test.utils import CaptureQueriesContext

    from digiward.learning.report import skills_report

    # The capture records a cancelled query too.
    with CaptureQueriesContext(connection) as captured, contextlib.suppress(DatabaseError):
        skills_report(commune, framework)
    queries: list[tuple[float | None, str]] = []
    for query in captured.captured_queries:
        times: list[float] = []
        try:
            for _ in range(3):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        except DatabaseError:
            queries.append((None, query["sql"]))
        else:
            queries.append((statistics.median(times), query["sql"]))
    print(f"queries of one report: {len(queries)} (each re-run alone, median of 3)")
    for ms, sql in queries:
        shown = "timed out" if ms is None else f"{ms:7.1f} ms"
        print(f"  {shown:>10}  {' '.join(sql.split())[:110]}")
    slowest = max((ms for ms, _ in queries if ms is not None), default=0.0)
    postgres = connection.vendor == "postgresql"
    for ms, sql in queries:
        if ms is not None and ms < PLAN_MS and ms < slowest:
            continue
        if not postgres:
            prefix = "EXPLAIN QUERY PLAN"
        elif ms is None:
            prefix = "EXPLAIN (VERBOSE)"  # shows "(SubPlan n)" versus "(hashed SubPlan n)"
        else:
            prefix = "EXPLAIN (ANALYZE, BUFFERS)"
        print("plan of the " + ("timed-out" if ms is None else f"{ms:.1f} ms") + " query:")
        print(f"  {' '.join(sql.split())}")
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"{prefix} {sql}")
                for row in cursor.fetchall():
                    print("    " + " | ".join(str(value) for value in row))
        except DatabaseError as error:  # the captured SQL may not re-run verbatim
            print(f"    (no plan: {error})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--timeout",
        type=float,
        default=30,
        help="PostgreSQL statement timeout in seconds (a query over it is a FAIL)",
    )
    parser.add_argument(
        "--work-mem",
        default="",
        help="PostgreSQL work_mem for this session, e.g. 64MB (default: the server's)",
    )
    args = parser.parse_args()
    residents, evidence = (20_000, 100_000) if args.quick else (100_000, 500_000)
    db_file = None
    url = args.database_url
    if not url:
        db_file = ROOT / "var" / "bench" / "skills_report.sqlite3"
        db_file.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{db_file}"
    fresh_database(url, db_file)
    setup_django(url)
    from django.conf import settings
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from digiward.core.models import Commune, Membership, Role, User
    from digiward.core.testing import client_in
    from digiward.learning.models import Framework
    from digiward.learning.report import skills_report
    from digiward.learning.seed import frameworks_load

    settings.ALLOWED_HOSTS = ["*"]
    # Plain static URLs: no collectstatic manifest is needed to render the page here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    engine = connection.vendor
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"engine: {engine}; Python {sys.version.split()[0]}"
    )
    frameworks_load()
    framework = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    commune = Commune.objects.order_by("pk").first()
    rng = random.Random(757)
    started = time.perf_counter()
    counts = build_commune(commune, framework, residents, evidence, rng)
    analyze()
    built = time.perf_counter() - started
    print(f"commune: {commune.code} {commune.name}; built in {built:.0f} s, then ANALYZE")
    for name, count in counts.items():
        print(f"  {name:<24} {count:>9,}")
    if engine == "postgresql":
        limit_statements(args.timeout, args.work_mem)

    figures = timed(lambda: skills_report(commune, framework), args.repeats)
    if not isinstance(figures, str):
        report = skills_report(commune, framework)
        print(
            f"report: {report.total.adults:,} adults, {report.total.started:,} started, "
            f"{report.total.confirmed:,} confirmed; {len(report.by_competence)} competences, "
            f"{len(report.officials)} officials"
        )
    print(report_line("skills_report()", figures))
    query_breakdown(commune, framework)

    try:
        page = reverse("learning:report")
    except NoReverseMatch:
        print("page: the URL learning:report is not wired yet; only the function was measured")
        return
    officer, _ = User.objects.get_or_create(username="bench-officer", defaults={"full_name": "B"})
    Membership.objects.get_or_create(user=officer, role=Role.OFFICER, commune=commune)
    client = client_in(officer, commune)
    # A cancelled statement is reported on one line below, not as a logged traceback.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)

    def get_page() -> None:
        response = client.get(page)
        assert response.status_code == 200, response.status_code

    print(report_line(f"GET {page}", timed(get_page, args.repeats)))

    # "Ready to confirm" (learning.confirmation) reads the same evidence grouped by person.
    from digiward.core.access import access_for
    from digiward.learning.confirmation import confirmation_candidates

    access = access_for(officer, commune)
    assert access is not None
    found = confirmation_candidates(access, framework, "citizen")
    print(f"ready to confirm: {len(found.ready):,} ready, {len(found.nearly):,} nearly")
    print(
        report_line(
            "confirmation_candidates()",
            timed(lambda: confirmation_candidates(access, framework, "citizen"), args.repeats),
        )
    )


if __name__ == "__main__":
    main()
