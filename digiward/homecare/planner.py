"""The Django side of day planning: the database read into a `dayplan.DayProblem`.

Who can go (officers with a profile, working that weekday, not on leave, not on a
locked route), which requests wait for a visit that day (accepted or needing a second
visit, plus the unlocked planned visits of the day, which are re-planned), where each
home is (the request's GPS point, else its registry household's), how long each visit
takes and when someone is home. This module only reads: the writes are in
`homecare.services` (`booking` by hand, `dayplan` for the whole day).

Travel times: `travel_for` returns planning's `StraightLineTravel` with the commune's
road factor and speed. A real routing engine (OSRM) can replace it without touching
this module: set `DIGIWARD_HOMECARE_TRAVEL` to the dotted path of a callable taking the
commune's HomecareSettings and returning any `planning.routing.TravelTimes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings as django_settings
from django.db.models import Max, Min, Prefetch, QuerySet
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import Absence, Commune, User
from digiward.core.selectors import calendar_for
from digiward.core.workdays import WorkingCalendar
from digiward.homecare.checklists import ProcedureNeeds, needs_for
from digiward.homecare.dayplan import (
    DayProblem,
    LeftOut,
    LeftOutReason,
    OfficerSpec,
    StopSpec,
)
from digiward.homecare.models import (
    DayPlan,
    HomecareSettings,
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    ProcedureProfile,
    TimeWindow,
    Urgency,
    VisitStatus,
)
from digiward.homecare.sla import DueState, due_state
from digiward.homecare.workflow import SCHEDULABLE
from digiward.planning.routing import Point, StraightLineTravel, TravelTimes, haversine_m
from digiward.registry.models import Household

DAY_END = 24 * 3600 - 1
URGENCY_PRIORITY = {Urgency.NORMAL: 10, Urgency.SOON: 40, Urgency.URGENT: 80}
OVERDUE_PRIORITY = 90
DUE_SOON_PRIORITY = 50
ALREADY_PLANNED_PRIORITY = 100  # keep people who were told a day on that day


def settings_for(commune: Commune) -> HomecareSettings:
    """The commune's settings row, or unsaved defaults until someone saves them."""
    row = HomecareSettings.objects.filter(commune=commune).first()
    return row if row is not None else HomecareSettings(commune=commune)


def travel_for(settings: HomecareSettings) -> TravelTimes:
    factory = getattr(django_settings, "DIGIWARD_HOMECARE_TRAVEL", "")
    if factory:
        provider: TravelTimes = import_string(factory)(settings)
        return provider
    return StraightLineTravel(
        road_factor=float(settings.road_factor), speed_kmh=float(settings.speed_kmh)
    )


def travel_label(settings: HomecareSettings) -> str:
    factory = getattr(django_settings, "DIGIWARD_HOMECARE_TRAVEL", "")
    return factory or f"straight line x{settings.road_factor} at {settings.speed_kmh} km/h"


def center_of(settings: HomecareSettings) -> Point:
    if not settings.has_center:
        raise DomainError(
            _("Set the location of the service center first (Home support › Settings).")
        )
    return Point(float(settings.center_latitude or 0), float(settings.center_longitude or 0))


