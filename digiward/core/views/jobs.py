"""Watching a background job, and downloading what it produced."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from digiward.core.access import Access, CommuneRequest, commune_required
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, Job
from digiward.core.permissions import Perm


def jobs_visible_to(access: Access) -> QuerySet[Job]:
    """A job may hold personal data: its creator and the commune administrators see it."""
    jobs: QuerySet[Job] = Job.objects.for_access(access)
    if not access.has(Perm.MANAGE_MEMBERS):
        jobs = jobs.filter(created_by=access.user)
    return jobs


def _get_job(request: CommuneRequest, job_id: UUID) -> Job:
    job = jobs_visible_to(request.access).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


@commune_required(Perm.VIEW_JOBS)
def job_list(request: CommuneRequest) -> HttpResponse:
    jobs = jobs_visible_to(request.access).select_related("created_by")[:50]
    return render(request, "core/job_list.html", {"jobs": jobs})


@commune_required(Perm.VIEW_JOBS)
def job_detail(request: CommuneRequest, job_id: UUID) -> HttpResponse:
    job = _get_job(request, job_id)
    template = "core/partials/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job, "result_template": _result_template(job)})


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
