"""The life of a campaign: the steps it may take, and what each stage allows.

    draft → open → list_locked → handing_over → follow_up → closed

A campaign takes one step at a time, forward only, and closed is final: `CAMPAIGN` is
that table (digiward.core.workflow). A step the table allows may still wait for its
conditions (no opening without a sponsor and a pledge, no locking an empty list…): the
checks named after each step run after the table's guard. Services call
`guard_transition` after locking the campaign row, so the check and the change see the
same state.

Most actions are no step at all but are allowed only in some stages (items are
received until the handover ends, rules change only before the list is locked):
`require_stage` with one of the stage sets below, each refusal in its action's words.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiward.core.errors import DomainError
from digiward.core.workflow import Workflow
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    EntryStatus,
    FollowUp,
    FollowUpStatus,
    Handover,
)

S = CampaignStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.OPEN}),
    S.OPEN: frozenset({S.LIST_LOCKED}),
    S.LIST_LOCKED: frozenset({S.HANDING_OVER}),
    S.HANDING_OVER: frozenset({S.FOLLOW_UP}),
    S.FOLLOW_UP: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
# One sentence for every refused step, the final and the repeated ones too.
WRONG_STEP = gettext_lazy("A campaign cannot go from “%(current)s” to “%(target)s”.")
CAMPAIGN = Workflow(
    statuses=CampaignStatus,
    allowed=ALLOWED,
    wrong=WRONG_STEP,
    already=WRONG_STEP,
    finished=WRONG_STEP,
)

# What each stage allows.
RECEIVES_ITEMS = (S.DRAFT, S.OPEN, S.LIST_LOCKED, S.HANDING_OVER)
EDITS_DESCRIPTION = (S.DRAFT, S.OPEN, S.LIST_LOCKED, S.HANDING_OVER, S.FOLLOW_UP)
EDITS_RULES = (S.DRAFT, S.OPEN)
RANKS = (S.OPEN,)
REVIEWS = (S.OPEN,)
AMENDS = (S.LIST_LOCKED, S.HANDING_OVER)
CHANGES_LIST = REVIEWS + AMENDS  # the review's decisions, then amendments
ALLOCATES = (S.LIST_LOCKED, S.HANDING_OVER)
HANDS_OVER = (S.LIST_LOCKED, S.HANDING_OVER)


def next_status(status: str) -> str | None:
    """The one step a campaign can take from `status` (None once closed)."""
    return next(iter(ALLOWED[status]), None)


def guard_transition(campaign: Campaign, target: str) -> None:
    """Refuse any step but the next one, and the next one until its conditions hold."""
    if target not in CampaignStatus.values:
        raise DomainError(_("Unknown campaign status."))
    CAMPAIGN.guard(campaign.status, target)
    CONDITIONS[CampaignStatus(target)](campaign)


def require_stage(campaign: Campaign, allowed: tuple[str, ...], message: str) -> None:
    """Refuse an action the campaign's stage does not allow (`allowed`: a set above)."""
    if campaign.status not in allowed:
        raise DomainError(message)


# ---- The conditions of each step, checked after the table --------------------------------


def _guard_open(campaign: Campaign) -> None:
    if not campaign.sponsors.exists():
        raise DomainError(_("Add at least one sponsor before opening the campaign."))
    if not campaign.pledges.exists():
        raise DomainError(_("Record what the sponsors pledged before opening the campaign."))


def _guard_lock(campaign: Campaign) -> None:
    if not campaign.ranking_runs.exists():
        raise DomainError(_("Rank the households before locking the list."))
    if not campaign.entries.exclude(status=EntryStatus.REMOVED).exists():
        raise DomainError(_("The list is empty: there is nothing to lock."))


def _guard_hand_over(campaign: Campaign) -> None:
    if not Allocation.objects.filter(campaign=campaign, status=AllocationStatus.ALLOCATED).exists():
        raise DomainError(_("Allocate items to households before starting the handover."))


def _guard_follow_up(campaign: Campaign) -> None:
    waiting = Allocation.objects.filter(campaign=campaign, status=AllocationStatus.ALLOCATED)
    if waiting.exists():
        raise DomainError(
            _(
                "%(count)s allocated items are not handed over yet: hand them over or cancel "
                "their allocation first."
            )
            % {"count": waiting.count()}
        )
    if not Handover.objects.filter(campaign=campaign).exists():
        raise DomainError(_("Nothing has been handed over yet."))


def _guard_close(campaign: Campaign) -> None:
    pending = FollowUp.objects.filter(
        handover__campaign=campaign, status=FollowUpStatus.PENDING
    ).count()
    if pending:
        raise DomainError(
            _("%(count)s follow-ups are still to do: record them before closing.")
            % {"count": pending}
        )


# Every status the table lets a campaign reach has its conditions (a test checks it).
CONDITIONS: dict[str, Callable[[Campaign], None]] = {
    S.OPEN: _guard_open,
    S.LIST_LOCKED: _guard_lock,
    S.HANDING_OVER: _guard_hand_over,
    S.FOLLOW_UP: _guard_follow_up,
    S.CLOSED: _guard_close,
}
