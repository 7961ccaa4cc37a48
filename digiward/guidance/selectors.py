"""Reads of the guidance team that several screens share: the month calendar, a member's
shifts, hours served, availability, open swaps, the desk queue and its waiting times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, F, Func, IntegerField, Max, Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.models import Absence, Commune, Role, User
from digiward.guidance.models import (
    DEFAULT_TEMPLATES,
    Attendance,
    DutyShift,
    HelpSession,
    HelpSessionDay,
    MemberAvailability,
    Outcome,
    QueueStatus,
    QueueTicket,
    Roster,
    ShiftAssignment,
    SlotKind,
    SlotTemplate,
    SwapRequest,
    SwapStatus,
    TeamMember,
)
from digiward.guidance.rostering import closed_days, month_bounds
from digiward.guidance.services.rules import shift_gaps
from digiward.procedures.models import Procedure
from digiward.registry.models import Resident
from digiward.registry.selectors import AGE_BANDS as AGE_BAND_YEARS


@dataclass
class ShiftView:
    shift: DutyShift
    assignments: list[ShiftAssignment]
    gaps: dict[str, Any]
    mine: bool = False

    @property
    def has_gap(self) -> bool:
        g = self.gaps
        return bool(g["missing"] or g["needs_experienced"] or g["needs_skills"])


@dataclass
class DayView:
    day: date
    in_month: bool
    closed: str | None
    shifts: list[ShiftView] = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def month_calendar(
    commune: Commune, month: date, *, roster: Roster | None, member: TeamMember | None = None
) -> list[list[DayView]]:
    """Weeks (Monday first) covering the month, each day with its shifts and gaps.

    Three queries whatever the month's size: shifts, assignments with members, holidays
    (the calendar itself is computed).
    """
    first, last = month_bounds(month)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    closed = closed_days(commune, month)
    per_day: dict[date, list[ShiftView]] = defaultdict(list)
    if roster is not None:
        shifts = list(roster.shifts.order_by("date", "start"))
        seats: dict[int, list[ShiftAssignment]] = defaultdict(list)
        for a in (
            ShiftAssignment.objects.filter(shift__roster=roster)
            .select_related("member__user")
            .order_by("member__user__full_name")
        ):
            seats[a.shift_id].append(a)
        for shift in shifts:
            people = seats.get(shift.pk, [])
            per_day[shift.date].append(
                ShiftView(
                    shift=shift,
                    assignments=people,
                    gaps=shift_gaps(shift, [a.member for a in people]),
                    mine=member is not None and any(a.member_id == member.pk for a in people),
                )
            )
    weeks: list[list[DayView]] = []
    day = start
    while day <= end:
        week = []
        for _weekday in range(7):
            week.append(
                DayView(
                    day=day,
                    in_month=first <= day <= last,
                    closed=closed.get(day) if first <= day <= last else None,
                    shifts=per_day.get(day, []),
                )
            )
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


def member_absences(member: TeamMember, *, from_day: date) -> QuerySet[Absence]:
    """The member's absences in the team's commune that end on or after ``from_day``."""
    return (
        Absence.objects.for_commune(member.commune_id)
        .filter(user_id=member.user_id, ends_on__gte=from_day)
        .order_by("starts_on")
    )


def member_shifts(member: TeamMember, *, start: date, end: date) -> QuerySet[ShiftAssignment]:
    """A member's seats between two days, published rosters only."""
    return (
        ShiftAssignment.objects.filter(
            member=member,
            shift__date__gte=start,
            shift__date__lte=end,
            shift__roster__status="published",
        )
        .select_related("shift__roster")
        .prefetch_related("swap_requests")
        .order_by("shift__date", "shift__start")
    )


@dataclass(frozen=True)
class Service:
    """A member's record of service, for recognition."""

    member: TeamMember
    done: int
    missed: int
    excused: int
    planned: int
    hours: Decimal


