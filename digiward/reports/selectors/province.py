"""The province roll-up: the same headline figures for every commune of a province, as
rates per 1,000 adults so a large ward and a small commune compare, read in a handful of
grouped queries whatever the number of communes (never one query per commune)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from digiward.core.models import Commune, Province, Role, User
from digiward.guidance.selectors import help_sessions_by_commune
from digiward.homecare.selectors import RequestLoad, request_load_by_commune
from digiward.learning.selectors import skills_confirmed_by_commune
from digiward.registry.selectors import (
    JourneyReach,
    journey_reach_by_commune,
    milestones_by_commune_and_month,
)

PER = 1000  # rates are per 1,000 adults
SESSION_DAYS = 30  # help sessions counted over the last 30 days
TREND_MONTHS = 6  # the sparkline: milestones reached per month, this month and 5 before


@dataclass(frozen=True)
class CommuneRow:
    """One commune's figures (or, with `commune` None, the province's total)."""

    commune: Commune | None
    reach: JourneyReach
    help_sessions: int
    requests: RequestLoad
    trend: tuple[int, ...]  # milestones reached per month, oldest first
    skills_confirmed: int = 0  # adults holding a valid digital-skills certificate

    def rate(self, count: int) -> float | None:
        """`count` per 1,000 adults; None when there are no adults to divide by."""
        adults = self.reach.adults
        return round(PER * count / adults, 1) if adults else None

    @property
    def on_journey_rate(self) -> float | None:
        return self.rate(self.reach.on_journey)

    @property
    def vneid_level2_rate(self) -> float | None:
        return self.rate(self.reach.vneid_level2)

    @property
    def online_service_rate(self) -> float | None:
        return self.rate(self.reach.online_service)

    @property
    def independent_rate(self) -> float | None:
        return self.rate(self.reach.independent)

    @property
    def skills_confirmed_rate(self) -> float | None:
        return self.rate(self.skills_confirmed)

    @property
    def help_sessions_rate(self) -> float | None:
        return self.rate(self.help_sessions)

    @property
    def has_data(self) -> bool:
        return bool(
            self.reach.adults or self.help_sessions or self.requests.open or any(self.trend)
        )


def _name(row: CommuneRow) -> str:
    return row.commune.name_sort if row.commune is not None else ""


# Sort keys of the table. Rates sort rows without adults last in either direction.
SORTS: dict[str, Callable[[CommuneRow], float | int | str | None]] = {
    "name": _name,
    "adults": lambda row: row.reach.adults,
    "on_journey": lambda row: row.on_journey_rate,
    "vneid_level2": lambda row: row.vneid_level2_rate,
    "online_service": lambda row: row.online_service_rate,
    "independent": lambda row: row.independent_rate,
    "skills_confirmed": lambda row: row.skills_confirmed_rate,
    "help_sessions": lambda row: row.help_sessions_rate,
    "overdue": lambda row: row.requests.overdue,
}
# Furthest behind first: the fewest adults with VNeID level 2 per 1,000 — the step that
# opens online public services, and the one the national programme counts.
DEFAULT_SORT = "vneid_level2"


@dataclass(frozen=True)
class ProvinceRollup:
    province: Province
    rows: list[CommuneRow]  # communes with figures, in the order asked for
    without_data: list[Commune]  # communes that have not started recording yet
    total: CommuneRow
    months: list[date]  # first day of each month of the trend, oldest first
    sort: str  # the sort key, "-" in front when descending
    computed_at: datetime

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def viewer_provinces(user: User) -> list[Province]:
    """The provinces whose roll-up `user` may see: those where they are a province viewer."""
    return list(
        Province.objects.filter(
            Q(memberships__user=user) & Q(memberships__role=Role.PROVINCE_VIEWER)
        )
        .distinct()
        .order_by("code")
    )


def trend_months(today: date, count: int = TREND_MONTHS) -> list[date]:
    """The first day of this month and of the `count - 1` months before, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def province_rollup(
    province: Province, *, sort: str = DEFAULT_SORT, today: date | None = None
) -> ProvinceRollup:
    today = today or timezone.localdate()
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT
    communes = list(Commune.objects.filter(province=province).order_by("name_sort"))
    ids = [c.pk for c in communes]
    months = trend_months(today)
    reach = journey_reach_by_commune(ids, today)
    sessions = help_sessions_by_commune(
        ids, start=today - timedelta(days=SESSION_DAYS - 1), end=today
    )
    requests = request_load_by_commune(ids, today)
    milestones = milestones_by_commune_and_month(ids, months)
    confirmed = skills_confirmed_by_commune(ids, today)

    every = [
        CommuneRow(
            commune=c,
            reach=reach.get(c.pk, JourneyReach()),
            help_sessions=sessions.get(c.pk, 0),
            requests=requests.get(c.pk, RequestLoad()),
            trend=tuple(milestones.get((c.pk, month), 0) for month in months),
            skills_confirmed=confirmed.get(c.pk, 0),
        )
        for c in communes
    ]
    rows = [row for row in every if row.has_data]
    return ProvinceRollup(
        province=province,
        rows=_sorted(rows, sort),
        without_data=[row.commune for row in every if not row.has_data and row.commune],
        total=_total(rows, len(months)),
        months=months,
        sort=sort,
        computed_at=timezone.now(),
    )


def _sorted(rows: list[CommuneRow], sort: str) -> list[CommuneRow]:
    key = SORTS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    by_name = sorted(rows, key=_name)  # ties keep alphabetical order (the sort is stable)
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown  # type: ignore[arg-type]


def _total(rows: list[CommuneRow], months: int) -> CommuneRow:
    """The province's figures: the sum of its communes' counts, rates from those sums
    (never an average of the communes' rates, which would weigh a hamlet like a city)."""
    reach = JourneyReach()
    for row in rows:
        reach = reach + row.reach
    return CommuneRow(
        commune=None,
        reach=reach,
        help_sessions=sum(row.help_sessions for row in rows),
        requests=RequestLoad(
            open=sum(row.requests.open for row in rows),
            overdue=sum(row.requests.overdue for row in rows),
        ),
        trend=tuple(sum(row.trend[i] for row in rows) for i in range(months)),
        skills_confirmed=sum(row.skills_confirmed for row in rows),
    )
