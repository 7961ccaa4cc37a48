"""Swaps and stand-ins: a member asks, a colleague accepts, the team lead decides.

The statuses follow `digiward.guidance.workflow.SWAP`; every service locks the request,
guards the move, re-checks the rules for both people and only then changes anything.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.outbox import notification_queue
from digiward.core.permissions import Perm
from digiward.guidance.models import (
    AssignmentSource,
    Attendance,
    DutyShift,
    ShiftAssignment,
    Skill,
    SwapKind,
    SwapRequest,
    SwapStatus,
    TeamMember,
)
from digiward.guidance.services.rules import member_conflict, shift_gaps
from digiward.guidance.services.team import member_of
from digiward.guidance.workflow import SWAP
from digiward.messaging.services import phone_queue


def _own_member(access: Access) -> TeamMember:
    member = member_of(access)
    if member is None:
        raise DomainError(_("You are not on the guidance team of this commune."))
    return member


def _swappable(assignment: ShiftAssignment, *, today: date) -> None:
    if not assignment.shift.roster.is_published:
        raise DomainError(_("Swaps are possible once the roster is published."))
    if assignment.shift.date <= today:
        raise DomainError(_("Only future shifts can be swapped."))
    if assignment.attendance != Attendance.PLANNED:
        raise DomainError(_("This shift's attendance is already recorded."))


@transaction.atomic
def swap_request_create(
    *, access: Access, assignment: ShiftAssignment, kind: str, note: str = ""
) -> SwapRequest:
    """A member asks a colleague to stand in for them, or to swap shifts."""
    access.require(Perm.VIEW_ROSTER)
    member = _own_member(access)
    assignment = (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift__roster")
        .get(pk=assignment.pk)
    )
    if assignment.member_id != member.pk:
        raise DomainError(_("You can only ask to swap your own shifts."))
    if kind not in SwapKind.values:
        raise DomainError(_("Unknown kind of request."))
    _swappable(assignment, today=timezone.localdate())
    try:
        with transaction.atomic():
            swap = SwapRequest.objects.create(
                commune_id=assignment.commune_id,
                assignment=assignment,
                requester=member,
                kind=kind,
                note=note[:200],
            )
    except IntegrityError:
        raise DomainError(_("This shift already has an open request.")) from None
    audit_record(action=AuditAction.CREATE, commune=access.commune, obj=swap)
    return swap


def _check_swap_moves(swap: SwapRequest, accepter: TeamMember) -> None:
    """The hard rules for both people after the move; raises with the first problem."""
    taking = swap.assignment
    if accepter.pk == swap.requester_id:
        raise DomainError(_("You cannot accept your own request."))
    if swap.kind == SwapKind.STAND_IN:
        problem = member_conflict(accepter, taking.shift)
    else:
        offered = swap.offered_assignment
        if offered is None:
            raise DomainError(_("Pick one of your shifts to give in exchange."))
        if offered.member_id != accepter.pk:
            raise DomainError(_("You can only offer your own shifts."))
        _swappable(offered, today=timezone.localdate())
        if offered.shift_id == taking.shift_id:
            raise DomainError(_("You are both on this shift already."))
        problem = member_conflict(accepter, taking.shift, ignoring=[offered.pk]) or (
            member_conflict(swap.requester, offered.shift, ignoring=[taking.pk])
        )
    if problem:
        raise DomainError(problem)
    moves = [(taking.shift, swap.requester_id, accepter)]
    if swap.kind == SwapKind.SWAP and swap.offered_assignment is not None:
        moves.append((swap.offered_assignment.shift, accepter.pk, swap.requester))
    for shift, leaving_id, joining in moves:
        problem = _team_weakened(shift, leaving_id, joining)
        if problem:
            raise DomainError(problem)


def _team_weakened(shift: DutyShift, leaving_id: int, joining: TeamMember) -> str | None:
    """Why the shift's team would lose what the roster guarantees (an experienced member,
    a required skill) if one member leaves it and another joins, or None. A gap the
    shift already had is not the swap's doing and does not block it."""
    team = [a.member for a in shift.assignments.select_related("member")]
    before = shift_gaps(shift, team)
    after = shift_gaps(shift, [m for m in team if m.pk != leaving_id] + [joining])
    where = {"date": day_text(shift.date), "slot": shift.get_kind_display().lower()}
    if after["needs_experienced"] and not before["needs_experienced"]:
        return (
            _(
                "After this change the %(slot)s shift on %(date)s would have no experienced "
                "member. Ask an experienced colleague instead."
            )
            % where
        )
    lost = [skill for skill in after["needs_skills"] if skill not in before["needs_skills"]]
    if lost:
        return _(
            "After this change nobody on the %(slot)s shift on %(date)s could help with: "
            "%(skills)s. Ask a colleague who can."
        ) % {**where, "skills": ", ".join(str(dict(Skill.choices).get(s, s)) for s in lost)}
    return None


def _move(access: Access, swap: SwapRequest, target: str, *, fields: list[str]) -> None:
    """Save the new status (guarded by the caller) with `fields`, and its audit row."""
    before = swap.status
    swap.status = target
    swap.save(update_fields=["status", *fields])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=swap,
        changes={"status": [before, target]},
    )


