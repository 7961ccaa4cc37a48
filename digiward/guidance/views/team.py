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
from digiward.core.attempts import attempt
from digiward.core.models import Absence
from digiward.core.permissions import Perm
from digiward.guidance import selectors, services
from digiward.guidance.forms import AbsenceForm, AvailabilityForm, MemberForm, SlotTemplateForm
from digiward.guidance.models import SlotTemplate, TeamMember


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
        {
            "rows": rows,
            "lead": request.access.has(Perm.MANAGE_ROSTER),
            "today": today,
            "period": selectors.service_period(request.access.commune),
        },
    )


@commune_required(Perm.MANAGE_ROSTER)
@require_http_methods(["GET", "POST"])
def member_add(request: CommuneRequest) -> HttpResponseBase:
    form = MemberForm(request.POST or None, commune=request.access.commune)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            member = services.member_save(access=request.access, member=form.save(commit=False))
        if outcome.ok:
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
    availability = AvailabilityForm(
        request.POST
        if request.method == "POST" and request.POST.get("form") == "availability"
        else None,
        cells=selectors.availability_cells(request.access.commune),
        initial_values=selectors.availability_of(member),
    )
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "profile":
            request.access.require(Perm.MANAGE_ROSTER)
            if profile.is_valid():
                with attempt(request, form=profile, success=_("Saved.")) as outcome:
                    services.member_save(access=request.access, member=profile.save(commit=False))
                if outcome.ok:
                    return redirect("guidance:member_detail", pk=member.pk)
        elif which == "availability" and availability.is_valid():
            saved = _("Availability saved; the next roster will use it.")
            with attempt(request, success=saved) as outcome:
                services.availability_save(
                    access=request.access, member=member, values=availability.values()
                )
            if outcome.ok:
                return redirect("guidance:member_detail", pk=member.pk)
    today = timezone.localdate()
    context = {
        "member": member,
        "lead": lead,
        "can_edit_own": lead or is_self,
        "profile": profile,
        "availability": availability,
        "grid": availability.grid(),
        "absences": selectors.member_absences(member, from_day=today),
        "absence_form": AbsenceForm(),
    }
    return render(request, "guidance/member_detail.html", context)


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def absence_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    member = _member(request, pk)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        recorded = _("Absence recorded; the roster will not use these days.")
        with attempt(request, success=recorded):
            services.absence_add(access=request.access, member=member, **form.cleaned_data)
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return redirect("guidance:member_detail", pk=member.pk)


@commune_required(Perm.VIEW_ROSTER)
@require_POST
def absence_remove(request: CommuneRequest, pk: int) -> HttpResponseBase:
    absence: Absence = get_for_access(Absence.objects.all(), request.access, pk=pk)
    member = get_for_access(TeamMember.objects.all(), request.access, user_id=absence.user_id)
    with attempt(request, success=_("Absence removed.")):
        services.absence_remove(access=request.access, absence=absence)
    return redirect("guidance:member_detail", pk=member.pk)


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
        with attempt(request, form=form, success=_("Opening hours saved.")) as outcome:
            services.slot_template_save(access=request.access, template=form.save(commit=False))
        if outcome.ok:
            return redirect("guidance:slot_list")
    return render(request, "guidance/slot_form.html", {"form": form, "template": template})


@commune_required(Perm.MANAGE_ROSTER)
@require_POST
def slot_defaults(request: CommuneRequest) -> HttpResponseBase:
    """One tap for the usual hours: mornings 7:00–11:30, afternoons 13:30–17:00, Mon–Sat."""
    created = services.slot_defaults_add(access=request.access)
    messages.success(request, _("%(n)s slots added.") % {"n": created})
    return redirect("guidance:slot_list")
