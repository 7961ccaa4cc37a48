"""Starting the reports' background jobs. Views call these and redirect to the job's page."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.jobs import job_start
from digiward.core.models import Job
from digiward.core.permissions import Perm
from digiward.reports.monthly import FORMATS
from digiward.reports.tasks import write_monthly_report

MONTHLY_KIND = "reports.monthly"


def monthly_report_start(*, access: Access, month: date, fmt: str) -> Job:
    access.require(Perm.VIEW_STATISTICS)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind=MONTHLY_KIND,
        title=_("Monthly report %(month)s (%(format)s)")
        % {"month": f"{month:%m/%Y}", "format": "Excel" if fmt == "xlsx" else "PDF"},
        task=write_monthly_report,
        perm=Perm.VIEW_STATISTICS,
        params={"month": month.isoformat(), "format": fmt},
    )