@transaction.atomic
def swap_accept(
    *, access: Access, swap: SwapRequest, offered: ShiftAssignment | None = None
) -> SwapRequest:
    """A colleague takes the shift (stand-in) or offers one of theirs (swap)."""
    access.require(Perm.VIEW_ROSTER)
    accepter = _own_member(access)
    swap = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("assignment__shift__roster", "requester__user")
        .get(pk=swap.pk)
    )
    SWAP.guard(swap.status, SwapStatus.ACCEPTED)
    _swappable(swap.assignment, today=timezone.localdate())
    if swap.kind == SwapKind.SWAP:
        if offered is None:
            raise DomainError(_("Pick one of your shifts to give in exchange."))
        swap.offered_assignment = (
            ShiftAssignment.objects.select_related("shift__roster").filter(pk=offered.pk).first()
        )
    _check_swap_moves(swap, accepter)
    swap.accepted_by = accepter
    swap.accepted_at = timezone.now()
    _move(
        access,
        swap,
        SwapStatus.ACCEPTED,
        fields=["accepted_by", "offered_assignment", "accepted_at"],
    )
    _notify_swap(
        swap,
        _("%(name)s accepted your request; the team lead will decide."),
        to=[swap.requester],
        name=accepter.name,
    )
    return swap


@transaction.atomic
def swap_approve(*, access: Access, swap: SwapRequest) -> SwapRequest:
    """The team lead agrees: the assignments move now, after a last check of the rules."""
    access.require(Perm.MANAGE_ROSTER)
    swap = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__shift__roster",
            "offered_assignment__shift__roster",
            "accepted_by__user",
            "requester__user",
        )
        .get(pk=swap.pk)
    )
    SWAP.guard(swap.status, SwapStatus.APPROVED)
    if swap.accepted_by is None:
        raise DomainError(_("Only a request a colleague has accepted can be approved."))
    # Lock the shifts first, in id order (as assignment_add locks its shift): two
    # approvals on one shift queue here, so the second checks the team the first left.
    shift_ids = {swap.assignment.shift_id}
    if swap.offered_assignment is not None:
        shift_ids.add(swap.offered_assignment.shift_id)
    list(DutyShift.objects.select_for_update().filter(pk__in=shift_ids).order_by("pk"))
    # And both people: two approvals giving one person two shifts at the same time
    # queue here, so the second sees the first booking when it checks double booking.
    people = {swap.requester_id, swap.accepted_by_id}
    list(TeamMember.objects.select_for_update().filter(pk__in=people).order_by("pk"))
    # Lock both seats, then read them again: they may have changed since the request.
    locked = {
        a.pk: a
        for a in ShiftAssignment.objects.select_for_update().filter(
            pk__in=[swap.assignment_id, swap.offered_assignment_id or 0]
        )
    }
    for seat in (swap.assignment, swap.offered_assignment):
        if seat is not None:
            fresh = locked.get(seat.pk)
            if fresh is None:
                raise DomainError(_("This request is no longer open."))
            seat.member_id, seat.attendance = fresh.member_id, fresh.attendance
    _swappable(swap.assignment, today=timezone.localdate())
    _check_swap_moves(swap, swap.accepted_by)
    taking = swap.assignment
    taking.member = swap.accepted_by
    taking.source = (
        AssignmentSource.STAND_IN if swap.kind == SwapKind.STAND_IN else AssignmentSource.SWAP
    )
    if swap.kind == SwapKind.SWAP and swap.offered_assignment is not None:
        given = swap.offered_assignment
        given.member = swap.requester
        given.source = AssignmentSource.SWAP
        given.save(update_fields=["member", "source"])
    taking.save(update_fields=["member", "source"])
    swap.decided_by = access.user
    swap.decided_at = timezone.now()
    _move(access, swap, SwapStatus.APPROVED, fields=["decided_by", "decided_at"])
    _notify_swap(
        swap,
        _("The team lead approved the change of shifts (%(name)s)."),
        to=[swap.requester, swap.accepted_by],
        name=swap.accepted_by.name,
    )
    return swap


@transaction.atomic
def swap_reject(*, access: Access, swap: SwapRequest) -> SwapRequest:
    access.require(Perm.MANAGE_ROSTER)
    swap = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("requester__user")
        .get(pk=swap.pk)
    )
    SWAP.guard(swap.status, SwapStatus.REJECTED)
    swap.decided_by = access.user
    swap.decided_at = timezone.now()
    _move(access, swap, SwapStatus.REJECTED, fields=["decided_by", "decided_at"])
    _notify_swap(
        swap,
        _("The team lead refused the change of shifts; you keep your shift."),
        to=[swap.requester],
        name="",
    )
    return swap


@transaction.atomic
def swap_cancel(*, access: Access, swap: SwapRequest) -> SwapRequest:
    member = _own_member(access)
    swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
    if swap.requester_id != member.pk:
        raise DomainError(_("Only the person who asked can withdraw the request."))
    SWAP.guard(swap.status, SwapStatus.CANCELLED)
    swap.decided_at = timezone.now()
    _move(access, swap, SwapStatus.CANCELLED, fields=["decided_at"])
    return swap


def _notify_swap(swap: SwapRequest, template: str, *, to: list[TeamMember], name: str) -> None:
    shift = swap.assignment.shift
    subject = _("Shift %(slot)s %(date)s") % {
        "slot": shift.get_kind_display().lower(),
        "date": day_text(shift.date),
    }
    answer = template % {"name": name}
    for member in to:
        email = member.user.email
        if email:
            notification_queue(
                channel="email",
                recipient=email,
                subject=subject,
                body=answer,
                commune=swap.commune,
                dedupe_key=f"guidance:swap:{swap.pk}:{swap.status}:{member.pk}",
            )
        if member.user.phone:
            phone_queue(
                kind="swap_answer",
                phone=member.user.phone,
                params={
                    "name": member.user.get_short_name()[:30],
                    "day": day_text(shift.date),
                    "answer": answer[:150],
                },
                subject=subject,
                text=f"{subject}: {answer}",
                commune=swap.commune,
                dedupe_key=f"guidance:swap:{swap.pk}:{swap.status}:{member.pk}:phone",
            )
