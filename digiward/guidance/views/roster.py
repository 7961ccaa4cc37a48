"""Roster screens: the team's month, one shift, my shifts, swaps and stand-ins."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.dates import month_or_404
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.guidance import rostering, selectors, services
from digiward.guidance.forms import MonthForm, SwapRequestForm
from digiward.guidance.models import (
    Attendance,
    DutyShift,
    HelpSession,
    Roster,
    ShiftAssignment,
    SwapKind,
    SwapRequest,
    SwapStatus,
    TeamMember,
    month_start,
)
from digiward.guidance.workflow import PENDING
from digiward.planning.roster import SoftCode


def _neighbours(month: date) -> tuple[date, date]:
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return previous, following


@commune_required(Perm.VIEW_ROSTER)
def home(request: CommuneRequest) -> HttpResponse:
    """The team's front page: my next shifts, who is on today, quick links."""
    access = request.access
    today = timezone.localdate()
    member = services.member_of(access)
    upcoming = (
        list(selectors.member_shifts(member, start=today, end=today + timedelta(days=14))[:5])
        if member
        else []
    )
    today_shifts = (
        DutyShift.objects.for_access(access)
        .filter(date=today, roster__status="published")
        .prefetch_related("assignments__member__user")
        .order_by("start")
    )
    sessions_today = HelpSession.objects.for_access(access).filter(helped_on=today)
    context = {
        "member": member,
        "upcoming": upcoming,
        "today_shifts": today_shifts,
        "today": today,
        "sessions_today": sessions_today.count(),
        "my_sessions_today": sessions_today.filter(helper=access.user).count(),
        "open_swaps": selectors.swaps_open_to(member).count() if member else 0,
        "to_approve": selectors.swaps_for_lead(access.commune).count()
        if access.has(Perm.MANAGE_ROSTER)
        else 0,
        "this_month": month_start(today),
    }
    return render(request, "guidance/home.html", context)


@commune_required(Perm.VIEW_ROSTER)
def roster_current(request: CommuneRequest) -> HttpResponseBase:
    today = timezone.localdate()
    return redirect("guidance:roster_month", year=today.year, month=today.month)


@commune_required(Perm.VIEW_ROSTER)
def roster_month(request: CommuneRequest, year: int, month: int) -> HttpResponseBase:
    """The team's month: a calendar on wide screens, a list of days on phones; printable.

    Members see published rosters; the team lead also sees the draft, the solver's
    explanation and the gaps, and can generate, adjust and publish.
    """
    access = request.access
    first = month_or_404(year, month)
    roster = (
        Roster.objects.for_access(access)
        .select_related("job", "published_by")
        .filter(month=first)
        .first()
    )
    lead = access.has(Perm.MANAGE_ROSTER)
    visible = roster if roster is not None and (roster.is_published or lead) else None
    member = services.member_of(access)
    weeks = selectors.month_calendar(access.commune, first, roster=visible, member=member)
    previous, following = _neighbours(first)
    shift_views = [s for week in weeks for day in week for s in day.shifts]
    only_mine = member is not None and request.GET.get("mine") == "1"
    if only_mine:
        # "My shifts" as a calendar: the same month, keeping only the member's shifts.
        for week in weeks:
            for day in week:
                day.shifts = [s for s in day.shifts if s.mine]
    context = {
        "month": first,
        "roster": visible,
        "draft_hidden": roster is not None and visible is None,
        "weeks": weeks,
        "previous": previous,
        "following": following,
        "lead": lead,
        "member": member,
        "only_mine": only_mine,
        "gap_count": sum(1 for s in shift_views if s.has_gap),
        "unfilled_seats": sum(s.gaps["missing"] for s in shift_views),
        "conflicts": rostering.conflict_sentences(visible) if visible else [],
        "soft": rostering.soft_sentences(
            visible, codes=[SoftCode.PREFER_NOT, SoftCode.CONSECUTIVE_DAYS, SoftCode.UNFAIR_LOAD]
        )
        if visible and lead
        else [],
        "job": visible.job if visible else None,
    }
    if request.htmx and request.htmx.target == "roster-status":
        if visible is None or visible.job is None or visible.job.is_finished:
            # The draft is ready: reload the whole page so the calendar shows it.
            return HttpResponseClientRefresh()
        return render(request, "guidance/partials/_roster_status.html", context)
    return render(request, "guidance/roster_month.html", context)


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def roster_generate(request: CommuneRequest) -> HttpResponseBase:
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick a month."))
        return redirect("guidance:roster")
    month = month_start(form.cleaned_data["month"])
    with attempt(request) as outcome:
        services.roster_generate(access=request.access, month=month)
    if outcome.ok:
        messages.info(request, _("The roster is being generated; this page updates by itself."))
    return redirect("guidance:roster_month", year=month.year, month=month.month)


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def roster_publish(request: CommuneRequest, pk: int) -> HttpResponseBase:
    roster: Roster = get_for_access(Roster.objects.all(), request.access, pk=pk)
    published = _("Published: the team sees the roster and gets reminders.")
    with attempt(request, success=published):
        services.roster_publish(
            access=request.access, roster=roster, accept_gaps=request.POST.get("accept_gaps") == "1"
        )
    return redirect("guidance:roster_month", year=roster.month.year, month=roster.month.month)


