"""The commune dashboard: how far the ward is on digital inclusion, and the work behind it,
read from the owning apps' selectors with the same filters for every tile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from digiward.core.access import Access
from digiward.core.permissions import Perm
from digiward.donations.selectors import CampaignProgress, campaign_progress
from digiward.guidance.selectors import (
    DeskWaits,
    HelpBreakdown,
    SessionFilters,
    desk_waits,
    help_breakdown,
)
from digiward.homecare.models import OPEN_STATUSES, RequestStatus
from digiward.homecare.selectors import deadlines, open_requests_by_status
from digiward.learning.selectors import skills_confirmed_among
from digiward.registry.selectors import (
    JourneyFilters,
    Rung,
    filtered_residents,
    journey_distribution,
    milestones_reached,
)

PERIODS: dict[str, StrOrPromise] = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "last_90_days": _("The last 90 days"),
    "this_year": _("This year"),
}
DEFAULT_PERIOD = "this_month"


@dataclass(frozen=True)
class DashboardFilters:
    period: str = DEFAULT_PERIOD
    area_id: int | None = None
    age_band: str | None = None
    sex: str | None = None
    poverty_status: str | None = None

    def journey(self) -> JourneyFilters:
        # The ladder counts adults, as the province roll-up's rates do: a toddler is not
        # "behind" on VNeID (issue 12 found the stuck list led with them).
        return JourneyFilters(
            adults_only=True,
            area_id=self.area_id,
            age_band=self.age_band,
            sex=self.sex,
            poverty_status=self.poverty_status,
        )


def period_bounds(period: str, today: date) -> tuple[date, date]:
    """First and last day of the period, today included (a period never reaches ahead)."""
    if period == "last_month":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if period == "last_90_days":
        return today - timedelta(days=89), today
    if period == "this_year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


@dataclass(frozen=True)
class LadderRung:
    rung: Rung
    reached_in_period: int | None  # milestones of this rung's kind reached; None for rung 0


@dataclass(frozen=True)
class HomeSupportTile:
    by_status: list[tuple[str, StrOrPromise, int]]
    open: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Dashboard:
    filters: DashboardFilters
    start: date
    end: date
    computed_at: datetime
    ladder: list[LadderRung]
    adults: int
    help: HelpBreakdown
    waits: DeskWaits
    home_support: HomeSupportTile
    campaigns: list[CampaignProgress] | None  # None: the user may not see campaigns
    # Of `adults`, those holding a valid digital-skills certificate (issue 14).
    skills_confirmed: int = 0

    @property
    def skills_confirmed_percent(self) -> float:
        return round(100 * self.skills_confirmed / self.adults, 1) if self.adults else 0.0

    # What the charts draw: (label, count) pairs, the same numbers as the tables.
    @property
    def ladder_items(self) -> list[tuple[str, int]]:
        return [(f"{item.rung.number}. {item.rung.label}", item.rung.count) for item in self.ladder]

    @property
    def outcome_items(self) -> list[tuple[str, int]]:
        return [(tally.label, tally.count) for tally in self.help.by_outcome]

    @property
    def status_items(self) -> list[tuple[str, int]]:
        return [(str(label), count) for _value, label, count in self.home_support.by_status]


def commune_dashboard(
    access: Access,
    filters: DashboardFilters,
    today: date | None = None,
    *,
    bounds: tuple[date, date] | None = None,
) -> Dashboard:
    """Every tile over the same period and people; campaigns only for those who may see
    them (a province viewer opening the commune does not)."""
    today = today or timezone.localdate()
    commune = access.commune
    # `bounds` (a calendar month for the monthly report) overrides the filters' period.
    start, end = bounds or period_bounds(filters.period, today)
    rungs, adults = journey_distribution(commune, filters.journey())
    reached = milestones_reached(commune, filters.journey(), start=start, end=end)
    ladder = [LadderRung(rung, reached.get(rung.kind, 0) if rung.kind else None) for rung in rungs]
    help_tile = help_breakdown(
        commune,
        SessionFilters(
            start=start,
            end=end,
            age_band=filters.age_band,
            sex=filters.sex,
            area_id=filters.area_id,
            poverty_status=filters.poverty_status,
        ),
    )
    counts = open_requests_by_status(commune)
    due = deadlines(commune, today)
    home_support = HomeSupportTile(
        by_status=[
            (status.value, status.label, counts.get(status.value, 0))
            for status in RequestStatus
            if status in OPEN_STATUSES
        ],
        open=sum(counts.values()),
        overdue=len(due.overdue),
        due_soon=len(due.due_soon),
    )
    campaigns = campaign_progress(access) if access.has(Perm.VIEW_CAMPAIGNS) else None
    return Dashboard(
        filters=filters,
        start=start,
        end=end,
        computed_at=timezone.now(),
        ladder=ladder,
        adults=adults,
        help=help_tile,
        waits=desk_waits(commune, start=start, end=end),
        home_support=home_support,
        campaigns=campaigns,
        skills_confirmed=skills_confirmed_among(
            commune, filtered_residents(commune, filters.journey())
        ),
    )
