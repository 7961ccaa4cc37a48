"""Booking a visit by hand, and changing a plan by hand, safely under concurrency.

Every write locks the request row before looking at its status (`select_for_update`
on PostgreSQL; SQLite's IMMEDIATE transactions queue writers the same way), and then
the route rows it changes, always in id order. A second officer booking the same
request at the same moment therefore waits, sees it scheduled and is told so; the
`homecare_one_planned_visit` constraint is the last line if anything slips through.
Every hand change is re-checked against time windows, working hours and authority
(`services.routes`), and refused with the reason if it does not fit: nothing changes then.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, User
from digiward.core.permissions import Perm
from digiward.core.selectors import calendar_for
from digiward.homecare import notifications
from digiward.homecare.models import (
    HomeSupportRequest,
    HomeVisit,
    OfficerProfile,
    OfficerRoute,
    RequestStatus,
    VisitStatus,
)
from digiward.homecare.planner import leaves_of
from digiward.homecare.services.common import audit_status, lock_request
from digiward.homecare.services.routes import (
    already_booked,
    dayplan_for,
    ensure_unlocked,
    lock_routes,
    route_for,
    route_insert,
    route_recheck,
    route_reorder,
    route_stops,
    stop_key,
    visiting_profile,
)
from digiward.homecare.workflow import REQUEST, transition


def ensure_available(profile: OfficerProfile, day: date) -> None:
    """Refuse a day the officer cannot visit: a day off, not their day, or on leave."""
    commune = profile.commune
    calendar = calendar_for(commune)
    officer = profile.user.get_full_name()
    if not calendar.is_working_day(day):
        holiday = calendar.holiday_name(day)
        raise DomainError(
            (
                _("%(day)s is not a working day (%(holiday)s).")
                % {"day": day_text(day), "holiday": holiday}
                if holiday
                else _("%(day)s is not a working day.") % {"day": day_text(day)}
            ),
            field="day",
        )
    if not profile.works_on(day):
        raise DomainError(
            _("%(officer)s does not work on %(weekday)s.")
            % {"officer": officer, "weekday": date_format(day, "l")},
            field="day",
        )
    for leave in leaves_of(profile):
        if leave.covers(day):
            raise DomainError(
                _("%(officer)s is on leave on %(day)s (%(from)s–%(until)s%(reason)s).")
                % {
                    "officer": officer,
                    "day": day_text(day),
                    "from": day_text(leave.starts_on),
                    "until": day_text(leave.ends_on),
                    "reason": f": {leave.reason}" if leave.reason else "",
                },
                field="day",
            )


def ensure_times_known(request: HomeSupportRequest, *, times_agreed: bool) -> None:
    """Refuse to book a request whose only word on when someone is home is free text.

    Without a time window the planner may place the visit at any hour; a note such as
    "buổi sáng trước 11 giờ" would then be ignored (issue 12: booked at 14:37). The
    officer adds the window, or says they agreed on the time with the family."""
    if times_agreed or not request.preferred_times.strip():
        return
    if request.windows.exists():
        return
    raise DomainError(
        _(
            "The requester wrote when someone is home: “%(note)s”, but the request has no "
            "time window yet, so the visit could fall when nobody is home. Add the time "
            "window (Edit the request), or phone to agree on the time and tick “Time agreed "
            "with the family”."
        )
        % {"note": request.preferred_times.strip()[:120]},
        field="times_agreed",
    )


@transaction.atomic
def visit_book(
    *,
    access: Access,
    request: HomeSupportRequest,
    officer: User,
    day: date,
    times_agreed: bool = False,
) -> HomeVisit:
    """Book a visit for ``officer`` on ``day``, where it fits best in their route.

    The visit always lies inside the request's time windows (`route_insert` refuses
    otherwise). `times_agreed`: the officer agreed on the time with the family, so a
    request with only a note about times may be booked (`ensure_times_known`)."""
    access.require(Perm.VISIT_HOMES)
    if officer.pk != access.user.pk:
        access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = lock_request(access.commune, request.pk)
    if locked.status == RequestStatus.SCHEDULED:
        raise already_booked(locked)
    REQUEST.guard(locked.status, RequestStatus.SCHEDULED)
    ensure_times_known(locked, times_agreed=times_agreed)
    profile = visiting_profile(access.commune, officer)
    ensure_available(profile, day)
    route = route_for(dayplan_for(access.commune, day), officer.pk)
    visit = HomeVisit(
        commune=access.commune,
        request=locked,
        route=route,
        officer=officer,
        day=day,
        created_by=access.user,
        status_before=locked.status,
    )
    route_insert(route, profile, visit)  # saves the visit with its place and times, or refuses
    transition(locked, RequestStatus.SCHEDULED)
    locked.save()
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=visit,
        changes={"officer": [None, officer.get_full_name()], "day": [None, day.isoformat()]},
        note=f"request {locked.tracking_code}"
        + (" · time agreed by phone" if times_agreed else ""),
    )
    notifications.notify_scheduled(locked, visit)
    return visit


def _lock_visit(access: Access, visit: HomeVisit) -> HomeVisit:
    locked: HomeVisit = (
        HomeVisit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("route__plan", "officer", "request")
        .get(pk=visit.pk, commune=access.commune)
    )
    if locked.status != VisitStatus.PLANNED:
        raise DomainError(
            _("This visit is “%(status)s”: it can no longer be moved.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def visit_move(*, access: Access, visit: HomeVisit, officer: User) -> HomeVisit:
    """Give a planned visit to another officer the same day (re-checked, or refused)."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    request = lock_request(access.commune, visit.request_id)  # requests first, then visits
    locked = _lock_visit(access, visit)
    if officer.pk == locked.officer_id:
        return locked
    profile = visiting_profile(access.commune, officer)
    ensure_available(profile, locked.day)
    target = route_for(locked.route.plan, officer.pk)
    source, target = lock_routes(locked.route, target)
    ensure_unlocked(source)
    locked.request = request
    route_insert(target, profile, locked)
    route_recheck(source, without=locked)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"officer": [source.officer.get_full_name(), officer.get_full_name()]},
        note="moved by hand",
    )
    return locked


