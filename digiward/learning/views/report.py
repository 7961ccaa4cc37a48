"""The commune's skills report (Annex II of Decision 757), on screen and as Excel."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.report import report_workbook, skills_report


@commune_required(Perm.ISSUE_CERTIFICATES)
def report_page(request: CommuneRequest) -> HttpResponse:
    report = skills_report(request.access.commune, selectors.default_framework(request.access))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="learning.report",
        object_repr=_("Digital-skills report"),
    )
    return render(request, "learning/report.html", {"report": report})


@commune_required(Perm.ISSUE_CERTIFICATES)
def report_xlsx(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    report = skills_report(commune, selectors.default_framework(request.access))
    audit_record(
        action=AuditAction.EXPORT,
        commune=commune,
        object_type="learning.report",
        object_repr=_("Digital-skills report (Excel)"),
    )
    response = HttpResponse(
        report_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"ky-nang-so-{commune.code}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
