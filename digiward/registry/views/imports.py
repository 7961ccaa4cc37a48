"""Importing a ward list from the web: upload, preview as a job, confirm, import as a job."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.permissions import Perm
from digiward.registry import jobs
from digiward.registry.forms import ImportForm


@commune_required(Perm.IMPORT_REGISTRY)
@require_http_methods(["GET", "POST"])
def import_upload(request: CommuneRequest) -> HttpResponseBase:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.import_preview_start(access=request.access, upload=form.cleaned_data["file"])
        return redirect("core:job_detail", job_id=job.pk)
    recent = jobs.import_previews_of(request.access)[:10]
    return render(request, "registry/import.html", {"form": form, "recent": recent})


@commune_required(Perm.IMPORT_REGISTRY)
@require_POST
def import_confirm(request: CommuneRequest, job_id: UUID) -> HttpResponseBase:
    """Import the file a finished preview checked, all-or-nothing or skipping bad rows."""
    preview = jobs.confirmable_preview(request.access, job_id)
    if preview is None:
        raise Http404
    skip_invalid = request.POST.get("mode") == "skip_invalid"
    job = jobs.import_start(access=request.access, preview=preview, skip_invalid=skip_invalid)
    return redirect("core:job_detail", job_id=job.pk)


@commune_required(Perm.EXPORT_REGISTRY)
@require_POST
def export(request: CommuneRequest) -> HttpResponseBase:
    job = jobs.export_start(access=request.access, filters=request.POST.dict())
    return redirect("core:job_detail", job_id=job.pk)
