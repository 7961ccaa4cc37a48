"""The life of a campaign and the guards that refuse a wrong step.

draft → open → list_locked → handing_over → follow_up → closed

Each guard raises DomainError with a message for the officer; services call them after
locking the campaign row, so the check and the change see the same state.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
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

NEXT: dict[str, str] = {
    S.DRAFT: S.OPEN,
    S.OPEN: S.LIST_LOCKED,
    S.LIST_LOCKED: S.HANDING_OVER,
    S.HANDING_OVER: S.FOLLOW_UP,
    S.FOLLOW_UP: S.CLOSED,
}

# What each stage allows.
RECEIVES_ITEMS = (S.DRAFT, S.OPEN, S.LIST_LOCKED, S.HANDING_OVER)
EDITS_RULES = (S.DRAFT, S.OPEN)
RANKS = (S.OPEN,)
REVIEWS = (S.OPEN,)
AMENDS = (S.LIST_LOCKED, S.HANDING_OVER)
ALLOCATES = (S.LIST_LOCKED, S.HANDING_OVER)
HANDS_OVER = (S.LIST_LOCKED, S.HANDING_OVER)
FOLLOWS_UP = (S.HANDING_OVER, S.FOLLOW_UP, S.CLOSED)


def _label(status: str) -> str:
    return str(CampaignStatus(status).label)


def check_transition(campaign: Campaign, target: str) -> None:
    """Refuse any step but the next one, and the next one until its conditions hold."""
    if target not in CampaignStatus.values:
        raise DomainError(_("Unknown campaign status."))
    if NEXT.get(campaign.status) != target:
        raise DomainError(
            _("A campaign cannot go from “%(current)s” to “%(target)s”.")
            % {"current": _label(campaign.status), "target": _label(target)}
        )
    GUARDS[CampaignStatus(target)](campaign)


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


GUARDS = {
    S.OPEN: _guard_open,
    S.LIST_LOCKED: _guard_lock,
    S.HANDING_OVER: _guard_hand_over,
    S.FOLLOW_UP: _guard_follow_up,
    S.CLOSED: _guard_close,
}


def require_stage(campaign: Campaign, allowed: tuple[str, ...], message: str) -> None:
    if campaign.status not in allowed:
        raise DomainError(message)
