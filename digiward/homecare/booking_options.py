"""What the booking form offers: who can still go on a day, and the best slot for a visit.

A read, never a write: each officer's route that day is read as it stands
(`services.routes.route_stops`) and the request is tried in it the way booking will
insert it (`dayplan.best_insertion`, inside the person's time windows). Officers on
leave or not working that weekday are named apart, not offered (issue 12: the list
hid who still had room and offered the officer on leave). Booking itself re-checks
everything under locks, so an option that went stale in the meantime is refused with
its reason, never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import User
from digiward.core.selectors import calendar_for
from digiward.homecare.dayplan import LeftOutReason, StopSpec, best_insertion
from digiward.homecare.models import (
    HomecareSettings,
    HomeSupportRequest,
    OfficerProfile,
    OfficerRoute,
)
from digiward.homecare.planner import (
    center_of,
    officer_profiles,
    officer_spec,
    profiles_for,
    settings_for,
    stop_for,
    time_of,
    travel_for,
    unavailability,
)
from digiward.homecare.services.routes import issue_message, route_stops
from digiward.homecare.wording import UNAVAILABLE

# How many working days ahead a free slot is looked for when the chosen day has none.
LOOK_AHEAD_DAYS = 10


@dataclass(frozen=True)
class OfficerOption:
    """One officer on one day: how full their day is and where the visit would fit."""

    officer: User
    planned: int
    limit: int | None
    starts_at: time | None  # the proposed start, inside the person's windows
    extra_travel_minutes: int | None
    problem: str  # why the visit does not fit that day ("" when it fits)

    @property
    def free(self) -> int | None:
        """Visits still possible that day (None: the officer has no daily limit)."""
        return None if self.limit is None else max(self.limit - self.planned, 0)

    @property
    def fits(self) -> bool:
        return self.starts_at is not None


@dataclass(frozen=True)
class BookingOptions:
    day: date
    options: list[OfficerOption]  # officers who work that day, best first
    away: list[tuple[User, str]]  # on leave, not working that weekday: named, not offered
    problem: str  # why the visit cannot be placed that day at all ("" otherwise)
    next_free_day: date | None  # where the chosen day has no slot: the first day with one

    @property
    def best(self) -> OfficerOption | None:
        return next((o for o in self.options if o.fits), None)


def _rank(option: OfficerOption) -> tuple[int, int, time, str]:
    """Fitting first, then least extra travel, then earliest start, then by name."""
    if not option.fits:
        return (1, 0, time.max, option.officer.get_full_name())
    assert option.starts_at is not None
    return (0, option.extra_travel_minutes or 0, option.starts_at, option.officer.full_name)


def booking_options(access: Access, request: HomeSupportRequest, day: date) -> BookingOptions:
    options, away, problem = _options_on(access, request, day)
    next_free = None
    if not problem and not any(o.fits for o in options):
        next_free = _next_free_day(access, request, day)
    return BookingOptions(
        day=day,
        options=sorted(options, key=_rank),
        away=away,
        problem=problem,
        next_free_day=next_free,
    )


def _next_free_day(access: Access, request: HomeSupportRequest, after: date) -> date | None:
    calendar = calendar_for(access.commune)
    day = after
    for _step in range(LOOK_AHEAD_DAYS):
        day = calendar.next_working_day(day + timedelta(days=1))
        options, _away, problem = _options_on(access, request, day)
        if not problem and any(o.fits for o in options):
            return day
    return None


def _options_on(
    access: Access, request: HomeSupportRequest, day: date
) -> tuple[list[OfficerOption], list[tuple[User, str]], str]:
    commune = access.commune
    settings = settings_for(commune)
    calendar = calendar_for(commune)
    if not calendar.is_working_day(day):
        return [], [], _("%(day)s is not a working day.") % {"day": day_text(day)}
    new = stop_for(
        request,
        day,
        profiles=profiles_for(commune),
        settings=settings,
        calendar=calendar,
        allow_lunch=True,  # as booking by hand does
    )
    if not isinstance(new, StopSpec):
        if new.reason == LeftOutReason.NO_LOCATION:
            return [], [], _("The home has no GPS point yet: add it first (see below).")
        return [], [], _("Nobody is home that day according to the times given.")
    routes = {
        r.officer_id: r
        for r in OfficerRoute.objects.for_commune(commune)
        .filter(plan__day=day)
        .select_related("plan", "officer")
    }
    options: list[OfficerOption] = []
    away: list[tuple[User, str]] = []
    for profile in officer_profiles(commune):
        if not profile.takes_home_visits or not profile.user.is_active:
            continue
        why = unavailability(profile, day)
        if why is not None:
            away.append((profile.user, str(UNAVAILABLE.get(why, why))))
            continue
        options.append(
            _option(profile, routes.get(profile.user_id), new, settings, request.person_name)
        )
    return options, away, ""


def _option(
    profile: OfficerProfile,
    route: OfficerRoute | None,
    new: StopSpec,
    settings: HomecareSettings,
    person: str,
) -> OfficerOption:
    """How ``new`` would fit in the officer's route as it stands (read, never written)."""
    user: User = profile.user
    try:
        current = route_stops(route) if route is not None else None
    except DomainError as error:  # a stop already there lacks a point: say so, offer nothing
        return OfficerOption(user, 0, profile.max_visits, None, None, error.message)
    stops = current.stops if current else []
    planned = len(stops)
    if route is not None and route.locked:
        return OfficerOption(
            user, planned, profile.max_visits, None, None, _("Their route that day is locked.")
        )
    order, result = best_insertion(
        center_of(settings), officer_spec(profile), stops, new, travel_for(settings)
    )
    if order is None or result.route is None:
        people = current.people() if current else {}
        people[new.key] = person
        message = (
            issue_message(result.issue, user.get_full_name(), people, [*stops, new])
            if result.issue is not None
            else _("It does not fit that day.")
        )
        return OfficerOption(user, planned, profile.max_visits, None, None, message)
    start = next(s.start for s in result.route.stops if s.key == new.key)
    before = route.travel_seconds if route is not None else 0
    extra = max(result.route.travel - before, 0)
    return OfficerOption(user, planned, profile.max_visits, time_of(start), round(extra / 60), "")
