"""What the donations services share: the campaign lock, the audit row of a save."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models

from digiward.core.access import Access
from digiward.core.audit import audit_saved as core_audit_saved
from digiward.donations.models import Campaign


def locked_campaign(campaign: Campaign) -> Campaign:
    """The campaign row, locked until the transaction ends, as it is now in the database.

    Every write that depends on the campaign's stage, its list or its stock takes this
    lock first, so a stage change, an amendment and an allocation wait for one another
    instead of committing alongside."""
    locked: Campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    return locked


def audit_saved(
    *,
    access: Access,
    obj: models.Model,
    fields: Sequence[str],
    before: Mapping[str, Any] | None,
    changes: Mapping[str, Any] | None = None,
    object_repr: str = "",
) -> None:
    """`core.audit.audit_saved` in the access's commune; an edit that changed nothing is
    audited too (the donations log keeps every save)."""
    core_audit_saved(
        commune=access.commune,
        obj=obj,
        fields=fields,
        before=before,
        changes=changes,
        object_repr=object_repr,
    )
