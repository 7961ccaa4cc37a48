"""The team and its opening hours: members, weekly availability, absences, slot templates."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from digiward.core.absences import absence_add as core_absence_add
from digiward.core.absences import absence_remove as core_absence_remove
from digiward.core.absences import own_or
from digiward.core.access import Access
from digiward.core.audit import audit_record, audit_saved, snapshot_saved
from digiward.core.errors import DomainError
from digiward.core.models import Absence, AuditAction
from digiward.core.permissions import Perm
from digiward.guidance.models import (
    DEFAULT_TEMPLATES,
    AvailabilityChoice,
    MemberAvailability,
    SlotTemplate,
    TeamMember,
)
from digiward.planning.roster_wording import WEEKDAYS_VI

MEMBER_AUDIT_FIELDS = ("skills", "experience", "max_shifts_per_week", "is_active", "joined_on")


def member_of(access: Access) -> TeamMember | None:
    """The signed-in user's own place on the commune's team, if any."""
    return (
        TeamMember.objects.for_access(access)
        .filter(user=access.user, is_active=True)
        .select_related("user")
        .first()
    )


@transaction.atomic
def member_save(*, access: Access, member: TeamMember) -> TeamMember:
    """Add a member or change one (from a validated form)."""
    access.require(Perm.MANAGE_ROSTER)
    if member.commune_id != access.commune.pk:
        raise DomainError(_("This member belongs to another commune."))
    creating = member.pk is None
    if creating and not access.commune.memberships.filter(user_id=member.user_id).exists():
        raise DomainError(_("Only people who have a role in this commune can join the team."))
    before = snapshot_saved(member, MEMBER_AUDIT_FIELDS)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise DomainError(_("This person is already on the team."), field="user") from None
    audit_saved(
        commune=access.commune,
        obj=member,
        fields=MEMBER_AUDIT_FIELDS,
        before=before,
        skip_unchanged=True,
    )
    return member


@transaction.atomic
def availability_save(
    *, access: Access, member: TeamMember, values: dict[tuple[int, str], str]
) -> int:
    """Replace a member's weekly availability; "available" needs no row. Returns rows kept."""
    if not (access.has(Perm.MANAGE_ROSTER) or member.user_id == access.user.pk):
        raise DomainError(_("You can only change your own availability."))
    for value in values.values():
        if value not in AvailabilityChoice.values:
            raise DomainError(_("Unknown availability."))
    MemberAvailability.objects.filter(member=member).delete()
    rows = [
        MemberAvailability(
            commune_id=member.commune_id, member=member, weekday=weekday, kind=kind, value=value
        )
        for (weekday, kind), value in sorted(values.items())
        if value != AvailabilityChoice.AVAILABLE
    ]
    MemberAvailability.objects.bulk_create(rows)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=member,
        note="availability",
        changes={"availability": [None, {f"{w}:{k}": v for (w, k), v in values.items()}]},
    )
    return len(rows)


# An absence is a core.Absence of the member's user: the same row home-visit booking
# reads, so an officer on both teams records leave once. A member records their own
# days; the team lead anyone's.
ABSENCE_RULE = own_or(Perm.MANAGE_ROSTER)


def absence_add(
    *, access: Access, member: TeamMember, starts_on: date, ends_on: date, reason: str = ""
) -> Absence:
    if member.commune_id != access.commune.pk:
        raise DomainError(_("This member belongs to another commune."))
    return core_absence_add(
        access=access,
        user_id=member.user_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        rule=ABSENCE_RULE,
    )


def absence_remove(*, access: Access, absence: Absence) -> None:
    core_absence_remove(access=access, absence=absence, rule=ABSENCE_RULE)


@transaction.atomic
def slot_template_save(*, access: Access, template: SlotTemplate) -> SlotTemplate:
    access.require(Perm.MANAGE_ROSTER)
    if template.commune_id != access.commune.pk:
        raise DomainError(_("This slot belongs to another commune."))
    if not template.weekdays:
        raise DomainError(_("Pick at least one weekday."), field="weekdays")
    if template.end <= template.start:
        raise DomainError(_("The slot must end after it starts."), field="end")
    clash = (
        SlotTemplate.objects.for_access(access)
        .filter(is_active=True, kind=template.kind)
        .exclude(pk=template.pk)
    )
    if template.is_active:
        for other in clash:
            shared = set(other.weekdays) & set(template.weekdays)
            if shared:
                raise DomainError(
                    _("Another %(kind)s slot already covers %(days)s.")
                    % {
                        "kind": template.get_kind_display().lower(),
                        "days": ", ".join(WEEKDAYS_VI[d] for d in sorted(shared)),
                    },
                    field="weekdays",
                )
    creating = template.pk is None
    template.save()
    audit_record(
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        commune=access.commune,
        obj=template,
    )
    return template


@transaction.atomic
def slot_defaults_add(*, access: Access) -> int:
    """The usual opening hours in one go (DEFAULT_TEMPLATES), for each kind of slot the
    desk has none of yet; all of them or none. Returns how many slots were added."""
    access.require(Perm.MANAGE_ROSTER)
    created = 0
    for kind, start, end, days in DEFAULT_TEMPLATES:
        if SlotTemplate.objects.for_access(access).filter(kind=kind).exists():
            continue
        slot_template_save(
            access=access,
            template=SlotTemplate(
                commune=access.commune, kind=kind, start=start, end=end, weekdays=days
            ),
        )
        created += 1
    return created
