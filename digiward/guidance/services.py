"""Actions of the guidance team: members, opening hours, rosters, swaps, attendance, reminders.

Every action checks the permission, locks what it changes, re-checks the rules, writes
one audit row and queues notifications after commit. A refused action raises a
DomainError with a message for the person who tried; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, diff, snapshot
from digiward.core.errors import DomainError
from digiward.core.jobs import JobFailure, JobRun, job_start
from digiward.core.models import AuditAction, Commune
from digiward.core.outbox import notification_queue
from digiward.core.permissions import Perm
from digiward.guidance import rostering
from digiward.guidance.models import (
    Absence,
    AssignmentSource,
    Attendance,
    AvailabilityChoice,
    DutyShift,
    MemberAvailability,
    Roster,
    RosterStatus,
    ShiftAssignment,
    Skill,
    SlotTemplate,
    SwapKind,
    SwapRequest,
    SwapStatus,
    TeamMember,
    month_start,
)
from digiward.planning.roster import RosterStatus as SolverStatus
from digiward.planning.roster import solve_roster

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def member_of(access: Access) -> TeamMember | None:
    """The signed-in user's own place on the commune's team, if any."""
    return (
        TeamMember.objects.for_access(access)
        .filter(user=access.user, is_active=True)
        .select_related("user")
        .first()
    )


# ---- Team ------------------------------------------------------------------------------

MEMBER_AUDIT_FIELDS = ("skills", "experience", "max_shifts_per_week", "is_active", "joined_on")


@transaction.atomic
def member_save(*, access: Access, member: TeamMember) -> TeamMember:
    """Add a member or change one (from a validated form)."""
    access.require(Perm.MANAGE_ROSTER)
    if member.commune_id != access.commune.pk:
        raise DomainError(_("This member belongs to another commune."))
    creating = member.pk is None
    if creating and not access.commune.memberships.filter(user_id=member.user_id).exists():
        raise DomainError(_("Only people who have a role in this commune can join the team."))
    before = {} if creating else snapshot(TeamMember.objects.get(pk=member.pk), MEMBER_AUDIT_FIELDS)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise DomainError(_("This person is already on the team."), field="user") from None
    changes = diff(before, snapshot(member, MEMBER_AUDIT_FIELDS))
    if creating or changes:
        audit_record(
            action=AuditAction.CREATE if creating else AuditAction.CHANGE,
            commune=access.commune,
            obj=member,
            changes=changes,
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


@transaction.atomic
def absence_add(
    *, access: Access, member: TeamMember, start: date, end: date, reason: str = ""
) -> Absence:
    if not (access.has(Perm.MANAGE_ROSTER) or member.user_id == access.user.pk):
        raise DomainError(_("You can only record your own absences."))
    if end < start:
        raise DomainError(_("The last day cannot be before the first."), field="end")
    if (end - start).days > 366:
        raise DomainError(_("An absence can last at most a year."), field="end")
    absence = Absence.objects.create(
        commune_id=member.commune_id, member=member, start=start, end=end, reason=reason
    )
    audit_record(action=AuditAction.CREATE, commune=access.commune, obj=absence)
    return absence


@transaction.atomic
def absence_remove(*, access: Access, absence: Absence) -> None:
    if not (access.has(Perm.MANAGE_ROSTER) or absence.member.user_id == access.user.pk):
        raise DomainError(_("You can only remove your own absences."))
    audit_record(action=AuditAction.DELETE, commune=access.commune, obj=absence)
    absence.delete()


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
                        "days": ", ".join(WEEKDAY_NAMES[d] for d in sorted(shared)),
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


# ---- Rules one person must keep on one shift -------------------------------------------


def member_conflict(
    member: TeamMember, shift: DutyShift, *, ignoring: Iterable[int] = ()
) -> str | None:
    """Why `member` cannot take `shift` (a hard rule), or None.

    `ignoring`: assignment ids that will be given up in the same move (a swap frees
    the shift a member gives away, for the double-booking and weekly checks).
    """
    name = member.name
    skip = set(ignoring)
    if not member.is_active:
        return _("%(name)s is no longer on the team.") % {"name": name}
    absence = member.absences.filter(start__lte=shift.date, end__gte=shift.date).first()
    if absence is not None:
        return _("%(name)s is absent on %(date)s.") % {"name": name, "date": _day(shift.date)}
    said = (
        MemberAvailability.objects.filter(
            member=member, weekday=shift.date.weekday(), kind=shift.kind
        )
        .values_list("value", flat=True)
        .first()
    )
    if said == AvailabilityChoice.UNAVAILABLE:
        return _("%(name)s is not available for the %(slot)s shift on %(weekday)s.") % {
            "name": name,
            "slot": shift.get_kind_display().lower(),
            "weekday": WEEKDAY_NAMES[shift.date.weekday()]
            if translation.get_language() != "en"
            else date_format(shift.date, "l"),
        }
    same_day = (
        ShiftAssignment.objects.filter(member=member, shift__date=shift.date)
        .exclude(pk__in=skip)
        .select_related("shift")
    )
    for taken in same_day:
        if taken.shift_id == shift.pk:
            return _("%(name)s is already on this shift.") % {"name": name}
        if taken.shift.overlaps(shift):
            return _("%(name)s already has a shift at that time on %(date)s (%(slot)s).") % {
                "name": name,
                "date": _day(shift.date),
                "slot": taken.shift.get_kind_display().lower(),
            }
    monday = shift.date - timedelta(days=shift.date.weekday())
    in_week = (
        ShiftAssignment.objects.filter(
            member=member, shift__date__gte=monday, shift__date__lte=monday + timedelta(days=6)
        )
        .exclude(pk__in=skip)
        .count()
    )
    if in_week >= member.max_shifts_per_week:
        return _(
            "%(name)s already has %(count)s shifts in the week from %(monday)s "
            "(at most %(limit)s a week)."
        ) % {
            "name": name,
            "count": in_week,
            "monday": _day(monday),
            "limit": member.max_shifts_per_week,
        }
    return None


# ---- Roster: generate, adjust, publish -------------------------------------------------


def _month_label(month: date) -> str:
    return month.strftime("%m/%Y")


@transaction.atomic
def roster_generate(
    *, access: Access, month: date, time_limit: float = rostering.DEFAULT_TIME_LIMIT
) -> Roster:
    """Start the solver for a month (a background job); the draft replaces the old draft.

    Refused, with nothing written, when the month has no opening hours, when nobody on
    the team can work any of its slots, or when the month is already published.
    """
    from digiward.guidance.tasks import solve_roster_task

    access.require(Perm.MANAGE_ROSTER)
    commune = access.commune
    month = month_start(month)
    roster = Roster.objects.select_for_update().filter(commune=commune, month=month).first()
    if roster is not None and roster.is_published:
        raise DomainError(
            _("The roster of %(month)s is already published; change it shift by shift.")
            % {"month": _month_label(month)}
        )
    if roster is not None and roster.job is not None and not roster.job.is_finished:
        raise DomainError(_("This roster is already being generated; wait for it to finish."))
    problem, slots = rostering.build_problem(commune, month, time_limit=time_limit)
    if not slots:
        raise DomainError(
            _(
                "The help desk has no opening hours in %(month)s (no slots, or only holidays): "
                "add opening-hours slots first. Nothing was generated."
            )
            % {"month": _month_label(month)}
        )
    if not any(m.can_work(s) for m in problem.members for s in problem.slots):
        raise DomainError(
            _(
                "Nobody on the team is available in %(month)s: add members, or change their "
                "availability and absences. Nothing was generated."
            )
            % {"month": _month_label(month)}
        )
    creating = roster is None
    if roster is None:
        roster = Roster.objects.create(commune=commune, month=month, created_by=access.user)
    roster.job = job_start(
        acting_user=access.user,
        commune=commune,
        kind="guidance.roster_solve",
        title=_("Duty roster %(month)s") % {"month": _month_label(month)},
        task=solve_roster_task,
        perm=Perm.MANAGE_ROSTER,
        params={"roster_id": roster.pk, "time_limit": time_limit},
    )
    roster.save(update_fields=["job"])
    audit_record(
        action=AuditAction.CREATE if creating else AuditAction.CHANGE,
        commune=commune,
        obj=roster,
        note="generate",
    )
    return roster


def roster_solve(run: JobRun) -> None:
    """The job's work: solve, then replace the draft's shifts in one short transaction."""
    job = run.job
    roster = Roster.objects.select_related("commune").get(pk=job.params["roster_id"])
    problem, slots = rostering.build_problem(
        roster.commune, roster.month, time_limit=float(job.params.get("time_limit", 20.0))
    )
    seats = sum(s.required for s in slots)
    run.log(
        f"{len(problem.members)} thành viên, {len(slots)} ca, {seats} lượt trực "
        f"({len(problem.members)} members, {len(slots)} slots, {seats} seats)"
    )
    run.progress(0, total=2, message=_("Looking for the fairest roster…"), force=True)
    result = solve_roster(problem)
    run.log(
        f"status={result.status} objective={result.objective} bound={result.best_bound} "
        f"time={result.solve_seconds:.2f}s breakdown={result.objective_breakdown}"
    )
    if result.status is SolverStatus.UNKNOWN:
        raise JobFailure(
            _("No roster was found in the time allowed. Try again, or loosen the rules.")
        )
    chosen = result.assignments if result.is_valid else result.draft_assignments
    by_slot: dict[str, list[int]] = {}
    for slot_id, member_id in chosen:
        by_slot.setdefault(slot_id, []).append(member_id)
    run.progress(1, total=2, message=_("Saving the draft…"), force=True)
    with transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        if roster.is_published:
            raise JobFailure(_("The roster was published meanwhile; the draft was not saved."))
        DutyShift.objects.filter(roster=roster).delete()
        shifts = DutyShift.objects.bulk_create(
            DutyShift(
                commune_id=roster.commune_id,
                roster=roster,
                date=s.day,
                kind=s.kind,
                start=s.start,
                end=s.end,
                required=s.required,
                required_skills=list(s.required_skills),
            )
            for s in slots
        )
        ShiftAssignment.objects.bulk_create(
            ShiftAssignment(
                commune_id=roster.commune_id,
                shift=shift,
                member_id=member_id,
                source=AssignmentSource.SOLVER,
            )
            for shift in shifts
            for member_id in by_slot.get(shift.slot_id, [])
        )
        roster.solver_status = result.status.value
        roster.objective = result.objective
        roster.best_bound = result.best_bound
        roster.solve_seconds = round(result.solve_seconds, 3)
        roster.conflicts = [rostering.item_to_json(c) for c in result.conflicts]
        roster.soft_violations = [rostering.item_to_json(v) for v in result.soft_violations]
        roster.generated_at = timezone.now()
        roster.save()
        audit_record(
            action=AuditAction.CHANGE,
            commune=roster.commune,
            obj=roster,
            note="generated",
            changes={"solver_status": [None, result.status.value], "assignments": len(chosen)},
        )
    for conflict in result.conflicts:
        run.log(rostering.describe(conflict))
    run.result = {
        "roster_id": roster.pk,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "relative_gap": result.relative_gap,
        "solve_seconds": round(result.solve_seconds, 3),
        "assigned": len(chosen),
        "unfilled": sum(missing for _slot, missing in result.unfilled),
        "conflicts": len(result.conflicts),
    }


def _roster_editable(roster: Roster) -> None:
    if roster.job is not None and not roster.job.is_finished:
        raise DomainError(_("The roster is being generated; wait for it to finish."))


@transaction.atomic
def assignment_add(*, access: Access, shift: DutyShift, member: TeamMember) -> ShiftAssignment:
    """The team lead puts a member on a shift. Hard rules are checked, never bent."""
    access.require(Perm.MANAGE_ROSTER)
    shift = (
        DutyShift.objects.select_for_update(of=("self",))
        .select_related("roster__job")
        .get(pk=shift.pk)
    )
    _roster_editable(shift.roster)
    if member.commune_id != access.commune.pk:
        raise DomainError(_("This member belongs to another commune."))
    if shift.assignments.count() >= shift.required:
        raise DomainError(
            _("This shift already has the %(count)s people it needs.") % {"count": shift.required}
        )
    problem = member_conflict(member, shift)
    if problem:
        raise DomainError(problem)
    assignment = ShiftAssignment.objects.create(
        commune_id=shift.commune_id, shift=shift, member=member, source=AssignmentSource.MANUAL
    )
    audit_record(action=AuditAction.CREATE, commune=access.commune, obj=assignment)
    return assignment


@transaction.atomic
def assignment_remove(*, access: Access, assignment: ShiftAssignment) -> None:
    access.require(Perm.MANAGE_ROSTER)
    assignment = (
        ShiftAssignment.objects.select_for_update(of=("self",))
        .select_related("shift__roster__job")
        .get(pk=assignment.pk)
    )
    _roster_editable(assignment.shift.roster)
    if assignment.attendance != Attendance.PLANNED:
        raise DomainError(_("Attendance is already recorded for this shift; it stays."))
    audit_record(action=AuditAction.DELETE, commune=access.commune, obj=assignment)
    assignment.delete()


def shift_gaps(shift: DutyShift, members: list[TeamMember]) -> dict[str, Any]:
    """What a shift still lacks: empty seats, an experienced member, required skills."""
    present_skills = {s for m in members for s in m.skills}
    return {
        "missing": max(0, shift.required - len(members)),
        "needs_experienced": bool(members or shift.required)
        and not any(m.experienced for m in members),
        "needs_skills": [s for s in shift.required_skills if s not in present_skills],
    }


@transaction.atomic
def roster_publish(*, access: Access, roster: Roster, accept_gaps: bool = False) -> Roster:
    """Members see the roster, get reminders and may ask for swaps.

    Empty seats or a shift without an experienced member are shown in red on the
    roster; publishing them needs the lead to say so, so nobody publishes gaps unseen.
    """
    access.require(Perm.MANAGE_ROSTER)
    roster = Roster.objects.select_for_update(of=("self",)).select_related("job").get(pk=roster.pk)
    if roster.is_published:
        raise DomainError(_("This roster is already published."))
    _roster_editable(roster)
    shifts = list(roster.shifts.prefetch_related("assignments__member"))
    if not shifts:
        raise DomainError(_("This roster has no shifts yet: generate it first."))
    gaps = 0
    for shift in shifts:
        people = [a.member for a in shift.assignments.all()]
        found = shift_gaps(shift, people)
        gaps += found["missing"] + int(found["needs_experienced"]) + len(found["needs_skills"])
    if gaps and not accept_gaps:
        raise DomainError(
            _(
                "Some shifts still miss people, an experienced member or a skill (marked in "
                "red). Fill them, or tick “Publish with the gaps marked” to publish anyway."
            )
        )
    roster.status = RosterStatus.PUBLISHED
    roster.published_at = timezone.now()
    roster.published_by = access.user
    roster.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=roster,
        changes={"status": [RosterStatus.DRAFT, RosterStatus.PUBLISHED]},
    )
    counts: dict[int, list[DutyShift]] = {}
    members: dict[int, TeamMember] = {}
    for shift in shifts:
        for a in shift.assignments.all():
            counts.setdefault(a.member_id, []).append(shift)
            members[a.member_id] = a.member
    for member_id, mine in counts.items():
        user = TeamMember.objects.select_related("user").get(pk=member_id).user
        if not user.email:
            continue
        with translation.override("vi"):
            lines = [
                f"- {WEEKDAY_NAMES[s.date.weekday()]} {_day(s.date)}, "
                f"{s.get_kind_display().lower()} {s.start:%H:%M}–{s.end:%H:%M}"
                for s in mine
            ]
            notification_queue(
                channel="email",
                recipient=user.email,
                subject=_("Duty roster %(month)s is published")
                % {"month": _month_label(roster.month)},
                body=_("Hello %(name)s,\n\nYour shifts in %(month)s:\n%(lines)s\n")
                % {
                    "name": user.get_short_name(),
                    "month": _month_label(roster.month),
                    "lines": "\n".join(lines),
                },
                commune=access.commune,
                dedupe_key=f"guidance:published:{roster.pk}:{member_id}",
            )
    return roster


# ---- Attendance -------------------------------------------------------------------------


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


# ---- Swaps and stand-ins -------------------------------------------------------------------


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
    where = {"date": _day(shift.date), "slot": shift.get_kind_display().lower()}
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
    if swap.status != SwapStatus.OPEN:
        raise DomainError(_("This request is no longer open."))
    _swappable(swap.assignment, today=timezone.localdate())
    if swap.kind == SwapKind.SWAP:
        if offered is None:
            raise DomainError(_("Pick one of your shifts to give in exchange."))
        swap.offered_assignment = (
            ShiftAssignment.objects.select_related("shift__roster").filter(pk=offered.pk).first()
        )
    _check_swap_moves(swap, accepter)
    swap.status = SwapStatus.ACCEPTED
    swap.accepted_by = accepter
    swap.accepted_at = timezone.now()
    swap.save(update_fields=["status", "accepted_by", "offered_assignment", "accepted_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=swap,
        changes={"status": [SwapStatus.OPEN, SwapStatus.ACCEPTED]},
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
    if swap.status != SwapStatus.ACCEPTED or swap.accepted_by is None:
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
    swap.status = SwapStatus.APPROVED
    swap.decided_by = access.user
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=swap,
        changes={"status": [SwapStatus.ACCEPTED, SwapStatus.APPROVED]},
    )
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
    if swap.status not in (SwapStatus.OPEN, SwapStatus.ACCEPTED):
        raise DomainError(_("This request is already decided."))
    before = swap.status
    swap.status = SwapStatus.REJECTED
    swap.decided_by = access.user
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=swap,
        changes={"status": [before, SwapStatus.REJECTED]},
    )
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
    if swap.status not in (SwapStatus.OPEN, SwapStatus.ACCEPTED):
        raise DomainError(_("This request is already decided."))
    before = swap.status
    swap.status = SwapStatus.CANCELLED
    swap.decided_at = timezone.now()
    swap.save(update_fields=["status", "decided_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=swap,
        changes={"status": [before, SwapStatus.CANCELLED]},
    )
    return swap


def _notify_swap(swap: SwapRequest, template: str, *, to: list[TeamMember], name: str) -> None:
    shift = swap.assignment.shift
    for member in to:
        email = member.user.email
        if not email:
            continue
        notification_queue(
            channel="email",
            recipient=email,
            subject=_("Shift %(slot)s %(date)s")
            % {
                "slot": shift.get_kind_display().lower(),
                "date": _day(shift.date),
            },
            body=template % {"name": name},
            commune=swap.commune,
            dedupe_key=f"guidance:swap:{swap.pk}:{swap.status}:{member.pk}",
        )


# ---- Reminders the day before ---------------------------------------------------------------


def shift_reminders_queue(*, today: date, commune: Commune | None = None) -> int:
    """Queue a reminder for every planned seat of tomorrow's published shifts.

    Idempotent: each (shift, member) has one dedupe key, so running this twice — or
    from cron and the worker both — queues each reminder once. Returns how many were
    queued now. Members without an email address are skipped (a Zalo/SMS channel can
    be added in settings.DIGIWARD_NOTIFICATION_CHANNELS).
    """
    tomorrow = today + timedelta(days=1)
    seats = (
        ShiftAssignment.objects.filter(
            shift__date=tomorrow,
            shift__roster__status=RosterStatus.PUBLISHED,
            attendance=Attendance.PLANNED,
            member__is_active=True,
        )
        .exclude(member__user__email="")
        .select_related("shift", "member__user", "commune")
        .order_by("shift__start", "member_id")
    )
    if commune is not None:
        seats = seats.filter(commune=commune)
    queued = 0
    with translation.override("vi"):
        for seat in seats:
            shift, user = seat.shift, seat.member.user
            with transaction.atomic():
                message = notification_queue(
                    channel="email",
                    recipient=user.email,
                    subject=_("Reminder: duty shift tomorrow %(date)s")
                    % {"date": _day(shift.date)},
                    body=_(
                        "Hello %(name)s,\n\nTomorrow (%(weekday)s %(date)s) you are on duty at "
                        "the help desk of %(commune)s, %(slot)s shift %(start)s–%(end)s.\n"
                        "If you cannot come, ask for a stand-in in DigiWard as soon as possible."
                    )
                    % {
                        "name": user.get_short_name(),
                        "weekday": WEEKDAY_NAMES[shift.date.weekday()],
                        "date": _day(shift.date),
                        "commune": seat.commune.name,
                        "slot": shift.get_kind_display().lower(),
                        "start": shift.start.strftime("%H:%M"),
                        "end": shift.end.strftime("%H:%M"),
                    },
                    commune=seat.commune,
                    dedupe_key=f"guidance:reminder:{shift.pk}:{seat.member_id}",
                )
            if message is not None:
                queued += 1
    return queued
