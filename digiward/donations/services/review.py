"""Ranking a campaign's households and the review of the list (changes, amendments)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.jobs import job_start
from digiward.core.models import AuditAction, Job, User
from digiward.core.permissions import Perm
from digiward.donations import ranking, ranking_store, workflow
from digiward.donations.models import (
    LIVE_ALLOCATION,
    Allocation,
    Campaign,
    ChangeAction,
    EntryStatus,
    ListChange,
    PriorityEntry,
    RankingRun,
)
from digiward.donations.selectors import household_facts
from digiward.donations.services.common import locked_campaign
from digiward.donations.tasks import export_list, rank_campaign
from digiward.registry.models import Household

# ---- Ranking ---------------------------------------------------------------------------


def ranking_start(*, access: Access, campaign: Campaign) -> Job:
    """Queue the ranking as a background job (a province takes seconds, not a request)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    with transaction.atomic():
        locked = locked_campaign(campaign)
        workflow.require_stage(
            locked, workflow.RANKS, _("Households are ranked only while the campaign is open.")
        )
        return job_start(
            acting_user=access.user,
            commune=access.commune,
            kind="donations.rank",
            title=_("Ranking households for %(campaign)s") % {"campaign": locked.name},
            task=rank_campaign,
            perm=Perm.MANAGE_CAMPAIGNS,
            params={"campaign_id": locked.pk},
        )


