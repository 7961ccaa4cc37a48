"""Background work of the donations app: ranking a campaign, exporting its list."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from digiward.core.errors import DomainError
from digiward.core.jobs import JobFailure, running_job
from digiward.donations.exports import write_list_export
from digiward.donations.models import Campaign


@task()
def rank_campaign(job_id: str) -> None:
    # Services import this module to queue the task: they are imported here, when it runs.
    from digiward.donations.services import ranking_run

    with running_job(job_id) as run:
        campaign = Campaign.objects.filter(
            pk=run.job.params["campaign_id"], commune=run.job.commune
        ).first()
        if campaign is None:
            raise JobFailure(_("This campaign no longer exists."))

        def progress(done: int, total: int, message: str) -> None:
            run.progress(done, total=total, message=message, force=True)
            run.log(message)

        try:
            result = ranking_run(
                campaign=campaign, acting_user=run.job.created_by, job=run.job, progress=progress
            )
        except DomainError as error:
            raise JobFailure(error.message) from None
        run.result = {"campaign_id": campaign.pk, **result.summary}
        run.log(
            _("%(eligible)s of %(considered)s households are on the list.")
            % {"eligible": result.summary["eligible"], "considered": result.summary["considered"]}
        )


@task()
def export_list(job_id: str) -> None:
    with running_job(job_id) as run:
        write_list_export(run)
