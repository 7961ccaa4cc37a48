"""The home page of each role (what matters today in the active commune), the commune
dashboard with the people behind its figures, and the province viewer's roll-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.audit import audit_record
from digiward.core.jobs import jobs_visible_to
from digiward.core.models import AuditAction, User
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.core.selectors import open_invitations_for
from digiward.registry.journey import LADDER, TOP_RUNG
from digiward.registry.selectors import filtered_residents
from digiward.reports.forms import DashboardFilterForm, MonthlyReportForm
from digiward.reports.jobs import MONTHLY_KIND, monthly_report_start
from digiward.reports.selectors import (
    commune_dashboard,
    home_summary,
    province_rollup,
    viewer_provinces,
)
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
        "skills_confirmed": _("Digital skills confirmed"),
        "help_sessions": _("Help sessions (30 days)"),
        "overdue": _("Home-support requests overdue"),
    }


@commune_required(Perm.VIEW_STATISTICS)
def dashboard(request: CommuneRequest) -> HttpResponse:
    """The commune's figures on one screen, each tile with its numbers in a table."""
    form = DashboardFilterForm(request.GET or None, commune=request.access.commune)
    board = commune_dashboard(request.access, form.filters())
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "board": board, "query": _filter_query(request)},
    )


@commune_required(Perm.VIEW_REGISTRY)
def dashboard_people(request: CommuneRequest) -> HttpResponse:
    """The people behind one rung of the ladder, with the dashboard's filters: a figure
    explains itself. Reading names is audited like any other list of residents."""
    commune = request.access.commune
    raw = request.GET.get("rung", "")
    rung = 0 if raw == "0" else id_from(raw)
    if rung is None or not 0 <= rung <= TOP_RUNG:
        raise Http404
    form = DashboardFilterForm(request.GET, commune=commune)
    filters = replace(form.filters().journey(), rung=rung)
    residents = (
        filtered_residents(commune, filters)
        .select_related("household", "household__area")
        .order_by("name_folded", "pk")
    )
    page = Paginator(residents, 25).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=commune,
        object_type="registry.resident",
        object_repr=f"dashboard: residents on step {rung}, page {page.number}",
    )
    return render(
        request,
        "reports/dashboard_people.html",
        {
            "form": form,
            "rung": rung,
            "rung_label": _("No milestone yet") if rung == 0 else LADDER[rung - 1].label,
            "page_obj": page,
            "query": _filter_query(request),
        },
    )


def _filter_query(request: HttpRequest) -> str:
    """The dashboard's filters as a query string, for links that keep them."""
    kept = QueryDict(mutable=True)
    for key in ("period", "area", "age_band", "sex", "poverty_status"):
        value = request.GET.get(key)
        if value:
            kept[key] = value
    return kept.urlencode()


@commune_required(Perm.VIEW_STATISTICS)
def monthly_report(request: CommuneRequest) -> HttpResponseBase:
    """Ask for the month's report; it is written in the background and downloaded from
    the job's page (every download is audited there)."""
    request.access.require(Perm.VIEW_JOBS)  # the file is fetched from the job's page
    if request.method == "POST":
        form = MonthlyReportForm(request.POST)
        if form.is_valid():
            job = monthly_report_start(
                access=request.access,
                month=form.cleaned_data["month"],
                fmt=form.cleaned_data["format"],
            )
            return redirect("core:job_detail", job_id=job.pk)
    else:
        last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
        form = MonthlyReportForm(initial={"month": f"{last_month:%Y-%m}", "format": "xlsx"})
    recent = jobs_visible_to(request.access).filter(kind=MONTHLY_KIND).order_by("-created_at")[:10]
    return render(request, "reports/monthly_report.html", {"form": form, "recent": recent})
