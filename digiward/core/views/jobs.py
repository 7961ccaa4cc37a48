"""Watching a background job, downloading what it produced, running it again."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.jobs import job_run_again, jobs_mark_dead, jobs_visible_to
from digiward.core.models import AuditAction, Job
from digiward.core.permissions import Perm


def _get_job(request: CommuneRequest, job_id: UUID) -> Job:
    visible = jobs_visible_to(request.access).filter(pk=job_id)
    jobs_mark_dead(visible)
    job = visible.first()
    if job is None:
        raise Http404
    return job


@commune_required(Perm.VIEW_JOBS)
def job_list(request: CommuneRequest) -> HttpResponse:
    visible = jobs_visible_to(request.access)
    jobs_mark_dead(visible)
    jobs = visible.select_related("created_by")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


@commune_required(Perm.VIEW_JOBS)
def job_detail(request: CommuneRequest, job_id: UUID) -> HttpResponse:
    job = _get_job(request, job_id)
    template = "core/partials/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "result_template": _result_template(job)})


@commune_required(Perm.VIEW_JOBS)
@require_POST
def job_rerun(request: CommuneRequest, job_id: UUID) -> HttpResponseBase:
    job = _get_job(request, job_id)
    with attempt(request, success=_("The job is queued again.")):
        job_run_again(access=request.access, job=job)
    return redirect("core:job_detail", job_id=job.pk)


def _result_template(job: Job) -> str | None:
    """Apps may show a job's result their own way: <app>/partials/_job_result_<kind>.html."""
    app, _sep, name = job.kind.partition(".")
    candidate = f"{app}/partials/_job_result_{name}.html"
    try:
        get_template(candidate)
    except TemplateDoesNotExist:
        return None
    return candidate


@commune_required(Perm.VIEW_JOBS)
def job_download(request: CommuneRequest, job_id: UUID) -> FileResponse:
    job = _get_job(request, job_id)
    if not job.result_file:
        raise Http404
    audit_record(
        action=AuditAction.EXPORT,
        commune=request.access.commune,
        obj=job,
        object_repr=job.result_filename or job.title,
        note="download",
    )
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_filename or "digiward"
    )
