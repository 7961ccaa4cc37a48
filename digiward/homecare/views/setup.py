"""Who can go and how: officers (authorities, hours, leave), commune settings, procedures."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.dates import day_text
from digiward.core.models import Absence
from digiward.core.permissions import Perm
from digiward.homecare import services
from digiward.homecare.checklists import needs_for
from digiward.homecare.forms import (
    LeaveForm,
    OfficerProfileForm,
    ProcedureProfileForm,
    SettingsForm,
    home_procedures,
)
from digiward.homecare.models import OfficerProfile, ProcedureProfile
from digiward.homecare.planner import leaves_of, officer_profiles, profiles_for, settings_for
from digiward.homecare.views.common import form_problems


@commune_required(Perm.VIEW_HOME_SUPPORT)
def officer_list(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    services.officer_profiles_sync(commune)
    today = timezone.localdate()
    rows = [
        {
            "profile": profile,
            "leaves": [leave for leave in leaves_of(profile) if leave.ends_on >= today],
        }
        for profile in officer_profiles(commune)
    ]
    return render(request, "homecare/officer_list.html", {"rows": rows, "today": today})


def _profile(request: CommuneRequest, pk: int) -> OfficerProfile:
    profile: OfficerProfile = get_for_access(
        OfficerProfile.objects.select_related("user", "volunteer"), request.access, pk=pk
    )
    return profile


@commune_required(Perm.VIEW_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def officer_edit(request: CommuneRequest, pk: int) -> HttpResponseBase:
    profile = _profile(request, pk)
    commune = request.access.commune
    if request.method == "POST":
        request.access.require(Perm.MANAGE_HOME_SUPPORT)
    form = OfficerProfileForm(request.POST or None, instance=profile, commune=commune)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Saved.")) as outcome:
            services.officer_profile_save(access=request.access, profile=form.save(commit=False))
        if outcome.ok:
            return redirect("homecare:officer_edit", pk=profile.pk)
    leaves = (
        Absence.objects.for_access(request.access)
        .filter(user_id=profile.user_id)
        .order_by("-starts_on")[:20]
    )
    return render(
        request,
        "homecare/officer_form.html",
        {"profile": profile, "form": form, "leave_form": LeaveForm(), "leaves": leaves},
    )


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def leave_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    profile = _profile(request, pk)
    form = LeaveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with attempt(request, success=_("Leave recorded.")) as outcome:
            _leave, clashes = services.leave_add(
                access=request.access,
                profile=profile,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        if outcome.ok:
            for visit in clashes:
                messages.warning(
                    request,
                    _(
                        "%(officer)s still has a visit on %(day)s (%(person)s): move it to "
                        "another officer on the day plan."
                    )
                    % {
                        "officer": profile.user.get_full_name(),
                        "day": day_text(visit.day),
                        "person": visit.request.person_name,
                    },
                )
    else:
        form_problems(request, form)
    return redirect("homecare:officer_edit", pk=profile.pk)


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_POST
def leave_remove(request: CommuneRequest, pk: int) -> HttpResponseBase:
    leave: Absence = get_for_access(Absence.objects.all(), request.access, pk=pk)
    profile = get_for_access(OfficerProfile.objects.all(), request.access, user_id=leave.user_id)
    with attempt(request, success=_("Leave removed.")):
        services.leave_remove(access=request.access, leave=leave)
    return redirect("homecare:officer_edit", pk=profile.pk)


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def settings_edit(request: CommuneRequest) -> HttpResponseBase:
    current = settings_for(request.access.commune)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Settings saved.")) as outcome:
            services.settings_save(access=request.access, settings=form.save(commit=False))
        if outcome.ok:
            return redirect("homecare:settings")
    return render(request, "homecare/settings_form.html", {"form": form})


@commune_required(Perm.VIEW_HOME_SUPPORT)
def procedure_list(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    settings = settings_for(commune)
    profiles = profiles_for(commune)
    rows = [
        needs_for(p, profiles.get(p.pk), default_minutes=settings.default_visit_minutes)
        for p in home_procedures(commune)
    ]
    return render(
        request,
        "homecare/procedure_list.html",
        {"rows": rows, "settings": settings, "custom": set(profiles)},
    )


@commune_required(Perm.MANAGE_HOME_SUPPORT)
@require_http_methods(["GET", "POST"])
def procedure_edit(request: CommuneRequest, procedure_id: int) -> HttpResponseBase:
    commune = request.access.commune
    procedure = home_procedures(commune).filter(pk=procedure_id).first()
    if procedure is None:
        raise Http404
    profile = ProcedureProfile.objects.filter(commune=commune, procedure=procedure).first()
    form = ProcedureProfileForm(
        request.POST or None,
        instance=profile or ProcedureProfile(commune=commune, procedure=procedure),
    )
    if request.method == "POST" and form.is_valid():
        services.procedure_profile_save(access=request.access, profile=form.save(commit=False))
        messages.success(request, _("Saved."))
        return redirect("homecare:procedure_list")
    defaults = needs_for(
        procedure, None, default_minutes=settings_for(commune).default_visit_minutes
    )
    return render(
        request,
        "homecare/procedure_form.html",
        {"procedure": procedure, "form": form, "defaults": defaults},
    )