def _shift(request: CommuneRequest, pk: int) -> DutyShift:
    shift: DutyShift = get_for_access(
        DutyShift.objects.select_related("roster__job"), request.access, pk=pk
    )
    if not shift.roster.is_published and not request.access.has(Perm.MANAGE_ROSTER):
        raise Http404
    return shift


@commune_required(Perm.VIEW_ROSTER)
def shift_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    shift = _shift(request, pk)
    assignments = list(
        shift.assignments.select_related("member__user").order_by("member__user__full_name")
    )
    lead = request.access.has(Perm.MANAGE_ROSTER)
    member = services.member_of(request.access)
    mine = next((a for a in assignments if member and a.member_id == member.pk), None)
    context = {
        "shift": shift,
        "assignments": assignments,
        "gaps": services.shift_gaps(shift, [a.member for a in assignments]),
        "lead": lead,
        "candidates": selectors.candidates_for(shift) if lead else [],
        "attendance_choices": Attendance.choices,
        "mine": mine,
        "swap_form": SwapRequestForm(initial={"kind": SwapKind.STAND_IN}),
        "open_request": mine.swap_requests.filter(status__in=PENDING).first() if mine else None,
        "can_swap": mine is not None
        and shift.roster.is_published
        and shift.date > timezone.localdate()
        and mine.attendance == Attendance.PLANNED,
        "today": timezone.localdate(),
    }
    return render(request, "guidance/shift_detail.html", context)


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def assignment_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    shift = _shift(request, pk)
    member_id = id_from(request.POST.get("member"))
    member = (
        TeamMember.objects.for_access(request.access).filter(pk=member_id).first()
        if member_id is not None
        else None
    )
    if member is None:
        messages.error(request, _("Pick a member."))
    else:
        added = _("%(name)s added to the shift.") % {"name": member.name}
        with attempt(request, success=added):
            services.assignment_add(access=request.access, shift=shift, member=member)
    return redirect("guidance:shift_detail", pk=shift.pk)


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def assignment_remove(request: CommuneRequest, pk: int) -> HttpResponseBase:
    assignment: ShiftAssignment = get_for_access(
        ShiftAssignment.objects.select_related("member__user"), request.access, pk=pk
    )
    removed = _("%(name)s removed from the shift.") % {"name": assignment.member.name}
    with attempt(request, success=removed):
        services.assignment_remove(access=request.access, assignment=assignment)
    return redirect("guidance:shift_detail", pk=assignment.shift_id)


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def attendance_set(request: CommuneRequest, pk: int) -> HttpResponseBase:
    assignment: ShiftAssignment = get_for_access(
        ShiftAssignment.objects.select_related("member__user", "shift"), request.access, pk=pk
    )
    with attempt(request):
        services.attendance_set(
            access=request.access, assignment=assignment, state=request.POST.get("state", "")
        )
    if request.htmx:
        assignment.refresh_from_db()
        return render(
            request,
            "guidance/partials/_attendance.html",
            {
                "a": assignment,
                "attendance_choices": Attendance.choices,
                "lead": True,
                "today": timezone.localdate(),
            },
        )
    return redirect("guidance:shift_detail", pk=assignment.shift_id)