def seconds_of(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def time_of(seconds: int) -> time:
    seconds = max(0, min(seconds, DAY_END))
    return time(seconds // 3600, seconds % 3600 // 60, seconds % 60)


def at_day(day: date, seconds: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(seconds=seconds)


# --- Where --------------------------------------------------------------------------------


def request_point(request: HomeSupportRequest) -> Point | None:
    """The request's own GPS point, else its registry household's."""
    if request.latitude is not None and request.longitude is not None:
        return Point(float(request.latitude), float(request.longitude))
    resident = request.resident
    household = resident.household if resident is not None else None
    if household is not None and household.latitude is not None and household.longitude is not None:
        return Point(float(household.latitude), float(household.longitude))
    return None


@dataclass(frozen=True)
class Extent:
    """The commune's known area: the box around its households and service center."""

    south: float
    north: float
    west: float
    east: float

    def distance_m(self, point: Point) -> float:
        """0 inside the box, else the distance to its nearest edge."""
        nearest = Point(
            min(max(point.lat, self.south), self.north), min(max(point.lon, self.west), self.east)
        )
        return haversine_m(point, nearest)


def commune_extent(commune: Commune, settings: HomecareSettings) -> Extent | None:
    box = (
        Household.objects.for_commune(commune)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .aggregate(
            south=Min("latitude"),
            north=Max("latitude"),
            west=Min("longitude"),
            east=Max("longitude"),
        )
    )
    lats = [float(v) for v in (box["south"], box["north"]) if v is not None]
    lons = [float(v) for v in (box["west"], box["east"]) if v is not None]
    if settings.has_center:
        lats.append(float(settings.center_latitude or 0))
        lons.append(float(settings.center_longitude or 0))
    if not lats or not lons:
        return None
    return Extent(min(lats), max(lats), min(lons), max(lons))


def check_in_commune(
    commune: Commune, settings: HomecareSettings, latitude: Decimal, longitude: Decimal
) -> None:
    """Refuse a GPS point clearly outside the commune (beyond the margin around its area)."""
    extent = commune_extent(commune, settings)
    if extent is None:
        return  # nothing known about the commune's area yet: cannot tell
    outside = extent.distance_m(Point(float(latitude), float(longitude)))
    if outside > float(settings.address_margin_km) * 1000:
        raise DomainError(
            _(
                "This GPS point is %(km)s km outside %(commune)s. Check the latitude and "
                "longitude, or whether the person really lives in this commune."
            )
            % {"km": f"{outside / 1000:.1f}".replace(".", ","), "commune": commune.name},
            field="latitude",
        )


# --- How long, who, when ------------------------------------------------------------------


def profiles_for(commune: Commune) -> dict[int, ProcedureProfile]:
    return {p.procedure_id: p for p in ProcedureProfile.objects.for_commune(commune)}


def request_needs(
    request: HomeSupportRequest,
    profiles: dict[int, ProcedureProfile],
    settings: HomecareSettings,
) -> list[ProcedureNeeds]:
    return [
        needs_for(p, profiles.get(p.pk), default_minutes=settings.default_visit_minutes)
        for p in request.procedure_list()
    ]


def visit_seconds(
    request: HomeSupportRequest, needs: list[ProcedureNeeds], settings: HomecareSettings
) -> int:
    """The request's own length if set, else the sum of its procedures' (one at least)."""
    if request.visit_minutes:
        return request.visit_minutes * 60
    minutes = sum(n.visit_minutes for n in needs) or settings.default_visit_minutes
    return minutes * 60


def windows_on(windows: Iterable[TimeWindow], day: date) -> tuple[tuple[int, int], ...] | None:
    """Seconds-from-midnight windows on ``day``; ``()`` any time; ``None`` nobody home."""
    every = list(windows)
    if not every:
        return ()
    today = [(seconds_of(w.starts_at), seconds_of(w.ends_at)) for w in every if w.applies_on(day)]
    return tuple(sorted(today)) or None


def priority_of(
    request: HomeSupportRequest,
    day: date,
    calendar: WorkingCalendar,
    settings: HomecareSettings,
    *,
    already_planned: bool,
) -> int:
    priority = URGENCY_PRIORITY.get(Urgency(request.urgency), 10)
    if request.due_on is not None:
        state = due_state(calendar, day, request.due_on, settings.due_soon_working_days)
        if state == DueState.OVERDUE:
            priority = max(priority, OVERDUE_PRIORITY)
        elif state == DueState.DUE_SOON:
            priority = max(priority, DUE_SOON_PRIORITY)
    return ALREADY_PLANNED_PRIORITY if already_planned else priority


def stop_for(
    request: HomeSupportRequest,
    day: date,
    *,
    profiles: dict[int, ProcedureProfile],
    settings: HomecareSettings,
    calendar: WorkingCalendar,
    already_planned: bool = False,
    allow_lunch: bool = False,
) -> StopSpec | LeftOut:
    """The visit as the planner sees it, or why it cannot be planned that day.

    The officers' lunch break is cut out of the times someone is home. `allow_lunch`:
    a visit that can *only* happen during the break may still be planned there (booked
    by hand, or already booked so); every other visit keeps clear of the break."""
    key = str(request.pk)
    point = request_point(request)
    if point is None:
        return LeftOut(key, LeftOutReason.NO_LOCATION)
    windows = windows_on(request.windows.all(), day)
    if windows is None:
        return LeftOut(key, LeftOutReason.NOT_HOME_THAT_DAY)
    needs = request_needs(request, profiles, settings)
    spec = StopSpec(
        key=key,
        point=point,
        service_seconds=visit_seconds(request, needs, settings),
        windows=windows,
        authorities=frozenset(n.authority for n in needs if n.authority),
        priority=priority_of(request, day, calendar, settings, already_planned=already_planned),
    )
    if settings.lunch_break is None or (windows and not spec.start_windows()):
        return spec  # no break, or too short anyway: solve_day says WINDOW_TOO_SHORT
    start, end = settings.lunch_break
    cut = without_break(windows, (seconds_of(start), seconds_of(end)))
    outside = replace(spec, windows=cut)
    # An empty cut of real windows means "home only at lunch", never "any time".
    if not cut or not outside.start_windows():
        return spec if allow_lunch else LeftOut(key, LeftOutReason.ONLY_HOME_AT_LUNCH)
    return outside


def without_break(
    windows: tuple[tuple[int, int], ...], pause: tuple[int, int]
) -> tuple[tuple[int, int], ...]:
    """The times someone is home, less the officers' break: a visit may not span it.
    ``()`` (any time) becomes the day before and after the break."""
    begin, end = pause
    parts = []
    for a, b in windows or ((0, DAY_END),):
        if a < begin:
            parts.append((a, min(b, begin)))
        if b > end:
            parts.append((max(a, end), b))
    return tuple(parts)


def officer_spec(profile: OfficerProfile) -> OfficerSpec:
    return OfficerSpec(
        key=str(profile.user_id),
        shift=(seconds_of(profile.work_starts), seconds_of(profile.work_ends)),
        authorities=frozenset(profile.authorities),
        max_visits=profile.max_visits,
    )


def leaves_prefetch(commune: Commune | int) -> Prefetch[str, QuerySet[Absence], str]:
    """Prefetch each officer's leave in this commune (a core.Absence of their user)."""
    return Prefetch(
        "user__absences", queryset=Absence.objects.for_commune(commune), to_attr="commune_leaves"
    )


def leaves_of(profile: OfficerProfile) -> list[Absence]:
    """The officer's leave in the profile's commune: prefetched, or read now."""
    cached: list[Absence] | None = getattr(profile.user, "commune_leaves", None)
    if cached is not None:
        return cached
    return list(Absence.objects.for_commune(profile.commune_id).filter(user_id=profile.user_id))


def unavailability(profile: OfficerProfile, day: date) -> str | None:
    """Why the officer cannot visit homes on ``day`` (None: available). Leaves prefetched."""
    if not profile.takes_home_visits or not profile.user.is_active:
        return "inactive"
    if not profile.works_on(day):
        return "not_working_day"
    if any(leave.covers(day) for leave in leaves_of(profile)):
        return "on_leave"
    return None


def officer_profile(commune: Commune, user: User) -> OfficerProfile | None:
    """The user's home-visit profile in this commune (None: they have none)."""
    profile: OfficerProfile | None = (
        OfficerProfile.objects.for_commune(commune).select_related("user").filter(user=user).first()
    )
    return profile


def officer_profiles(commune: Commune) -> list[OfficerProfile]:
    return list(
        OfficerProfile.objects.for_commune(commune)
        .select_related("user", "volunteer")
        .prefetch_related(leaves_prefetch(commune))
        .order_by("user__full_name")
    )


def request_queryset(commune: Commune) -> object:
    return (
        HomeSupportRequest.objects.for_commune(commune)
        .select_related("procedure", "resident__household")
        .prefetch_related("extra_procedures", "windows")
    )


# --- The day ------------------------------------------------------------------------------


@dataclass
class GatheredDay:
    """Everything planning a day needs, read once."""

    day: date
    settings: HomecareSettings
    problem: DayProblem
    left_out: list[LeftOut]
    requests: dict[str, HomeSupportRequest]
    planned: dict[str, HomeVisit]  # unlocked planned visits of the day, by request key
    unavailable: list[tuple[OfficerProfile, str]] = field(default_factory=list)
    locked_officers: set[int] = field(default_factory=set)


def refuse_closed_day(calendar: WorkingCalendar, day: date) -> None:
    """No day plan on a weekend, a public holiday or a day the commune closes."""
    if not calendar.is_working_day(day):
        raise DomainError(
            _("%(day)s is not a working day: no visits are planned on it.") % {"day": day_text(day)}
        )


def gather_day(commune: Commune, day: date, plan: DayPlan | None = None) -> GatheredDay:
    settings = settings_for(commune)
    center = center_of(settings)
    calendar = calendar_for(commune)
    refuse_closed_day(calendar, day)
    locked: set[int] = set()
    if plan is not None:
        locked = set(
            OfficerRoute.objects.filter(plan=plan, locked=True).values_list("officer_id", flat=True)
        )
    officers: list[OfficerSpec] = []
    unavailable: list[tuple[OfficerProfile, str]] = []
    for profile in officer_profiles(commune):
        reason = unavailability(profile, day)
        if reason is not None:
            unavailable.append((profile, reason))
        elif profile.user_id not in locked:
            officers.append(officer_spec(profile))
    planned = {
        str(v.request_id): v
        for v in HomeVisit.objects.for_commune(commune)
        .filter(day=day, status=VisitStatus.PLANNED)
        .exclude(officer_id__in=locked)
        .select_related("route")
    }
    queryset = request_queryset(commune)
    waiting = list(
        queryset.filter(status__in=SCHEDULABLE).order_by("due_on", "created_at")  # type: ignore[attr-defined]
    ) + list(
        queryset.filter(pk__in=[int(k) for k in planned]).order_by("pk")  # type: ignore[attr-defined]
    )
    profiles = profiles_for(commune)
    stops: list[StopSpec] = []
    left_out: list[LeftOut] = []
    requests: dict[str, HomeSupportRequest] = {}
    for request in waiting:
        key = str(request.pk)
        requests[key] = request
        spec = stop_for(
            request,
            day,
            profiles=profiles,
            settings=settings,
            calendar=calendar,
            already_planned=key in planned,
            allow_lunch=key in planned,
        )
        (stops if isinstance(spec, StopSpec) else left_out).append(spec)  # type: ignore[arg-type]
    return GatheredDay(
        day=day,
        settings=settings,
        problem=DayProblem(center=center, officers=tuple(officers), stops=tuple(stops)),
        left_out=left_out,
        requests=requests,
        planned=planned,
        unavailable=unavailable,
        locked_officers=locked,
    )
