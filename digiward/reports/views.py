"""The home page of each role: what matters today in the active commune."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.permissions import Perm
from digiward.core.selectors import open_invitations_for
from digiward.reports.selectors import home_summary


@commune_required(Perm.VIEW_HOME)
def home(request: CommuneRequest) -> HttpResponse:
    return render(
        request,
        "reports/home.html",
        {
            "summary": home_summary(request.access),
            "open_invitations": open_invitations_for(request.access.user),
        },
    )