@commune_required(Perm.VIEW_ROSTER)
def my_shifts(request: CommuneRequest) -> HttpResponse:
    """A member's own shifts of one month (printable), hours served, swaps to answer."""
    access = request.access
    today = timezone.localdate()
    month = today.replace(day=1)
    raw = request.GET.get("month", "")
    form = MonthForm({"month": raw}) if raw else None
    if form is not None and form.is_valid():
        month = month_start(form.cleaned_data["month"])
    member = services.member_of(access)
    first, last = rostering.month_bounds(month)
    shifts = list(selectors.member_shifts(member, start=first, end=last)) if member else []
    record = None
    if member is not None:
        record = next(
            (s for s in selectors.hours_served(access.commune) if s.member.pk == member.pk), None
        )
    previous, following = _neighbours(month)
    context = {
        "member": member,
        "month": month,
        "shifts": shifts,
        "record": record,
        "period": selectors.service_period(access.commune, member=member) if member else None,
        "previous": previous,
        "following": following,
        "open_swaps": list(selectors.swaps_open_to(member)) if member else [],
        "my_swaps": list(selectors.my_swaps(member)) if member else [],
        "my_future": list(
            selectors.member_shifts(
                member, start=today + timedelta(days=1), end=today + timedelta(days=62)
            )
        )
        if member
        else [],
        "today": today,
    }
    return render(request, "guidance/my_shifts.html", context)


# ---- Swaps -----------------------------------------------------------------------------


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def swap_request(request: CommuneRequest, pk: int) -> HttpResponseBase:
    assignment: ShiftAssignment = get_for_access(
        ShiftAssignment.objects.select_related("shift"), request.access, pk=pk
    )
    form = SwapRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you need a stand-in or a swap."))
    else:
        posted = _("Your request is posted; colleagues can answer it.")
        with attempt(request, success=posted):
            services.swap_request_create(
                access=request.access,
                assignment=assignment,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
    return redirect("guidance:shift_detail", pk=assignment.shift_id)


def _swap(request: CommuneRequest, pk: int) -> SwapRequest:
    swap: SwapRequest = get_for_access(
        SwapRequest.objects.select_related("assignment__shift", "requester__user"),
        request.access,
        pk=pk,
    )
    return swap


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def swap_accept(request: CommuneRequest, pk: int) -> HttpResponseBase:
    swap = _swap(request, pk)
    offered = None
    offered_id = id_from(request.POST.get("offered"))
    if offered_id is not None:
        offered = ShiftAssignment.objects.for_access(request.access).filter(pk=offered_id).first()
    with attempt(request, success=_("Thank you! The team lead will confirm the change.")):
        services.swap_accept(access=request.access, swap=swap, offered=offered)
    return redirect("guidance:my_shifts")


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def swap_cancel(request: CommuneRequest, pk: int) -> HttpResponseBase:
    swap = _swap(request, pk)
    with attempt(request, success=_("Request withdrawn.")):
        services.swap_cancel(access=request.access, swap=swap)
    return redirect("guidance:my_shifts")


@commune_required(Perm.MANAGE_ROSTER)
def swap_list(request: CommuneRequest) -> HttpResponse:
    """The team lead's inbox: accepted requests to approve, open ones to watch."""
    return render(
        request,
        "guidance/swap_list.html",
        {
            "to_decide": list(selectors.swaps_for_lead(request.access.commune)),
            "open": list(
                SwapRequest.objects.for_access(request.access)
                .filter(status=SwapStatus.OPEN)
                .select_related("assignment__shift", "requester__user")
                .order_by("assignment__shift__date")
            ),
            "recent": list(
                SwapRequest.objects.for_access(request.access)
                .exclude(status__in=PENDING)
                .select_related(
                    "assignment__shift", "requester__user", "accepted_by__user", "decided_by"
                )
                .order_by("-decided_at")[:20]
            ),
        },
    )


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def swap_decide(request: CommuneRequest, pk: int) -> HttpResponseBase:
    swap = _swap(request, pk)
    if request.POST.get("decision") == "approve":
        with attempt(request, success=_("Approved: the roster is updated.")):
            services.swap_approve(access=request.access, swap=swap)
    else:
        with attempt(request, success=_("Refused.")):
            services.swap_reject(access=request.access, swap=swap)
    return redirect(reverse("guidance:swap_list"))
