"""The commune's registry rules: who the journey's lists are for, how minutes print an ID."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.permissions import Perm
from digiward.registry import services
from digiward.registry.forms import RegistrySettingsForm
from digiward.registry.selectors import registry_settings_for


@commune_required(Perm.MANAGE_COMMUNE_SETTINGS)
@require_http_methods(["GET", "POST"])
def registry_settings(request: CommuneRequest) -> HttpResponseBase:
    current = registry_settings_for(request.access.commune)
    initial = {
        "journey_min_age": current.journey_min_age,
        "full_citizen_id_on_minutes": current.full_citizen_id_on_minutes,
    }
    form = RegistrySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Registry settings saved.")) as outcome:
            services.registry_settings_save(access=request.access, **form.cleaned_data)
        if outcome.ok:
            return redirect("registry:settings")
    return render(request, "registry/settings.html", {"form": form, "current": current})
