"""Sponsors and their sign-ins, campaigns and their stages, pledges, policy statuses."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, snapshot
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, Membership, Role, User
from digiward.core.permissions import Perm
from digiward.donations import ranking, workflow
from digiward.donations.models import (
    CAMPAIGN_DESCRIPTION,
    Campaign,
    CampaignStatus,
    HouseholdPolicy,
    Pledge,
    Sponsor,
    SponsorContact,
)
from digiward.donations.services.common import audit_saved, locked_campaign
from digiward.registry.models import Household

# ---- Sponsors --------------------------------------------------------------------------

SPONSOR_FIELDS = ("name", "kind", "representative", "representative_title", "phone", "email")


@transaction.atomic
def sponsor_save(*, access: Access, sponsor: Sponsor) -> Sponsor:
    access.require(Perm.MANAGE_CAMPAIGNS)
    creating = sponsor.pk is None
    if creating:
        sponsor.commune = access.commune
    elif sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    before = None if creating else snapshot(Sponsor.objects.get(pk=sponsor.pk), SPONSOR_FIELDS)
    try:
        with transaction.atomic():
            sponsor.save()
    except IntegrityError:
        raise DomainError(_("A sponsor with this name already exists."), field="name") from None
    audit_saved(access=access, obj=sponsor, fields=SPONSOR_FIELDS, before=before)
    return sponsor


@transaction.atomic
def sponsor_contact_link(*, access: Access, sponsor: Sponsor, user: User) -> SponsorContact:
    """Let a sponsor-viewer sign-in see this sponsor's campaigns (and only those)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    if sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    if not Membership.objects.filter(
        user=user, commune=access.commune, role=Role.SPONSOR_VIEWER
    ).exists():
        raise DomainError(
            _("%(name)s is not a sponsor viewer of this commune.") % {"name": user.get_full_name()}
        )
    contact, created = SponsorContact.objects.get_or_create(user=user, sponsor=sponsor)
    if created:
        audit_record(
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=contact,
            changes={"user": [None, user.username], "sponsor": [None, sponsor.name]},
        )
    return contact


@transaction.atomic
def sponsor_contact_unlink(*, access: Access, contact: SponsorContact) -> None:
    access.require(Perm.MANAGE_CAMPAIGNS)
    if contact.sponsor.commune_id != access.commune.pk:
        raise DomainError(_("This sponsor belongs to another commune."))
    audit_record(action=AuditAction.DELETE, commune=access.commune, obj=contact)
    contact.delete()


# ---- Campaigns -------------------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    access: Access,
    campaign: Campaign,
    sponsors: Iterable[Sponsor],
    communes: Iterable[Commune] = (),
) -> Campaign:
    """Create or change a campaign's description (not its status, not its list)."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    creating = campaign.pk is None
    sponsors = list(sponsors)
    if any(s.commune_id != access.commune.pk for s in sponsors):
        raise DomainError(_("A sponsor belongs to another commune."), field="sponsors")
    if creating:
        campaign.commune = access.commune
        campaign.created_by = access.user
        campaign.rules = campaign.rules or ranking.Rules().to_json()
        # The draw seed is fixed at creation and printed on the list: the draw is repeatable.
        campaign.draw_seed = campaign.draw_seed or secrets.randbits(48)
        before: dict[str, Any] | None = None
    else:
        current = locked_campaign(campaign)
        if current.commune_id != access.commune.pk:
            raise DomainError(_("This campaign belongs to another commune."))
        workflow.require_stage(
            current, workflow.EDITS_DESCRIPTION, _("A closed campaign cannot be changed.")
        )
        if current.list_is_locked and (
            campaign.phones_per_household != current.phones_per_household
        ):
            raise DomainError(
                _("The number of phones per household is fixed once the list is locked."),
                field="phones_per_household",
            )
        before = snapshot(current, CAMPAIGN_DESCRIPTION)
        campaign.status = current.status
    campaign.full_clean(exclude=["commune", "created_by", "locked_by", "rules"])
    campaign.save()
    campaign.sponsors.set(sponsors)
    campaign.communes.set({access.commune, *communes})
    audit_saved(
        access=access,
        obj=campaign,
        fields=CAMPAIGN_DESCRIPTION,
        before=before,
        changes={"sponsors": [None, ", ".join(s.name for s in sponsors)]},
    )
    return campaign


@transaction.atomic
def campaign_transition(*, access: Access, campaign: Campaign, target: str) -> Campaign:
    """Move the campaign one step on, if its guard agrees."""
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = locked_campaign(campaign)
    workflow.guard_transition(locked, target)
    previous = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if target == CampaignStatus.LIST_LOCKED:
        locked.locked_at, locked.locked_by = timezone.now(), access.user
        fields += ["locked_at", "locked_by"]
    locked.save(update_fields=fields)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"status": [previous, target]},
    )
    return locked


@transaction.atomic
def campaign_rules_save(*, access: Access, campaign: Campaign, rules: ranking.Rules) -> Campaign:
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = locked_campaign(campaign)
    workflow.require_stage(
        locked, workflow.EDITS_RULES, _("The rules are fixed once the list is locked.")
    )
    before = locked.rules
    locked.rules = rules.to_json()
    locked.save(update_fields=["rules", "updated_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=locked,
        changes={"rules": [before, locked.rules]},
        note="rules",
    )
    return locked


@transaction.atomic
def pledge_add(
    *,
    access: Access,
    campaign: Campaign,
    sponsor: Sponsor,
    kind: str,
    quantity: int,
    unit_value_vnd: int,
    description: str = "",
) -> Pledge:
    access.require(Perm.MANAGE_CAMPAIGNS)
    locked = locked_campaign(campaign)
    workflow.require_stage(
        locked, workflow.RECEIVES_ITEMS, _("This campaign no longer takes pledges.")
    )
    if not locked.sponsors.filter(pk=sponsor.pk).exists():
        raise DomainError(_("This sponsor is not a sponsor of the campaign."), field="sponsor")
    if quantity < 1:
        raise DomainError(_("At least one item."), field="quantity")
    if unit_value_vnd < 0:
        raise DomainError(_("The value cannot be negative."), field="unit_value_vnd")
    pledge = Pledge.objects.create(
        commune=access.commune,
        campaign=locked,
        sponsor=sponsor,
        kind=kind,
        quantity=quantity,
        unit_value_vnd=unit_value_vnd,
        description=description,
    )
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=pledge,
        changes={"kind": [None, kind], "quantity": [None, quantity]},
    )
    return pledge


# ---- Policy statuses (Circular 14's groups 1 and 2) ------------------------------------


@transaction.atomic
def household_policy_save(
    *,
    access: Access,
    household: Household,
    merit_family: bool,
    social_policy_family: bool,
    basis: str,
) -> HouseholdPolicy:
    access.require(Perm.MANAGE_CAMPAIGNS)
    if household.commune_id != access.commune.pk:
        raise DomainError(_("This household belongs to another commune."))
    if (merit_family or social_policy_family) and not basis.strip():
        raise DomainError(_("Say which decision or list this comes from."), field="basis")
    policy = HouseholdPolicy.objects.select_for_update().filter(
        household=household
    ).first() or HouseholdPolicy(commune=access.commune, household=household)
    fields = ("merit_family", "social_policy_family", "basis")
    before = None if policy.pk is None else snapshot(policy, fields)
    policy.merit_family, policy.social_policy_family = merit_family, social_policy_family
    policy.basis, policy.updated_by = basis.strip(), access.user
    policy.save()
    audit_saved(
        access=access, obj=policy, fields=fields, before=before, object_repr=f"{household.code}"
    )
    return policy