def hours_served(
    commune: Commune, *, since: date | None = None, until: date | None = None
) -> list[Service]:
    """Shifts done, missed and excused and hours served per member, most hours first.

    Hours are the shift's length (opening hours), counted only when attendance is
    "done". One query: the rows are few (10 members × ~40 shifts a month).
    """
    members = {m.pk: m for m in TeamMember.objects.for_commune(commune).select_related("user")}
    rows = ShiftAssignment.objects.filter(
        commune=commune, shift__roster__status="published"
    ).select_related("shift")
    if since:
        rows = rows.filter(shift__date__gte=since)
    if until:
        rows = rows.filter(shift__date__lte=until)
    tally: dict[int, dict[str, Any]] = {
        pk: {"done": 0, "missed": 0, "excused": 0, "planned": 0, "hours": Decimal(0)}
        for pk in members
    }
    for row in rows:
        entry = tally[row.member_id]
        entry[row.attendance] += 1
        if row.attendance == Attendance.DONE:
            entry["hours"] += row.shift.hours
    services = [Service(member=members[pk], **entry) for pk, entry in tally.items()]
    return sorted(services, key=lambda s: (-s.hours, -s.done, s.member.name))


def service_period(
    commune: Commune, *, member: TeamMember | None = None
) -> tuple[date, date] | None:
    """The first and last day of the shifts `hours_served` counts (attendance done in a
    published roster), so a total can say which period it covers; None before any."""
    rows = ShiftAssignment.objects.filter(
        commune=commune, shift__roster__status="published", attendance=Attendance.DONE
    )
    if member is not None:
        rows = rows.filter(member=member)
    bounds = rows.aggregate(first=Min("shift__date"), last=Max("shift__date"))
    if bounds["first"] is None:
        return None
    return bounds["first"], bounds["last"]


def candidates_for(shift: DutyShift) -> list[TeamMember]:
    """Active members not on the shift yet (the lead's "add someone" list)."""
    on = shift.assignments.values("member_id")
    return list(
        TeamMember.objects.for_commune(shift.commune_id)
        .filter(is_active=True)
        .exclude(pk__in=on)
        .select_related("user")
        .order_by("user__full_name")
    )


def availability_cells(commune: Commune) -> list[tuple[int, str]]:
    """The (weekday, kind) pairs the desk opens: what a member's availability is asked
    about (the usual hours while the commune has no opening hours yet), by day then slot."""
    cells: set[tuple[int, str]] = set()
    for template in SlotTemplate.objects.for_commune(commune).filter(is_active=True):
        cells.update((day, template.kind) for day in template.weekdays)
    if not cells:
        cells = {(d, k) for k, _s, _e, days in DEFAULT_TEMPLATES for d in days}
    order = list(SlotKind.values)
    return sorted(cells, key=lambda c: (c[0], order.index(c[1]) if c[1] in order else 9))


def availability_of(member: TeamMember) -> dict[tuple[int, str], str]:
    """What a member said for each (weekday, kind); "available" is not stored."""
    return {
        (row.weekday, row.kind): row.value
        for row in MemberAvailability.objects.filter(member=member)
    }


def users_for_team(commune: Commune) -> QuerySet[User]:
    """People who may join the team: volunteers and officers of the commune not on it yet."""
    taken = TeamMember.objects.for_commune(commune).values("user_id")
    return (
        User.objects.filter(
            is_active=True,
            memberships__commune=commune,
            memberships__role__in=[Role.VOLUNTEER, Role.OFFICER, Role.COMMUNE_ADMIN],
        )
        .exclude(pk__in=taken)
        .distinct()
        .order_by("full_name")
    )


def swaps_open_to(member: TeamMember) -> QuerySet[SwapRequest]:
    """Colleagues' open requests that `member` could answer."""
    return (
        SwapRequest.objects.filter(commune_id=member.commune_id, status=SwapStatus.OPEN)
        .exclude(requester=member)
        .filter(assignment__shift__date__gt=timezone.localdate())
        .select_related("assignment__shift", "requester__user")
        .order_by("assignment__shift__date", "assignment__shift__start")
    )


