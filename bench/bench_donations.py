"""Ranking a province-sized donation campaign: 1,000,000 households (goal ≤ 20 s, ≤ 2 GB).

    .venv/bin/python bench/bench_donations.py                     # SQLite, 1,000,000 households
    .venv/bin/python bench/bench_donations.py --db postgres       # DATABASE_URL or the local server
    .venv/bin/python bench/bench_donations.py --households 100000 --scenario realistic

What is measured is `donations.services.ranking_run` on a campaign that covers 100
communes: reading every household with its members' flags (elderly, living alone,
disability, limited mobility, chronic illness, a smartphone on the journey ladder,
policy family, an earlier donation), computing eligibility, score and reasons, sorting,
and writing the ranked list in one transaction. The time is split into the database
(query and fetch, delete and insert, commit) and Python (turning rows into facts, the
pure ranking). Peak memory is the ranking process's own (ru_maxrss of a fresh child).

Scenarios:
- worst (default): every household poor or near-poor and the campaign admits households
  with a smartphone, so all 1,000,000 households are written to the list;
- realistic: about 8 % poor or near-poor, the default rules (no smartphone required):
  the list holds tens of thousands.

The registry is generated once per database (2.5 residents and ~1.2 smartphone milestones
per household, fixed seed) with plain executemany/COPY, outside the measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from pg_database import ensure_database

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "var" / "donations" / "bench"
PYTHON = sys.executable
COMMUNES = 100
TODAY = date(2026, 11, 1)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DIGIWARD_VAR_DIR", str(ROOT / "var" / "donations"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(database_url: str, *args: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DIGIWARD_VAR_DIR": str(ROOT / "var" / "donations"),
    }
    subprocess.run(
        [PYTHON, "-m", "config.manage", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


# ---- generating the province (child process) -----------------------------------------------


def generate(database_url: str, households: int, scenario: str) -> dict[str, object]:
    setup_django(database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    from digiward.core.models import Commune
    from digiward.registry.models import Household, Milestone, Resident

    communes = list(Commune.objects.filter(province__code="92").order_by("code")[:COMMUNES])
    if len(communes) < COMMUNES:  # Cần Thơ has fewer: take the next provinces' as well
        communes = list(Commune.objects.order_by("code")[:COMMUNES])
    ids = [c.pk for c in communes]
    existing = Household.objects.filter(commune_id__in=ids).count()
    if existing == households:
        return {"generated": False, "households": existing}
    if existing:
        raise SystemExit(f"{existing} households already there; use a fresh database")
    rng = random.Random(20261101)
    now = timezone.now()
    started = time.perf_counter()
    poor_share = 1.0 if scenario == "worst" else 0.08
    h_rows, r_rows, m_rows = [], [], []
    rid, mid = 0, 0
    for n in range(households):
        hid = n + 1
        commune = ids[n % COMMUNES]
        roll = rng.random()
        poverty = (
            ("poor" if rng.random() < 0.4 else "near_poor")
            if roll < poor_share
            else rng.choice(["average_living", "not_poor", "not_poor", "not_poor"])
        )
        h_rows.append(
            (
                hid,
                commune,
                f"H{n:07d}",
                poverty,
                2026 if poverty in ("poor", "near_poor") else None,
                rng.random() < 0.05,
                now,
                now,
            )
        )
        for m in range(rng.choice([1, 2, 2, 3, 3, 4])):
            rid += 1
            birth_year = rng.randint(1925, 2015)
            r_rows.append(
                (
                    rid,
                    commune,
                    hid,
                    "head" if m == 0 else "other",
                    f"Người {rid}",
                    f"nguoi {rid}",
                    birth_year,
                    rng.random() < 0.06,
                    rng.random() < 0.2,
                    rng.random() < 0.05,
                    rng.random() < 0.08,
                    "active" if rng.random() < 0.97 else "moved_away",
                    0,
                    now,
                    now,
                )
            )
            if birth_year < 2010 and rng.random() < 0.5:
                mid += 1
                m_rows.append((mid, commune, rid, "has_smartphone", TODAY, "self_report", now))
    built = time.perf_counter() - started
    tables = {
        Household._meta.db_table: (
            "id, commune_id, code, poverty_status, poverty_year, particularly_disadvantaged, created_at, updated_at",
            h_rows,
            "house_number, street, address_detail",
        ),
        Resident._meta.db_table: (
            "id, commune_id, household_id, relation_to_head, full_name, name_folded, birth_year, lives_alone, "
            "chronic_illness, disability, limited_mobility, status, journey_rung, created_at, updated_at",
            r_rows,
            "sex, citizen_id_encrypted, citizen_id_masked, phone, phone_carrier, consent_scope, notes",
        ),
        Milestone._meta.db_table: (
            "id, commune_id, resident_id, kind, achieved_on, source, recorded_at",
            m_rows,
            "source_ref, detail",
        ),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, rows, blanks) in tables.items():
            blank_list = [b.strip() for b in blanks.split(",")]
            all_columns = columns + ", " + ", ".join(blank_list)
            padded = [(*row, *([""] * len(blank_list))) for row in rows]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({all_columns}) FROM STDIN') as copy:
                    for row in padded:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(padded[0]))
                for start in range(0, len(padded), 50_000):
                    cursor.executemany(
                        f'INSERT INTO "{table}" ({all_columns}) VALUES ({marks})',
                        [
                            tuple(
                                connection.ops.adapt_datetimefield_value(v)
                                if hasattr(v, "tzinfo")
                                else v
                                for v in row
                            )
                            for row in padded[start : start + 50_000]
                        ],
                    )
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "generated": True,
        "households": len(h_rows),
        "residents": len(r_rows),
        "milestones": len(m_rows),
        "build_seconds": round(built, 1),
        "write_seconds": round(time.perf_counter() - started - built, 1),
    }


# ---- the measurement (child process) ---------------------------------------------------------


def measure(database_url: str, scenario: str) -> dict[str, object]:
    setup_django(database_url)
    from django.db import connection

    from digiward.core.access import Access
    from digiward.core.models import Commune, Role, User
    from digiward.donations import ranking_store, services
    from digiward.donations.models import Campaign, CampaignStatus, PriorityEntry, Sponsor
    from digiward.donations.ranking import Rules

    communes = list(Commune.objects.filter(province__code="92").order_by("code")[:COMMUNES])
    if len(communes) < COMMUNES:
        communes = list(Commune.objects.order_by("code")[:COMMUNES])
    owner = communes[0]
    user, _ = User.objects.get_or_create(username="bench", defaults={"full_name": "Bench"})
    access = Access(user=user, commune=owner, roles=frozenset({Role.OFFICER}))
    sponsor, _ = Sponsor.objects.get_or_create(
        commune=owner, name="Ngân hàng Thử", defaults={"kind": "bank"}
    )
    campaign = Campaign.objects.filter(commune=owner, name=f"Tỉnh {scenario}").first()
    if campaign is None:
        campaign = services.campaign_save(
            access=access,
            campaign=Campaign(
                name=f"Tỉnh {scenario}",
                starts_on=date(2026, 9, 1),
                draw_seed=12345,
                rules=Rules(require_no_smartphone=False).to_json(),
            ),
            sponsors=[sponsor],
            communes=communes,
        )
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN)
        campaign.refresh_from_db()

    # Time the parts the same way ranking_run does, then the whole call.
    original_load, original_write = ranking_store.load_facts, ranking_store.write_entries
    spans: dict[str, float] = {}

    def load(*args, **kwargs):  # type: ignore[no-untyped-def]
        t = kwargs["timings"]
        result = original_load(*args, **kwargs)
        spans["load_db"], spans["load_python"] = t.load_db, t.load_python
        return result

    original_reclaim = ranking_store.reclaim_space

    def reclaim() -> None:
        began = time.perf_counter()
        original_reclaim()
        spans["vacuum"] = time.perf_counter() - began

    ranking_store.load_facts = load  # type: ignore[assignment]
    ranking_store.reclaim_space = reclaim  # type: ignore[assignment]
    started = time.perf_counter()
    run = services.ranking_run(campaign=campaign, acting_user=user, reference=TODAY)
    total = time.perf_counter() - started
    ranking_store.load_facts, ranking_store.write_entries = original_load, original_write
    ranking_store.reclaim_space = original_reclaim  # type: ignore[assignment]
    vacuum = spans.get("vacuum", 0.0)
    written = PriorityEntry.objects.filter(campaign=campaign).count()
    # delete, insert, review, commit (and the vacuum after it, on PostgreSQL)
    db_write = total - run.seconds_load - run.seconds_rank - vacuum
    return {
        "database": connection.vendor,
        "scenario": scenario,
        "households": run.summary["considered"],
        "written": written,
        "total_seconds": round(total, 2),
        "db_seconds": round(spans["load_db"] + db_write + vacuum, 2),
        "python_seconds": round(spans["load_python"] + run.seconds_rank, 2),
        "parts": {
            "db: read households and aggregate members' flags": round(spans["load_db"], 2),
            "python: rows to facts": round(spans["load_python"], 2),
            "python: eligibility, score, order (pure ranking)": round(run.seconds_rank, 2),
            "db: replace the list (delete, insert, commit)": round(db_write, 2),
            "db: vacuum the replaced rows (PostgreSQL, after commit)": round(vacuum, 2),
        },
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "excluded": run.summary["excluded"],
        "by_group": run.summary["by_group"],
    }


def child(function: str, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [PYTHON, __file__, "--child", function, *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def database_for(kind: str, households: int, scenario: str) -> str:
    if kind == "postgres":
        url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/donations")
        ensure_database(url)
        return url
    BENCH.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{BENCH / f'province-{scenario}-{households}.sqlite3'}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--scenario", choices=["worst", "realistic"], default="worst")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        result = (
            generate(rest[0], int(rest[1]), rest[2])
            if name == "generate"
            else measure(rest[0], rest[1])
        )
        print(json.dumps(result, ensure_ascii=False))
        return
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    load = os.getloadavg()
    print(
        f"bench_donations {time.strftime('%Y-%m-%d %H:%M')} | cores {os.cpu_count()} | load {load[0]:.2f}"
    )
    for kind in kinds:
        url = database_for(kind, args.households, args.scenario)
        if (
            kind == "sqlite" and not Path(url.removeprefix("sqlite:///")).exists()
        ) or kind == "postgres":
            manage(url, "migrate", "-v0")
            manage(url, "load_units", "-v0")
        print(f"== {kind}: generate", child("generate", url, str(args.households), args.scenario))
        for attempt in range(1, args.runs + 1):
            result = child("measure", url, args.scenario)
            verdict = (
                "MET" if result["total_seconds"] <= 20 and result["peak_mb"] <= 2048 else "MISSED"
            )
            print(
                f"== {kind} run {attempt}: {json.dumps(result, ensure_ascii=False)} -> goal (≤ 20 s, ≤ 2 GB) {verdict}"
            )


if __name__ == "__main__":
    main()
