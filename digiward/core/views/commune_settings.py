"""The commune administrator's page for the ward's contacts (phone, address, hours)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiward.core import services
from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.forms import CommuneSettingsForm
from digiward.core.permissions import Perm
from digiward.core.phones import format_phone
from digiward.core.selectors import commune_settings_for


@commune_required(Perm.MANAGE_COMMUNE_SETTINGS)
@require_http_methods(["GET", "POST"])
def commune_settings(request: CommuneRequest) -> HttpResponse:
    current = commune_settings_for(request.access.commune)
    initial = {
        "phone": format_phone(current.phone) if current.phone else "",
        "address": current.address,
        "opening_hours": current.opening_hours,
    }
    form = CommuneSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("The ward's contacts are saved.")) as outcome:
            services.commune_settings_save(access=request.access, **form.cleaned_data)
        if outcome.ok:
            return redirect("core:commune_settings")
    return render(request, "core/commune_settings.html", {"form": form, "current": current})
