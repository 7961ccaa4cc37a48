"""The home page of each role (what matters today in the active commune) and the
province viewer's roll-up of every commune of the province."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.models import User
from digiward.core.permissions import Perm
from digiward.core.selectors import open_invitations_for
from digiward.reports.selectors import home_summary, province_rollup, viewer_provinces
from digiward.reports.selectors.province import SORTS


def home(request: HttpRequest) -> HttpResponseBase:
    # A province viewer who has not opened one commune lands on the roll-up of the
    # province, not on "which commune do you work for?" (issue 15).
    if getattr(request, "province_viewer", False) and getattr(request, "access", None) is None:
        return redirect("reports:province")
    return _commune_home(request)


@commune_required(Perm.VIEW_HOME)
def _commune_home(request: CommuneRequest) -> HttpResponse:
    return render(
        request,
        "reports/home.html",
        {
            "summary": home_summary(request.access),
            "open_invitations": open_invitations_for(request.access.user),
        },
    )


@login_required
def province(request: HttpRequest) -> HttpResponse:
    """Every commune of the province side by side; read only, for province viewers."""
    user: User = request.user  # type: ignore[assignment]
    provinces = viewer_provinces(user)
    if not provinces:
        raise PermissionDenied("province_viewer")
    code = request.GET.get("province", "")
    chosen = next((p for p in provinces if p.code == code), None) if code else provinces[0]
    if chosen is None:
        raise Http404  # another province's roll-up does not exist for this viewer
    rollup = province_rollup(chosen, sort=request.GET.get("sort", ""))
    columns = [
        (key, label, key == rollup.sort_key, rollup.descending)
        for key, label in _column_labels().items()
        if key in SORTS
    ]
    return render(
        request,
        "reports/province.html",
        {"rollup": rollup, "provinces": provinces, "columns": columns},
    )


def _column_labels() -> dict[str, str]:
    return {
        "name": _("Commune or ward"),
        "adults": _("Adults"),
        "on_journey": _("Started the journey"),
        "vneid_level2": _("VNeID level 2"),
        "online_service": _("Used an online service"),
        "independent": _("Does it alone"),
        "help_sessions": _("Help sessions (30 days)"),
        "overdue": _("Home-support requests overdue"),
    }
