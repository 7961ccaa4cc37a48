"""The home page of each role: what matters today in the active commune."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.permissions import Perm
from digiward.reports.selectors import home_summary


def root(request: HttpRequest) -> HttpResponse:
    """The site root: staff go to their home page, everyone else to sign in."""
    if request.user.is_authenticated:
        return redirect("reports:home")
    return redirect("login")


@commune_required(Perm.VIEW_HOME)
def home(request: CommuneRequest) -> HttpResponse:
    return render(request, "reports/home.html", {"summary": home_summary(request.access)})
