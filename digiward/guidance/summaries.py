"""Daily counts of help sessions (`HelpSessionDay`), kept in step with the sessions.

Why recount a whole day rather than add one: a session can change its day, outcome or
procedure when it is edited, and a recount from the day's sessions (a few hundred rows at
most) is right whatever changed. The commune's row is locked first, so two sessions saved
at once on PostgreSQL recount one after the other and the second sees the first (on
SQLite writers are serialised anyway).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db import transaction

from digiward.core.models import Commune
from digiward.guidance.models import HelpSession, HelpSessionDay
from digiward.registry.selectors import AGE_BANDS


def age_band_of(birth_year: int | None, on: date) -> str:
    """The registry's age band of someone born in `birth_year`, in the year of `on`."""
    if birth_year is None:
        return ""
    age = on.year - birth_year
    for band, (low, high) in AGE_BANDS.items():
        if low <= age <= high:
            return band
    return ""


def _counts(rows: Any) -> Counter[tuple[date, str, int | None, str, str]]:
    counts: Counter[tuple[date, str, int | None, str, str]] = Counter()
    for day, outcome, procedure_id, age_band, sex, resident_sex, birth_year in rows:
        counts[
            (
                day,
                outcome,
                procedure_id,
                age_band or age_band_of(birth_year, day),
                sex or resident_sex or "",
            )
        ] += 1
    return counts


_FIELDS = (
    "helped_on",
    "outcome",
    "procedure_id",
    "age_band",
    "sex",
    "resident__sex",
    "resident__birth_year",
)


def recount_day(commune_id: int, day: date, *, using: str = "default") -> None:
    """Count the commune's sessions of `day` again, in the database `using` (a restore
    writes to a scratch database: its counts must land there, not in the live one)."""
    with transaction.atomic(using=using):
        communes = Commune.objects.using(using).select_for_update().filter(pk=commune_id)
        list(communes.values_list("pk"))
        rows = (
            HelpSession.objects.using(using)
            .filter(commune_id=commune_id, helped_on=day)
            .values_list(*_FIELDS)
        )
        HelpSessionDay.objects.using(using).filter(commune_id=commune_id, day=day).delete()
        HelpSessionDay.objects.using(using).bulk_create(_rows(commune_id, _counts(rows)))


def rebuild(commune_id: int | None = None) -> int:
    """Count every day again (all communes, or one): after rows were written in bulk."""
    communes = (
        [commune_id]
        if commune_id is not None
        else list(HelpSession.objects.values_list("commune_id", flat=True).distinct().order_by())
    )
    written = 0
    for pk in communes:
        with transaction.atomic():
            list(Commune.objects.select_for_update().filter(pk=pk).values_list("pk"))
            HelpSessionDay.objects.filter(commune_id=pk).delete()
            rows = (
                HelpSession.objects.filter(commune_id=pk)
                .values_list(*_FIELDS)
                .iterator(chunk_size=20_000)
            )
            made = HelpSessionDay.objects.bulk_create(_rows(pk, _counts(rows)), batch_size=5_000)
            written += len(made)
    if commune_id is None:  # communes whose sessions are all gone
        HelpSessionDay.objects.exclude(commune_id__in=communes).delete()
    return written


def _rows(
    commune_id: int, counts: Counter[tuple[date, str, int | None, str, str]]
) -> list[HelpSessionDay]:
    return [
        HelpSessionDay(
            commune_id=commune_id,
            day=day,
            outcome=outcome,
            procedure_ref=procedure_id,
            age_band=age_band,
            sex=sex,
            sessions=n,
        )
        for (day, outcome, procedure_id, age_band, sex), n in counts.items()
    ]
