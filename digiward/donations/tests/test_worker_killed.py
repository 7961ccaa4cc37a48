"""A worker killed (SIGKILL) while it replaces a campaign's priority list leaves the
previous list whole, the job failed, and the job runs again to the same list (issue 17)."""

from __future__ import annotations

from unittest import mock

import pytest

from digiward.core.jobs import job_run_again, jobs_mark_dead
from digiward.core.models import JobStatus
from digiward.core.tests.worker_kill import kill_at_first_write
from digiward.donations import services
from digiward.donations.models import PriorityEntry, RankingRun
from digiward.donations.tests.factories import access_for, scenario


def priority_list(campaign) -> list[tuple[int, int, str]]:
    return list(
        PriorityEntry.objects.filter(campaign=campaign)
        .order_by("position")
        .values_list("household_id", "position", "status")
    )


@pytest.mark.django_db(transaction=True)
def test_a_ranking_killed_after_deleting_the_old_list_keeps_it_and_reruns_the_same(
    commune, officer
):
    s = scenario(commune, officer, households=4, phones=2, sims=0, lock=False)
    before = priority_list(s.campaign)  # the scenario ranked once already
    assert len(before) == 4
    runs = RankingRun.objects.count()
    access = access_for(officer, commune)
    with mock.patch("digiward.core.jobs._enqueue"):
        job = services.ranking_start(access=access, campaign=s.campaign)

    # The old list is deleted inside the writing transaction, then the new one written.
    kill_at_first_write(job, r'^\s*DELETE FROM "donations_priorityentry"')
    assert priority_list(s.campaign) == before
    assert RankingRun.objects.count() == runs
    assert jobs_mark_dead() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error

    job_run_again(access=access, job=job)  # the test settings run the job at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert priority_list(s.campaign) == before  # same rules, same seed: the same list
    assert RankingRun.objects.count() == runs + 1 and job.result["eligible"] == 4
