"""Record and remove absences: the one service pair behind the roster and visit booking.

Who may record for whom stays each app's rule, so the caller passes it: the help desk
lets a member record their own days or a roster manager anyone's (``own_or``); home
support lets only its managers record an officer's leave (``requires``). The rule is a
plain function of the access and the person, so this module needs neither app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import Absence, AuditAction
from digiward.core.permissions import Perm

MAX_DAYS = 366  # one year, a leap year included
REASON_MAX = 200

# rule(access, user_id, removing): raises DomainError when the access may not do it.
AbsenceRule = Callable[[Access, int, bool], None]


def own_or(perm: Perm) -> AbsenceRule:
    """The person themselves, or whoever holds ``perm``."""

    def rule(access: Access, user_id: int, removing: bool) -> None:
        if user_id == access.user.pk or access.has(perm):
            return
        if removing:
            raise DomainError(_("You can only remove your own absences."))
        raise DomainError(_("You can only record your own absences."))

    return rule


def requires(perm: Perm) -> AbsenceRule:
    """Only whoever holds ``perm``, for themselves too."""

    def rule(access: Access, user_id: int, removing: bool) -> None:
        access.require(perm)

    return rule


@transaction.atomic
def absence_add(
    *,
    access: Access,
    user_id: int,
    starts_on: date,
    ends_on: date,
    reason: str = "",
    rule: AbsenceRule,
) -> Absence:
    """Record that ``user_id`` is away from ``starts_on`` to ``ends_on`` (both included)."""
    rule(access, user_id, False)
    if ends_on < starts_on:
        raise DomainError(_("The last day cannot be before the first."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise DomainError(_("An absence can last at most a year."), field="ends_on")
    absence = Absence.objects.create(
        commune=access.commune,
        user_id=user_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip()[:REASON_MAX],
        created_by=access.user,
    )
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=absence,
        changes={"from": [None, starts_on.isoformat()], "until": [None, ends_on.isoformat()]},
    )
    return absence


@transaction.atomic
def absence_remove(*, access: Access, absence: Absence, rule: AbsenceRule) -> None:
    if absence.commune_id != access.commune.pk:
        raise DomainError(_("This belongs to another commune."))
    rule(access, absence.user_id, True)
    audit_record(action=AuditAction.DELETE, commune=access.commune, obj=absence)
    absence.delete()