def swaps_for_lead(commune: Commune) -> QuerySet[SwapRequest]:
    return (
        SwapRequest.objects.filter(commune=commune, status=SwapStatus.ACCEPTED)
        .select_related(
            "assignment__shift", "requester__user", "accepted_by__user", "offered_assignment__shift"
        )
        .order_by("assignment__shift__date")
    )


def my_swaps(member: TeamMember) -> QuerySet[SwapRequest]:
    return (
        SwapRequest.objects.filter(Q(requester=member) | Q(accepted_by=member))
        .select_related(
            "assignment__shift", "requester__user", "accepted_by__user", "offered_assignment__shift"
        )
        .order_by("-created_at")[:30]
    )


# ---- Desk queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueState:
    waiting: list[QueueTicket]
    serving: list[QueueTicket]
    last_called: QueueTicket | None
    served_today: int
    average_wait: int | None  # minutes, today's called tickets
    missed: list[QueueTicket] = field(default_factory=list)  # "did not come": may come back


def queue_state(commune: Commune, day: date) -> QueueState:
    tickets = list(QueueTicket.objects.for_commune(commune).filter(issued_on=day))
    # In the order they will be called (priority first), as the desk and the screen show.
    waiting = sorted(
        (t for t in tickets if t.status == QueueStatus.WAITING), key=lambda t: t.call_key
    )
    serving = [t for t in tickets if t.status == QueueStatus.CALLED]
    called = [t for t in tickets if t.called_at is not None]
    last = max(called, key=lambda t: t.called_at or timezone.now(), default=None)
    waits = [t.waited_minutes for t in called if t.waited_minutes is not None]
    return QueueState(
        waiting=waiting,
        serving=serving,
        last_called=last,
        served_today=sum(1 for t in tickets if t.status == QueueStatus.SERVED),
        average_wait=round(sum(waits) / len(waits)) if waits else None,
        missed=[t for t in tickets if t.status == QueueStatus.NO_SHOW],
    )


def tickets_before(ticket: QueueTicket) -> int:
    """How many waiting numbers will be called before `ticket` (the call order)."""
    waiting = QueueTicket.objects.filter(
        commune_id=ticket.commune_id, issued_on=ticket.issued_on, status=QueueStatus.WAITING
    ).exclude(pk=ticket.pk)
    if ticket.priority:
        return waiting.exclude(priority="").filter(number__lt=ticket.number).count()
    return waiting.filter(~Q(priority="") | Q(number__lt=ticket.number)).count()


@dataclass(frozen=True)
class HourLoad:
    hour: int | None  # None: the one row of every ticket taken outside opening hours
    tickets: float  # per open day
    average_wait: int | None
    average_service: int | None


def opening_hours(commune: Commune) -> list[int]:
    """The hours of the day the desk is open on some weekday: each hour an active
    opening-hours slot overlaps (7:00–11:30 opens 7, 8, 9, 10 and 11)."""
    hours: set[int] = set()
    for start, end in (
        SlotTemplate.objects.for_commune(commune).filter(is_active=True).values_list("start", "end")
    ):
        last = end.hour if end.minute or end.second else end.hour - 1
        hours.update(range(start.hour, last + 1))
    return sorted(hours)


def queue_by_hour(commune: Commune, *, days: int = 28) -> list[HourLoad]:
    """Tickets per hour of the day and the wait, over the last `days`: what sizes the roster.

    One row per opening hour (empty ones too, so a quiet hour shows as quiet) and one row
    for tickets taken outside them: a late ticket at 18:05 used to open an "18:00" row as
    if the desk opened then (issue 12). Without opening hours, the hours that had tickets."""
    since = timezone.localdate() - timedelta(days=days)
    rows = QueueTicket.objects.for_commune(commune).filter(issued_on__gte=since)
    opening = set(opening_hours(commune))
    per_hour: dict[int | None, list[QueueTicket]] = defaultdict(list)
    open_days: set[date] = set()
    for ticket in rows:
        local: datetime = timezone.localtime(ticket.issued_at)
        per_hour[local.hour if not opening or local.hour in opening else None].append(ticket)
        open_days.add(ticket.issued_on)
    if not open_days:
        return []
    shown: list[int | None] = [*sorted(opening or {h for h in per_hour if h is not None})]
    if None in per_hour:
        shown.append(None)
    loads = []
    for hour in shown:
        items = per_hour.get(hour, [])
        waits = [t.waited_minutes for t in items if t.waited_minutes is not None]
        served = [t.served_minutes for t in items if t.served_minutes is not None]
        loads.append(
            HourLoad(
                hour=hour,
                tickets=round(len(items) / max(1, len(open_days)), 1),
                average_wait=round(sum(waits) / len(waits)) if waits else None,
                average_service=round(sum(served) / len(served)) if served else None,
            )
        )
    return loads


