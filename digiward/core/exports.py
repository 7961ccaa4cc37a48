"""Exports owned by core: the audit log as an Excel file."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.audit import audit_record
from digiward.core.dates import moment_text
from digiward.core.filters import AuditEventFilter
from digiward.core.jobs import JobRun
from digiward.core.models import AuditAction
from digiward.core.selectors import commune_audit_events
from digiward.core.xlsx import build_workbook


def write_audit_export(run: JobRun) -> None:
    job = run.job
    params = QueryDict(mutable=True)
    for key, value in job.params.get("filters", {}).items():
        params[key] = value
    events = AuditEventFilter(
        params, queryset=commune_audit_events(job.commune), commune=job.commune
    ).qs
    total = events.count()
    run.progress(0, total=total, message=_("Writing the audit log to Excel"), force=True)
    rows = (
        (
            moment_text(timezone.localtime(e.at), seconds=True),
            e.actor_label,
            e.get_action_display(),
            e.object_type,
            e.object_id,
            e.object_repr,
            e.get_source_display(),
            e.ip_address or "",
            e.path,
            e.note,
        )
        for e in events.iterator(chunk_size=2000)
    )
    content = build_workbook(
        title=_("Audit log"),
        subtitle=f"{job.commune.name} · {moment_text(timezone.localtime())}",
        headers=[
            _("When"),
            _("Who"),
            _("Action"),
            _("Kind of record"),
            _("Record id"),
            _("Record"),
            _("Source"),
            _("IP address"),
            _("Address"),
            _("Note"),
        ],
        rows=rows,
        widths=[20, 24, 18, 20, 12, 32, 14, 16, 40, 30],
        on_row=lambda n: run.progress(n),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    run.attach_file(f"nhat-ky-truy-cap-{job.commune.code}-{stamp}.xlsx", content)
    audit_record(
        action=AuditAction.EXPORT,
        commune=job.commune,
        object_type="core.auditevent",
        object_repr=_("Audit log (%(count)s rows)") % {"count": total},
        note=str(job.params.get("filters", {})),
    )
    run.result = {"rows": total}
    run.log(_("%(count)s rows written.") % {"count": total})