@transaction.atomic
def visit_reorder(*, access: Access, visit: HomeVisit, step: int) -> HomeVisit:
    """Move a visit earlier (``step=-1``) or later (``+1``) in its route, if it still fits."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked = _lock_visit(access, visit)
    (route,) = lock_routes(locked.route)
    ensure_unlocked(route)
    current = route_stops(route)
    keys = [s.key for s in current.stops]
    index = keys.index(stop_key(locked))
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(keys):
        return locked
    stops = list(current.stops)
    stops[index], stops[other] = stops[other], stops[index]
    route_reorder(route, current, stops)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"sequence": [index + 1, other + 1]},
        note="order changed by hand",
    )
    return locked


def drop_planned_visit(request: HomeSupportRequest, *, note: str = "") -> HomeVisit | None:
    """Take the request's planned visit off its route (the caller holds the request lock)."""
    visit = (
        HomeVisit.objects.select_for_update(no_key=True, of=("self",))
        .select_related("route__plan", "route__officer")
        .filter(request=request, status=VisitStatus.PLANNED)
        .first()
    )
    if visit is None:
        return None
    visit.status = VisitStatus.CANCELLED
    visit.notes = (visit.notes + "\n" + note).strip() if note else visit.notes
    visit.save()
    (route,) = lock_routes(visit.route)
    route_recheck(route)
    return visit  # type: ignore[no-any-return]


@transaction.atomic
def visit_unschedule(*, access: Access, visit: HomeVisit, reason: str = "") -> HomeSupportRequest:
    """Take a visit off the plan; the request waits for a new day again."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    locked_request = lock_request(access.commune, visit.request_id)
    current = _lock_visit(access, visit)
    ensure_unlocked(current.route)
    previous = transition(locked_request, current.status_before or RequestStatus.ACCEPTED)
    locked_request.save()
    drop_planned_visit(locked_request, note=reason)
    audit_status(access, locked_request, previous, note=reason or "taken off the plan")
    return locked_request


def reschedule_request_route(request: HomeSupportRequest) -> None:
    """After a request's details changed, retime its route (refused if it no longer fits)."""
    visit = HomeVisit.objects.filter(request=request, status=VisitStatus.PLANNED).first()
    if visit is None:
        return
    (route,) = lock_routes(visit.route)
    try:
        route_recheck(route)
    except DomainError as error:
        raise DomainError(
            _(
                "With these changes the planned visit no longer fits: %(why)s Take it off the plan first."
            )
            % {"why": error.message}
        ) from None


@transaction.atomic
def route_lock(*, access: Access, route: OfficerRoute, locked: bool) -> OfficerRoute:
    """Lock a route's order (planning leaves it alone) or unlock it."""
    access.require(Perm.MANAGE_HOME_SUPPORT)
    (current,) = lock_routes(route)
    if current.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    current.locked = locked
    current.locked_by = access.user if locked else None
    current.save()
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=current,
        changes={"locked": [not locked, locked]},
    )
    return current
