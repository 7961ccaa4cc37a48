"""Importing a ward list from the web: upload, preview as a job, confirm, import as a job."""

from __future__ import annotations

from uuid import UUID

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.jobs import job_start, jobs_visible_to
from digiward.core.models import JobStatus
from digiward.core.permissions import Perm
from digiward.registry.forms import ImportForm
from digiward.registry.tasks import export_registry, import_residents, preview_import

PREVIEW_KIND = "registry.import_preview"
IMPORT_KIND = "registry.import"


@commune_required(Perm.IMPORT_REGISTRY)
@require_http_methods(["GET", "POST"])
def import_upload(request: CommuneRequest) -> HttpResponseBase:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        stored = default_storage.save(
            f"imports/{request.access.commune.code}/{stamp}-{get_valid_filename(upload.name)}",
            upload,
        )
        job = job_start(
            acting_user=request.user,
            commune=request.access.commune,
            kind=PREVIEW_KIND,
            title=_("Check of %(name)s") % {"name": upload.name},
            task=preview_import,
            perm=Perm.IMPORT_REGISTRY,
            params={"path": stored, "name": upload.name},
        )
        return redirect("core:job_detail", job_id=job.pk)
    recent = jobs_visible_to(request.access).filter(kind__in=[PREVIEW_KIND, IMPORT_KIND])[:10]
    return render(request, "registry/import.html", {"form": form, "recent": recent})


@commune_required(Perm.IMPORT_REGISTRY)
@require_POST
def import_confirm(request: CommuneRequest, job_id: UUID) -> HttpResponseBase:
    """Import the file a finished preview checked, all-or-nothing or skipping bad rows."""
    # The preview must be one the officer may see: his own, or any for an administrator.
    preview = jobs_visible_to(request.access).filter(pk=job_id, kind=PREVIEW_KIND).first()
    if preview is None or preview.status != JobStatus.SUCCEEDED:
        raise Http404
    skip_invalid = request.POST.get("mode") == "skip_invalid"
    job = job_start(
        acting_user=request.user,
        commune=request.access.commune,
        kind=IMPORT_KIND,
        title=_("Import of %(name)s") % {"name": preview.params["name"]},
        task=import_residents,
        perm=Perm.IMPORT_REGISTRY,
        params={**preview.params, "skip_invalid": skip_invalid, "preview": str(preview.pk)},
    )
    return redirect("core:job_detail", job_id=job.pk)


@commune_required(Perm.EXPORT_REGISTRY)
@require_POST
def export(request: CommuneRequest) -> HttpResponseBase:
    allowed = {"area", "age_band", "vulnerability", "poverty_status"}
    filters = {k: v for k, v in request.POST.items() if k in allowed and v}
    job = job_start(
        acting_user=request.user,
        commune=request.access.commune,
        kind="registry.export",
        title=_("Registry export"),
        task=export_registry,
        perm=Perm.EXPORT_REGISTRY,
        params={"filters": filters},
    )
    return redirect("core:job_detail", job_id=job.pk)
