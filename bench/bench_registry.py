"""Registry benchmarks: the 100,000-resident import against its anchors, search, journey view.

    .venv/bin/python bench/bench_registry.py            # everything (several minutes)
    .venv/bin/python bench/bench_registry.py --quick    # 20,000 residents, fewer repeats

Every measurement runs in a fresh child process on a fresh SQLite file (var/bench/), so
peak memory (ru_maxrss) is the measurement's own. The anchors import the same file into
the same tables:
- django-import-export, a plain ModelResource with default settings (what an admin
  import does), households first then residents (ForeignKeyWidget by household code);
- the same with its documented bulk tuning: use_bulk, batch_size=1000, skip_diff,
  force_init_instance;
- the floor: openpyxl read-only plus one bulk_create per table, no checks at all.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "var" / "bench"
PYTHON = sys.executable


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fresh_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([PYTHON, "-m", "config.manage", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "-m", "config.manage", "load_units", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- measurements (run in a child process) -------------------------------------------------


def measure_digiward(path: Path, db: Path) -> dict[str, object]:
    setup_django(db)
    from digiward.core.models import Commune
    from digiward.registry.imports.runner import import_file
    from digiward.registry.models import Resident

    commune = Commune.objects.get(code="31135")
    start = time.perf_counter()
    report = import_file(path, commune=commune, acting_user=None)
    first = time.perf_counter() - start
    assert report.written and not report.rejected, report.rejected[:3]
    start = time.perf_counter()
    again = import_file(path, commune=commune, acting_user=None)
    second = time.perf_counter() - start
    assert again.unchanged == report.residents_created and again.residents_created == 0
    return {
        "seconds": first,
        "reimport_seconds": second,
        "peak_mb": peak_mb(),
        "residents": Resident.objects.count(),
        "households": report.households_created,
    }


def _tablib_dataset(path: Path):  # type: ignore[no-untyped-def]
    """The file as import-export reads an xlsx (openpyxl), minus the title rows it cannot skip."""
    import tablib
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    header = [str(h) for h in rows[header_index]]
    data = tablib.Dataset(headers=header)
    code = None
    for row in rows[header_index + 1 :]:
        if not row or row[2] in (None, "", "Người lập biểu", "(Ký, ghi rõ họ tên)"):
            continue
        row = list(row)
        code = row[1] or code  # the household code is written on the first member only
        row[1] = code
        data.append(row)
    return data


def measure_import_export(path: Path, db: Path, tuned: bool) -> dict[str, object]:
    setup_django(db)
    from import_export import fields, resources, widgets

    from digiward.core.models import Commune
    from digiward.registry.models import Household, Resident

    commune = Commune.objects.get(code="31135")
    options = (
        {"use_bulk": True, "batch_size": 1000, "skip_diff": True, "force_init_instance": True}
        if tuned
        else {}
    )

    class HouseholdResource(resources.ModelResource):  # type: ignore[misc]
        code = fields.Field(attribute="code", column_name="Mã hộ")
        Meta = type(
            "Meta",
            (),
            {"model": Household, "fields": ("code",), "import_id_fields": ("code",), **options},
        )

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            instance.commune = commune

    class ResidentResource(resources.ModelResource):  # type: ignore[misc]
        household = fields.Field(
            attribute="household",
            column_name="Mã hộ",
            widget=widgets.ForeignKeyWidget(Household, "code"),
        )
        full_name = fields.Field(attribute="full_name", column_name="Họ và tên")
        phone = fields.Field(attribute="phone", column_name="Số điện thoại")
        Meta = type(
            "Meta",
            (),
            {"model": Resident, "fields": ("id", "household", "full_name", "phone"), **options},
        )

        def before_save_instance(self, instance, row, **kwargs):  # type: ignore[no-untyped-def]
            instance.commune = commune
            instance.name_folded = instance.full_name
            instance.phone = str(instance.phone or "")[:10]

    start = time.perf_counter()
    data = _tablib_dataset(path)
    read = time.perf_counter() - start
    households = data.subset(cols=["Mã hộ"])
    unique = {row[0] for row in households}
    import tablib

    household_data = tablib.Dataset(*[(c,) for c in sorted(unique)], headers=["Mã hộ"])
    result_h = HouseholdResource().import_data(household_data, dry_run=False, raise_errors=True)
    # An admin import template has an empty "id" column for new rows (the default import id).
    data.insert_col(0, [None] * data.height, header="id")
    result_r = ResidentResource().import_data(data, dry_run=False, raise_errors=True)
    total = time.perf_counter() - start
    assert not result_h.has_errors() and not result_r.has_errors()
    return {
        "seconds": total,
        "read_seconds": read,
        "peak_mb": peak_mb(),
        "residents": Resident.objects.count(),
    }


def measure_floor(path: Path, db: Path) -> dict[str, object]:
    setup_django(db)
    from openpyxl import load_workbook

    from digiward.core.models import Commune
    from digiward.registry.models import Household, Resident

    commune = Commune.objects.get(code="31135")
    start = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = [
        row
        for row in book.active.iter_rows(values_only=True, min_row=5)
        if row and row[2] and row[0]
    ]
    read = time.perf_counter() - start
    codes: list[str] = []
    code = None
    for row in rows:
        code = row[1] or code
        codes.append(str(code))
    households = Household.objects.bulk_create(
        [Household(commune=commune, code=c) for c in dict.fromkeys(codes)], batch_size=1000
    )
    ids = {h.code: h.pk for h in households}
    Resident.objects.bulk_create(
        [
            Resident(
                commune=commune, household_id=ids[c], full_name=str(r[2]), name_folded=str(r[2])
            )
            for r, c in zip(rows, codes, strict=True)
        ],
        batch_size=1000,
    )
    total = time.perf_counter() - start
    return {
        "seconds": total,
        "read_seconds": read,
        "peak_mb": peak_mb(),
        "residents": Resident.objects.count(),
    }


def measure_queries(path: Path, db: Path, repeats: int) -> dict[str, object]:
    """Search and journey view on the imported 100,000 residents (the DigiWard run's database)."""
    setup_django(db)
    import random

    from django.test import Client

    from digiward.core.access import SESSION_KEY
    from digiward.core.models import Commune, Membership, Role, User
    from digiward.core.text import fold
    from digiward.registry.models import Resident
    from digiward.registry.selectors import resident_search

    commune = Commune.objects.get(code="31135")
    names = list(
        Resident.objects.for_commune(commune).values_list("full_name", flat=True)[
            :: max(1, 100_000 // 500)
        ]
    )
    rng = random.Random(3)
    queries = []
    for name in rng.sample(names, min(repeats, len(names))):
        words = fold(name).split()
        queries.append(
            " ".join(words[-2:]) if rng.random() < 0.5 else " ".join(words)
        )  # "van an" or the full name, no accents
    timings = []
    for query in queries:
        start = time.perf_counter()
        page = resident_search(commune, query)
        timings.append((time.perf_counter() - start) * 1000)
        assert page.residents, query
    user, _ = User.objects.get_or_create(username="bench-officer", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(user=user, role=Role.OFFICER, commune=commune)
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = commune.pk
    session.save()
    client.get("/app/registry/journey/")  # warm up
    journey = []
    for _ in range(20):
        start = time.perf_counter()
        response = client.get("/app/registry/journey/")
        journey.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    web_search = []
    for query in queries[:50]:
        start = time.perf_counter()
        client.get("/app/registry/", {"q": query})
        web_search.append((time.perf_counter() - start) * 1000)
    return {
        "search_median_ms": statistics.median(timings),
        "search_p95_ms": statistics.quantiles(timings, n=20)[18],
        "search_queries": len(timings),
        "search_page_median_ms": statistics.median(web_search),
        "journey_median_ms": statistics.median(journey),
        "journey_max_ms": max(journey),
    }


# ---- orchestration --------------------------------------------------------------------------


def child(name: str, path: Path, db: Path, repeats: int) -> dict[str, object]:
    output = subprocess.run(
        [
            PYTHON,
            __file__,
            "--child",
            name,
            "--file",
            str(path),
            "--db",
            str(db),
            "--repeats",
            str(repeats),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--residents", type=int)
    parser.add_argument("--child")
    parser.add_argument("--file")
    parser.add_argument("--db")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument(
        "--skip-default-anchor", action="store_true", help="the slowest anchor (minutes)"
    )
    args = parser.parse_args()
    if args.child:
        path, db = Path(args.file), Path(args.db)
        functions = {
            "digiward": lambda: measure_digiward(path, db),
            "import_export": lambda: measure_import_export(path, db, tuned=False),
            "import_export_tuned": lambda: measure_import_export(path, db, tuned=True),
            "floor": lambda: measure_floor(path, db),
            "queries": lambda: measure_queries(path, db, args.repeats),
        }
        print(json.dumps(functions[args.child]()))
        return

    residents = args.residents or (20_000 if args.quick else 100_000)
    BENCH.mkdir(parents=True, exist_ok=True)
    path = BENCH / f"ward-{residents}.xlsx"
    if not path.exists():
        subprocess.run(
            [
                PYTHON,
                str(ROOT / "bench" / "ward_lists.py"),
                "--residents",
                str(residents),
                "--out",
                str(path),
            ],
            check=True,
        )
    print(
        f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), {residents} residents; machine: {os.cpu_count()} cores"
    )
    results: dict[str, dict[str, object]] = {}
    runs = ["digiward", "floor", "import_export_tuned"] + (
        [] if args.skip_default_anchor else ["import_export"]
    )
    for name in runs:
        db = BENCH / f"bench-{name}.sqlite3"
        fresh_database(db)
        results[name] = child(name, path, db, args.repeats)
        print(f"{name:>20}: {json.dumps(results[name])}", flush=True)
    results["queries"] = child(
        "queries", path, BENCH / "bench-digiward.sqlite3", 40 if args.quick else args.repeats
    )
    ours = float(results["digiward"]["seconds"])  # type: ignore[arg-type]
    print()
    print("| run | wall s | peak MB | note |")
    print("|---|---|---|---|")
    print(
        f"| DigiWard import (all checks, encryption, matching) | {ours:.2f} | {results['digiward']['peak_mb']:.0f} | {results['digiward']['households']} households |"
    )
    print(
        f"| DigiWard re-import (all unchanged) | {results['digiward']['reimport_seconds']:.2f} | – | |"
    )
    for name, label in [
        ("floor", "floor: openpyxl read-only + bulk_create"),
        ("import_export_tuned", "django-import-export, tuned"),
        ("import_export", "django-import-export, default"),
    ]:
        if name in results:
            r = results[name]
            print(
                f"| {label} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | read {r['read_seconds']:.2f} s; DigiWard is {float(r['seconds']) / ours:.2f}× faster |"
            )  # type: ignore[arg-type]
    q = results["queries"]
    print()
    print(
        f"search (selector) over {residents} residents: median {q['search_median_ms']:.1f} ms, p95 {q['search_p95_ms']:.1f} ms ({q['search_queries']} queries without diacritics)"
    )
    print(f"search page (full request, in process): median {q['search_page_median_ms']:.1f} ms")
    print(
        f"journey view (full request, in process): median {q['journey_median_ms']:.1f} ms, max {q['journey_max_ms']:.1f} ms"
    )
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "registry.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
