"""Team screens: members with hours served, one member's skills/availability/absences,
and the desk's opening hours (slot templates)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.errors import DomainError
from digiward.core.permissions import Perm
from digiward.guidance import selectors, services
from digiward.guidance.forms import AbsenceForm, AvailabilityForm, MemberForm, SlotTemplateForm
from digiward.guidance.models import (
    DEFAULT_TEMPLATES,
    WEEKDAY_CHOICES,
    Absence,
    MemberAvailability,
    SlotKind,
    SlotTemplate,
    TeamMember,
)


@commune_required(Perm.VIEW_ROSTER)
def team(request: CommuneRequest) -> HttpResponse:
    """The team and its record of service (recognition): shifts done and hours served."""
    today = timezone.localdate()
    services_all = selectors.hours_served(request.access.commune)
    this_month = {
        s.member.pk: s
        for s in selectors.hours_served(request.access.commune, since=today.replace(day=1))
    }
    rows = [(s, this_month.get(s.member.pk)) for s in services_all]
    return render(
        request,
        "guidance/team.html",
        {"rows": rows, "lead": request.access.has(Perm.MANAGE_ROSTER), "today": today},
    )


def _cells(request: CommuneRequest) -> list[tuple[int, str]]:
    """The (weekday, kind) pairs the desk opens: what availability is asked about."""
    cells: set[tuple[int, str]] = set()
    for template in SlotTemplate.objects.for_access(request.access).filter(is_active=True):
        cells.update((day, template.kind) for day in template.weekdays)
    if not cells:
        cells = {(d, k) for k, _s, _e, days in DEFAULT_TEMPLATES for d in days}
    order = list(SlotKind.values)
    return sorted(cells, key=lambda c: (c[0], order.index(c[1]) if c[1] in order else 9))


@commune_required(Perm.MANAGE_ROSTER)
@require_http_methods(["GET", "POST"])
def member_add(request: CommuneRequest) -> HttpResponseBase:
    form = MemberForm(request.POST or None, commune=request.access.commune)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_save(access=request.access, member=form.save(commit=False))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s joined the team.") % {"name": member.name})
            return redirect("guidance:member_detail", pk=member.pk)
    return render(request, "guidance/member_form.html", {"form": form, "member": None})


def _member(request: CommuneRequest, pk: int) -> TeamMember:
    member: TeamMember = get_for_access(
        TeamMember.objects.select_related("user"), request.access, pk=pk
    )
    return member


@commune_required(Perm.VIEW_ROSTER)
@require_http_methods(["GET", "POST"])
def member_detail(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """A member: profile (the lead edits it), weekly availability and absences (the lead
    or the member themself)."""
    member = _member(request, pk)
    lead = request.access.has(Perm.MANAGE_ROSTER)
    is_self = member.user_id == request.user.pk
    profile = MemberForm(
        request.POST
        if request.method == "POST" and request.POST.get("form") == "profile"
        else None,
        instance=member,
        commune=request.access.commune,
    )
    cells = _cells(request)
    stored = {
        (row.weekday, row.kind): row.value
        for row in MemberAvailability.objects.filter(member=member)
    }
    availability = AvailabilityForm(
        request.POST
        if request.method == "POST" and request.POST.get("form") == "availability"
        else None,
        cells=cells,
        initial_values=stored,
    )
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "profile":
            request.access.require(Perm.MANAGE_ROSTER)
            if profile.is_valid():
                try:
                    services.member_save(access=request.access, member=profile.save(commit=False))
                except DomainError as error:
                    profile.add_error(None, error.message)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("guidance:member_detail", pk=member.pk)
        elif which == "availability" and availability.is_valid():
            try:
                services.availability_save(
                    access=request.access, member=member, values=availability.values()
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Availability saved; the next roster will use it."))
                return redirect("guidance:member_detail", pk=member.pk)
    today = timezone.localdate()
    context = {
        "member": member,
        "lead": lead,
        "can_edit_own": lead or is_self,
        "profile": profile,
        "availability": availability,
        "grid": _grid(availability, cells),
        "absences": member.absences.filter(end__gte=today).order_by("start"),
        "absence_form": AbsenceForm(),
    }
    return render(request, "guidance/member_detail.html", context)


def _grid(form: AvailabilityForm, cells: list[tuple[int, str]]) -> list[tuple[str, list[object]]]:
    """The availability selects arranged as weekday rows × slot columns for the template."""
    rows: dict[int, list[object]] = {}
    for weekday, kind in cells:
        rows.setdefault(weekday, []).append(form[f"a_{weekday}_{kind}"])
    labels = dict(WEEKDAY_CHOICES)
    return [(str(labels[d]), fields) for d, fields in sorted(rows.items())]


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def absence_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    member = _member(request, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_add(access=request.access, member=member, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Absence recorded; the roster will not use these days."))
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("guidance:member_detail", pk=member.pk)


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def absence_remove(request: CommuneRequest, pk: int) -> HttpResponseBase:
    absence: Absence = get_for_access(
        Absence.objects.select_related("member"), request.access, pk=pk
    )
    try:
        services.absence_remove(access=request.access, absence=absence)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Absence removed."))
    return redirect("guidance:member_detail", pk=absence.member_id)


# ---- Opening hours ----------------------------------------------------------------------


@commune_required(Perm.MANAGE_ROSTER)
def slot_list(request: CommuneRequest) -> HttpResponse:
    return render(
        request,
        "guidance/slot_list.html",
        {"templates": SlotTemplate.objects.for_access(request.access)},
    )


@commune_required(Perm.MANAGE_ROSTER)
@require_http_methods(["GET", "POST"])
def slot_edit(request: CommuneRequest, pk: int | None = None) -> HttpResponseBase:
    template = get_for_access(SlotTemplate.objects.all(), request.access, pk=pk) if pk else None
    form = SlotTemplateForm(request.POST or None, instance=template, commune=request.access.commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_template_save(access=request.access, template=form.save(commit=False))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("guidance:slot_list")
    return render(request, "guidance/slot_form.html", {"form": form, "template": template})


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def slot_defaults(request: CommuneRequest) -> HttpResponseBase:
    """One tap for the usual hours: mornings 7:00–11:30, afternoons 13:30–17:00, Mon–Sat."""
    created = 0
    for kind, start, end, days in DEFAULT_TEMPLATES:
        if SlotTemplate.objects.for_access(request.access).filter(kind=kind).exists():
            continue
        services.slot_template_save(
            access=request.access,
            template=SlotTemplate(
                commune=request.access.commune, kind=kind, start=start, end=end, weekdays=days
            ),
        )
        created += 1
    messages.success(request, _("%(n)s slots added.") % {"n": created})
    return redirect("guidance:slot_list")
