"""The ward's figures for everyone (/so-lieu/): the journey ladder and the help given this
year, with every count that could point at a person hidden (`core.disclosure`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from digiward.core.disclosure import suppress, suppress_total
from digiward.core.models import Commune
from digiward.guidance.selectors import SessionFilters, help_breakdown
from digiward.registry.selectors import JourneyFilters, journey_distribution


@dataclass(frozen=True)
class Cell:
    label: str
    count: int | None  # None: fewer than 5 people, not shown


@dataclass(frozen=True)
class PublicFigures:
    adults: int | None
    ladder: list[Cell]
    year: int
    help_sessions: int | None
    by_outcome: list[Cell]
    by_service: list[Cell]
    computed_at: datetime


def _cells(pairs: list[tuple[str, int]]) -> list[Cell]:
    shown = suppress([count for _label, count in pairs])
    return [Cell(label, count) for (label, _count), count in zip(pairs, shown, strict=True)]


def public_figures(commune: Commune, today: date | None = None) -> PublicFigures:
    today = today or timezone.localdate()
    rungs, adults = journey_distribution(commune, JourneyFilters(adults_only=True))
    help_given = help_breakdown(
        commune, SessionFilters(start=today.replace(month=1, day=1), end=today)
    )
    return PublicFigures(
        adults=suppress_total(adults),
        ladder=_cells([(f"{rung.number}. {rung.label}", rung.count) for rung in rungs]),
        year=today.year,
        help_sessions=suppress_total(help_given.total),
        by_outcome=_cells([(t.label, t.count) for t in help_given.by_outcome]),
        by_service=_cells([(t.label, t.count) for t in help_given.by_service]),
        computed_at=timezone.now(),
    )
