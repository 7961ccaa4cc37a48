"""Search quality on questions written the way people talk (issue 12).

    .venv/bin/python bench/bench_search.py [--show-misses]

Builds the search index from the seed catalog (digiward/procedures/seed/catalog.json)
exactly as the site does (`selectors.procedure_document`), asks every question of
`digiward/procedures/search_questions.py` and prints the top-1 and top-3 hit rates.
A question whose expected guide is `None` counts as a hit when nothing is returned (the
page then says nothing fits and offers help). No database, no server: a few seconds.
Goal: top-3 at least 95 %.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DIGIWARD_VAR_DIR", str(ROOT / "var" / "bench-search"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from digiward.procedures.models import Procedure
    from digiward.procedures.search import SearchIndex
    from digiward.procedures.search_questions import QUESTIONS
    from digiward.procedures.selectors import procedure_document
    from digiward.procedures.services import SEED

    entries = json.loads(SEED.read_text(encoding="utf-8"))["procedures"]
    slugs = {n: e["slug"] for n, e in enumerate(entries, 1)}
    index = SearchIndex(
        procedure_document(
            Procedure(
                pk=n,
                name=e["name"],
                name_en=e.get("name_en", ""),
                keywords=e.get("keywords", []),
                code=e.get("code", ""),
                summary=e.get("summary", ""),
                summary_en=e.get("summary_en", ""),
            )
        )
        for n, e in enumerate(entries, 1)
    )
    top1 = top3 = 0
    misses = []
    started = time.perf_counter()
    for question, expected in QUESTIONS:
        found = [slugs[doc_id] for doc_id, _score in index.search(question, limit=3)]
        if expected is None:
            hit1 = hit3 = not found
        else:
            hit1 = found[:1] == [expected]
            hit3 = expected in found
        top1 += hit1
        top3 += hit3
        if not hit3 or (args.show_misses and not hit1):
            misses.append((question, expected, found))
    elapsed = time.perf_counter() - started
    n = len(QUESTIONS)
    print(f"catalog: {len(entries)} entries; questions: {n}")
    print(f"top-1 hit rate: {top1 / n:.1%} ({top1}/{n})")
    print(f"top-3 hit rate: {top3 / n:.1%} ({top3}/{n})  goal >= 95%")
    print(f"time: {elapsed * 1000 / n:.2f} ms per question")
    for question, expected, found in misses:
        print(f"  miss: {question!r} → expected {expected}, got {found}")


if __name__ == "__main__":
    main()
