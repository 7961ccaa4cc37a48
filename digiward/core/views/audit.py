"""The audit log page for the commune administrator, and its export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from digiward.core import services
from digiward.core.access import CommuneRequest, commune_required
from digiward.core.audit_display import audit_lines
from digiward.core.filters import AuditEventFilter
from digiward.core.permissions import Perm
from digiward.core.selectors import commune_audit_events

PAGE_SIZE = 50


@commune_required(Perm.VIEW_AUDIT_LOG)
def audit_log(request: CommuneRequest) -> HttpResponse:
    commune = request.access.commune
    event_filter = AuditEventFilter(
        request.GET or None, queryset=commune_audit_events(commune), commune=commune
    )
    events = event_filter.qs if event_filter.is_bound else event_filter.queryset
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "core/partials/_audit_rows.html" if request.htmx else "core/audit_log.html"
    lines = audit_lines(page.object_list)
    return render(request, template, {"filter": event_filter, "page_obj": page, "lines": lines})


@commune_required(Perm.EXPORT_AUDIT_LOG)
@require_POST
def audit_export(request: CommuneRequest) -> HttpResponse:
    job = services.audit_export_start(access=request.access, filters=request.POST.dict())
    return redirect("core:job_detail", job_id=job.pk)