def list_export_start(*, access: Access, campaign: Campaign) -> Job:
    """Write the priority list to Excel in the background, for the review meeting."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind="donations.export_list",
        title=_("Priority list of %(campaign)s (Excel)") % {"campaign": campaign.name},
        task=export_list,
        perm=Perm.MANAGE_CAMPAIGNS,
        params={"campaign_id": campaign.pk},
    )


def ranking_run(
    *,
    campaign: Campaign,
    acting_user: User | None,
    reference: date | None = None,
    job: Job | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> RankingRun:
    """Compute the list: load facts (outside the write lock), rank (pure), write (one
    transaction that re-applies the review's decisions)."""
    with _collector_paused():
        return _ranking_run(
            campaign=campaign,
            acting_user=acting_user,
            reference=reference or timezone.localdate(),
            job=job,
            progress=progress,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Ranking a province makes millions of small tuples and no reference cycle: the
    cyclic garbage collector would scan them again and again for nothing (half the
    Python time for a million households). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ranking_run(
    *,
    campaign: Campaign,
    acting_user: User | None,
    reference: date,
    job: Job | None,
    progress: Callable[[int, int, str], None] | None,
) -> RankingRun:
    rules = campaign.ranking_rules
    timings = ranking_store.Timings()
    if progress:
        progress(0, 3, _("Reading households"))
    facts = ranking_store.load_facts(campaign, reference=reference, timings=timings)
    if progress:
        progress(1, 3, _("Ranking %(count)s households") % {"count": len(facts)})
    started = time.perf_counter()
    ranked, summary = ranking.rank(facts, rules, seed=campaign.draw_seed)
    seconds_rank = time.perf_counter() - started
    del facts
    if progress:
        progress(2, 3, _("Writing the list"))
    with transaction.atomic():
        locked = locked_campaign(campaign)
        workflow.require_stage(
            locked, workflow.RANKS, _("Households are ranked only while the campaign is open.")
        )
        if locked.rules != campaign.rules or locked.draw_seed != campaign.draw_seed:
            raise DomainError(_("The rules changed while ranking: rank again."))
        ranking_store.write_entries(locked, ranked, timings=timings)
        _reapply_review(locked, reference=reference)
        run = RankingRun.objects.create(
            commune=locked.commune,
            campaign=locked,
            job=job,
            rules=rules.to_json(),
            seed=locked.draw_seed,
            reference_date=reference,
            summary=summary.to_json(),
            seconds_load=timings.load_db + timings.load_python,
            seconds_rank=seconds_rank,
            seconds_write=timings.write_db,
            created_by=acting_user,
        )
        audit_record(
            action=AuditAction.CREATE,
            commune=locked.commune,
            obj=run,
            changes={"eligible": [None, summary.eligible]},
            actor=acting_user,
        )
    ranking_store.reclaim_space()
    return run


def _reapply_review(campaign: Campaign, *, reference: date) -> None:
    """After a new ranking, the review's earlier decisions still stand (latest wins)."""
    latest: dict[int, ListChange] = {}
    for change in ListChange.objects.filter(campaign=campaign).order_by("recorded_at", "pk"):
        latest[change.household_id] = change
    for household_id, change in latest.items():
        _apply_change(campaign, household_id, change.action, change.reason, reference=reference)


def _facts_of(campaign: Campaign, household_id: int, reference: date) -> ranking.Facts | None:
    household = Household.objects.filter(pk=household_id).first()
    if household is None:
        return None
    return household_facts(campaign, household, reference=reference)


def _apply_change(
    campaign: Campaign, household_id: int, action: str, reason: str, *, reference: date
) -> None:
    entry = PriorityEntry.objects.filter(campaign=campaign, household_id=household_id).first()
    if action == ChangeAction.REMOVE:
        if entry is not None:
            entry.status, entry.note = EntryStatus.REMOVED, reason[:300]
            entry.save(update_fields=["status", "note"])
        return
    if entry is not None:
        if entry.status == EntryStatus.REMOVED:
            entry.status = EntryStatus.ADDED if entry.position is None else EntryStatus.LISTED
            entry.note = reason[:300]
            entry.save(update_fields=["status", "note"])
        return
    facts = _facts_of(campaign, household_id, reference)
    if facts is None:
        return
    rules = campaign.ranking_rules
    assessment = ranking.assess(facts, rules)
    counted = rules.counted_poverty(facts.poverty, facts.poverty_year)
    PriorityEntry.objects.create(
        commune=campaign.commune,
        campaign=campaign,
        household_id=household_id,
        position=None,
        group=assessment.group or ranking.group_of(counted, facts.flags),
        score=assessment.score,
        flags=ranking.stored_flags(facts),
        poverty_year=facts.poverty_year,
        oldest_birth_year=facts.oldest_birth_year or ranking.UNKNOWN_BIRTH_YEAR,
        draw=ranking.draw_number(campaign.draw_seed, household_id),
        status=EntryStatus.ADDED,
        note=reason[:300],
    )


@transaction.atomic
def list_change(
    *,
    access: Access,
    campaign: Campaign,
    household: Household,
    action: str,
    reason: str,
    reference: str = "",
) -> ListChange:
    """Add or remove a household: the review's decision before locking, an amendment after."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = locked_campaign(campaign)
    if action not in ChangeAction.values:
        raise DomainError(_("Unknown change."))
    if not reason.strip():
        raise DomainError(_("Say why (it is kept with the list)."), field="reason")
    workflow.require_stage(
        locked,
        workflow.CHANGES_LIST,
        _("The list can no longer be changed at this stage of the campaign."),
    )
    amendment = locked.status in workflow.AMENDS
    if amendment and not reference.strip():
        raise DomainError(
            _("The list is locked: an amendment cites the decision that allows it."),
            field="reference",
        )
    commune_ids = set(locked.communes.values_list("pk", flat=True)) | {locked.commune_id}
    if household.commune_id not in commune_ids:
        raise DomainError(_("This household is in another commune, outside this campaign."))
    entry = PriorityEntry.objects.filter(campaign=locked, household=household).first()
    on_list = entry is not None and entry.status != EntryStatus.REMOVED
    if action == ChangeAction.ADD and on_list:
        raise DomainError(_("This household is already on the list."))
    if action == ChangeAction.REMOVE:
        if not on_list:
            raise DomainError(_("This household is not on the list."))
        if Allocation.objects.filter(
            campaign=locked, household=household, status__in=LIVE_ALLOCATION
        ).exists():
            raise DomainError(
                _("Items are allocated to this household: cancel or return them first.")
            )
    change = ListChange.objects.create(
        commune=access.commune,
        campaign=locked,
        household=household,
        action=action,
        reason=reason.strip(),
        is_amendment=amendment,
        reference=reference.strip(),
        recorded_by=access.user,
    )
    _apply_change(locked, household.pk, action, change.reason, reference=timezone.localdate())
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        object_repr=f"{locked.name}: {household.code}",
        changes={"list": [None, f"{action} {household.code}"]},
        note=(f"[{_('amendment')}: {reference.strip()}] " if amendment else "") + reason.strip(),
    )
    return change
