"""Background work of the reports: writing a monthly report."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django_tasks import task

from digiward.core.jobs import running_job


@task()
def write_monthly_report(job_id: str) -> None:
    from digiward.core.audit import audit_record
    from digiward.core.models import AuditAction
    from digiward.reports.monthly import monthly_report, report_filename

    with running_job(job_id) as run:
        job = run.job
        month = date.fromisoformat(job.params["month"])
        fmt = job.params["format"]
        run.progress(0, total=1, message=_("Counting the month's figures"), force=True)
        content = monthly_report(job.commune, month, fmt, user=job.created_by)
        name = report_filename(job.commune, month, fmt)
        run.attach_file(name, content)
        audit_record(
            action=AuditAction.EXPORT,
            commune=job.commune,
            object_type="reports.monthly",
            object_repr=name,
            note=f"{month:%Y-%m} {fmt}",
        )
        run.result = {"month": f"{month:%Y-%m}", "format": fmt}
        run.log(_("The report %(name)s is ready.") % {"name": name})
