"""Guidance benchmark: logging a help session, a single POST, with 100,000 residents.

    .venv/bin/python bench/bench_guidance.py                  # SQLite file in var/bench/
    .venv/bin/python bench/bench_guidance.py --posts 300
    .venv/bin/python bench/bench_guidance.py --database-url postgres://postgres@127.0.0.1:5432/bench

The issue's goal: "a single POST in under 50 ms server time with 100,000 residents".
Server time is measured in process around Django's test client: the whole stack
(middleware, session, access, form, service, milestone + journey refresh, audit rows,
redirect) minus the network. Three kinds of POST are timed, interleaved:

- walk-in: anonymous, age band + procedure (the common case at the desk);
- resident: a registry resident and a procedure, no milestone;
- milestone: a resident who reaches a new milestone (registry's milestone_record:
  row lock, milestone row, journey refresh, its own audit row) — the slowest path.

The roster's own figures (CP-SAT on the issue's instances, round-robin comparison) are
in bench/results/roster.txt from bench/bench_roster.py; they are not re-measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pg_database import ensure_database

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


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
    if db_file is None:  # PostgreSQL: start from an empty schema
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


def build_residents(count: int) -> float:
    """`count` residents in households of four, with fast_insert (ids reserved, executemany)."""
    from django.db import transaction

    from digiward.core.bulk import fast_insert
    from digiward.core.models import Commune
    from digiward.core.text import fold
    from digiward.demo import names
    from digiward.registry.models import Household, Resident

    commune = Commune.objects.get(code="31135")
    if Resident.objects.filter(commune=commune).count() >= count:
        return 0.0
    rng = random.Random(6)
    started = time.perf_counter()
    with transaction.atomic():
        households = fast_insert(
            Household,
            [
                {
                    "commune_id": commune.pk,
                    "code": f"B{i:06d}",
                    "street": "Hai Bà Trưng",
                    "house_number": str(i),
                }
                for i in range(count // 4)
            ],
        )
        rows = []
        for i in range(count):
            full_name = names.full_name(rng, sex=rng.choice(["male", "female"]))
            rows.append(
                {
                    "commune_id": commune.pk,
                    "household_id": households[i // 4],
                    "full_name": full_name,
                    "name_folded": fold(full_name),
                    "birth_year": rng.randrange(1935, 2005),
                    "sex": rng.choice(["male", "female"]),
                }
            )
        fast_insert(Resident, rows)
    return time.perf_counter() - started


def measure(posts: int) -> dict[str, object]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from digiward.core.access import SESSION_KEY
    from digiward.core.models import Commune, Membership, Role, User
    from digiward.guidance.models import HelpSession
    from digiward.procedures.models import Procedure
    from digiward.registry.models import Resident

    commune = Commune.objects.get(code="31135")
    user, _ = User.objects.get_or_create(
        username="bench-volunteer", defaults={"full_name": "Bench"}
    )
    Membership.objects.get_or_create(user=user, role=Role.VOLUNTEER, commune=commune)
    procedure, _ = Procedure.objects.get_or_create(
        slug="bench-vneid",
        commune=None,
        defaults={
            "name": "Kích hoạt VNeID",
            "field": "civil_status",
            "online_level": "online_full",
            "popularity": 1000,
        },
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = commune.pk
    session.save()
    url = reverse("guidance:session_log")
    ids = list(
        Resident.objects.filter(commune=commune)
        .order_by("?")
        .values_list("pk", flat=True)[: posts * 2]
    )
    base = {"procedure": procedure.pk, "outcome": "done", "minutes": "10", "channel": "desk"}
    kinds = {"walk-in": [], "resident": [], "milestone": []}
    before = HelpSession.objects.count()
    # Warm up: first request loads templates, URL resolver, translations.
    for _ in range(5):
        client.post(url, {**base, "age_band": "60-74"})
    queries: dict[str, int] = {}
    for i in range(posts):
        for kind in kinds:
            data = dict(base)
            if kind == "walk-in":
                data["age_band"] = "60-74"
                data["sex"] = "female"
            else:
                data["resident"] = ids[(2 * i + (kind == "milestone")) % len(ids)]
                if kind == "milestone":
                    data["milestones"] = "has_smartphone"
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, (kind, response.status_code)
            kinds[kind].append(elapsed)
            if connection.force_debug_cursor and kind not in queries:
                # Django empties connection.queries when a request starts.
                queries[kind] = len(connection.queries)
    written = HelpSession.objects.count() - before - 5
    assert written == posts * 3, written

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "max_ms": round(ordered[-1], 2),
        }

    return {
        "residents": Resident.objects.filter(commune=commune).count(),
        "posts_per_kind": posts,
        "vendor": connection.vendor,
        **{kind: summary(values) for kind, values in kinds.items()},
        "queries": queries,
    }


def child(url: str, posts: int, residents: int) -> dict[str, object]:
    setup_django(url)
    built = build_residents(residents)
    from django.db import connection

    connection.force_debug_cursor = True  # count queries of the first POST of each kind
    result = measure(posts)
    result["build_seconds"] = round(built, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200, help="POSTs per kind (≥ 100)")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(os.environ["DATABASE_URL"], args.posts, args.residents)))
        return
    var = Path(os.environ.get("DIGIWARD_VAR_DIR") or ROOT / "var")
    bench_dir = var / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        url, db_file = args.database_url, None
    else:
        db_file = bench_dir / "bench-guidance.sqlite3"
        url = f"sqlite:///{db_file}"
    fresh_database(url, db_file)
    out = subprocess.run(
        [
            PYTHON,
            __file__,
            "--child",
            "--posts",
            str(args.posts),
            "--residents",
            str(args.residents),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    load = os.getloadavg()
    print(
        f"bench_guidance | {result['vendor']} | {result['residents']} residents "
        f"(built in {result['build_seconds']} s) | {result['posts_per_kind']} POSTs per kind | "
        f"cores {os.cpu_count()} | load {load[0]:.2f}"
    )
    print("| POST /app/guidance/log/ | median ms | p95 ms | max ms | queries |")
    print("|---|---|---|---|---|")
    for kind in ("walk-in", "resident", "milestone"):
        r = result[kind]
        print(
            f"| {kind} | {r['median_ms']} | {r['p95_ms']} | {r['max_ms']} | {result['queries'].get(kind, '–')} |"
        )
    worst = max(result[k]["p95_ms"] for k in ("walk-in", "resident", "milestone"))
    print(
        f"goal: a single POST < 50 ms server time -> {'MET' if worst < 50 else 'NOT MET'} (worst p95 {worst} ms)"
    )
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    name = "guidance.json" if result["vendor"] == "sqlite" else f"guidance-{result['vendor']}.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