def help_sessions_by_commune(commune_ids: list[int], *, start: date, end: date) -> dict[int, int]:
    """Help sessions logged in each commune of `commune_ids` from `start` to `end`
    inclusive: one grouped query (the province roll-up)."""
    rows = (
        HelpSession.objects.filter(
            commune_id__in=commune_ids, helped_on__gte=start, helped_on__lte=end
        )
        .values_list("commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


# ---- The commune dashboard ------------------------------------------------------------


@dataclass(frozen=True)
class SessionFilters:
    """Which help sessions a dashboard counts: logged from `start` to `end` inclusive, and
    for the people chosen. Age band and sex match what the helper noted of a walk-in
    visitor, or the registry's record of a resident; area and household classification
    only residents' sessions (a walk-in has neither)."""

    start: date
    end: date
    age_band: str | None = None
    sex: str | None = None
    area_id: int | None = None
    poverty_status: str | None = None


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class HelpBreakdown:
    total: int
    by_outcome: list[Tally]
    by_service: list[Tally]  # the most asked-for procedures, then "other"


SERVICES_SHOWN = 8


def filtered_sessions(commune: Commune, filters: SessionFilters) -> QuerySet[HelpSession]:
    sessions: QuerySet[HelpSession] = HelpSession.objects.all()
    if (filters.area_id or filters.poverty_status) and connections[sessions.db].vendor == "sqlite":
        # A khu vực or a classification picks a few thousand residents, whose sessions
        # the resident index finds; SQLite has no statistics to know it and read every
        # session of the period through the (commune, day) index instead: 1.9 s over a
        # year of 1,000,000 sessions, 0.18 s from the residents. "commune_id + 0" is the
        # SQLite way to keep a column's index out of the plan. PostgreSQL plans from its
        # statistics and keeps the plain filter (one shard under Citus).
        sessions = sessions.alias(commune_key=F("commune_id") + 0).filter(commune_key=commune.pk)
    else:
        sessions = sessions.filter(commune=commune)
    sessions = sessions.filter(helped_on__gte=filters.start, helped_on__lte=filters.end)
    # A resident's side of a filter is "resident_id IN (the residents it selects)", not a
    # join ORed with the walk-in's fields: the join made the planner read every session
    # of the period through the residents (3.4 s over a year of 1,000,000 sessions).
    residents = Resident.objects.filter(commune=commune)
    if filters.sex:
        chosen = residents.filter(sex=filters.sex).values("pk")
        # The walk-in's noted sex, else the resident's: each session counts once.
        sessions = sessions.filter(Q(sex=filters.sex) | Q(sex="", resident_id__in=chosen))
    if filters.age_band in AGE_BAND_YEARS:
        low, high = AGE_BAND_YEARS[filters.age_band]
        year = filters.end.year
        chosen = residents.filter(birth_year__gte=year - high, birth_year__lte=year - low)
        sessions = sessions.filter(
            Q(age_band=filters.age_band) | Q(age_band="", resident_id__in=chosen.values("pk"))
        )
    if filters.area_id:
        chosen = residents.filter(household__area_id=filters.area_id).values("pk")
        sessions = sessions.filter(resident_id__in=chosen)
    if filters.poverty_status:
        chosen = residents.filter(household__poverty_status=filters.poverty_status).values("pk")
        sessions = sessions.filter(resident_id__in=chosen)
    return sessions


def help_breakdown(
    commune: Commune, filters: SessionFilters, *, live: bool = False
) -> HelpBreakdown:
    """Help sessions by outcome and by service: from the daily counts (`HelpSessionDay`),
    or from the sessions themselves when a filter needs the resident's household (area,
    classification) or `live` is asked for (the tests compare the two)."""
    if live or filters.area_id or filters.poverty_status:
        cells = list(
            filtered_sessions(commune, filters)
            .values_list("outcome", "procedure_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    else:
        days = HelpSessionDay.objects.filter(
            commune=commune, day__gte=filters.start, day__lte=filters.end
        )
        if filters.sex:
            days = days.filter(sex=filters.sex)
        if filters.age_band in AGE_BAND_YEARS:
            days = days.filter(age_band=filters.age_band)
        cells = list(
            days.values_list("outcome", "procedure_ref").annotate(n=Sum("sessions")).order_by()
        )
    outcomes: dict[str, int] = defaultdict(int)
    services: dict[int | None, int] = defaultdict(int)
    for outcome, procedure_id, n in cells:
        outcomes[outcome] += n
        services[procedure_id] += n
    by_outcome = [
        Tally(value, str(label), outcomes.get(value, 0)) for value, label in Outcome.choices
    ]
    named = sorted(((pk, n) for pk, n in services.items() if pk is not None), key=lambda r: -r[1])
    top = named[:SERVICES_SHOWN]
    names = dict(Procedure.objects.filter(pk__in=[pk for pk, _n in top]).values_list("pk", "name"))
    top.sort(key=lambda row: (-row[1], names.get(row[0], "")))
    shown = [Tally(str(pk), names.get(pk, ""), n) for pk, n in top]
    rest = sum(n for _pk, n in named[SERVICES_SHOWN:]) + services.get(None, 0)
    if rest:
        shown.append(Tally("other", str(_("Other topics")), rest))
    return HelpBreakdown(total=sum(outcomes.values()), by_outcome=by_outcome, by_service=shown)


@dataclass(frozen=True)
class DeskWaits:
    """How long people waited at the desk between taking a number and being called."""

    called: int  # tickets called in the period
    median_minutes: float | None
    p90_minutes: float | None  # nine in ten waited at most this long
    longest_minutes: float | None


class _SecondsBetween(Func):
    """Whole seconds from the second datetime to the first, counted by the database: a
    year of tickets read as datetimes into Python cost 0.4 s, as a histogram 1/10th."""

    arity = 2
    output_field = IntegerField()
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS INTEGER)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            # julianday, not strftime('%s'): a '%s' in the SQL would become a placeholder.
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def desk_waits(commune: Commune, *, start: date, end: date) -> DeskWaits:
    histogram = (
        QueueTicket.objects.filter(
            commune=commune, issued_on__gte=start, issued_on__lte=end, called_at__isnull=False
        )
        .annotate(wait=_SecondsBetween("called_at", "issued_at"))
        .values_list("wait")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return waits_from_histogram(histogram)


def waits_from_histogram(histogram: Iterable[tuple[int, int]]) -> DeskWaits:
    """The desk's waits from (seconds waited, tickets) pairs. The quantiles are read off
    the histogram (a few hundred distinct waits) instead of a list of every ticket's wait:
    a year's 85,000 tickets cost 90 ms to expand and sort (bench/bench_dashboard.py)."""
    waits = sorted((max(seconds / 60, 0.0), n) for seconds, n in histogram if n)
    called = sum(n for _minutes, n in waits)
    if not called:
        return DeskWaits(0, None, None, None)

    def nth(index: int) -> float:
        """The wait of the `index`-th ticket (from 0) in order of wait."""
        seen = 0
        for minutes, n in waits:
            seen += n
            if index < seen:
                return minutes
        return waits[-1][0]

    middle = called // 2
    median_wait = nth(middle) if called % 2 else (nth(middle - 1) + nth(middle)) / 2
    p90 = nth(min(int(0.9 * called), called - 1))
    return DeskWaits(called, round(median_wait, 1), round(p90, 1), round(waits[-1][0], 1))
