"""Attendance: the team lead records who came to a shift (done, missed, excused)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.guidance.models import Attendance, ShiftAssignment


@transaction.atomic
def attendance_set(*, access: Access, assignment: ShiftAssignment, state: str) -> ShiftAssignment:
    access.require(Perm.MANAGE_ROSTER)
    if state not in Attendance.values:
        raise DomainError(_("Unknown attendance."))
    assignment = (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift")
        .get(pk=assignment.pk)
    )
    today = timezone.localdate()
    if state in (Attendance.DONE, Attendance.MISSED) and assignment.shift.date > today:
        raise DomainError(_("A shift in the future cannot be marked done or missed yet."))
    before = assignment.attendance
    assignment.attendance = state
    assignment.attendance_by = access.user
    assignment.save(update_fields=["attendance", "attendance_by"])
    if before != state:
        audit_record(
            action=AuditAction.CHANGE,
            commune=access.commune,
            obj=assignment,
            changes={"attendance": [before, state]},
        )
    return assignment
