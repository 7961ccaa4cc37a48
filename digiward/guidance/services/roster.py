"""The month's roster: generate it (a background job), adjust it by hand, publish it.

`roster_generate` starts the job and `roster_solve` is the job's work: the solver runs
with no transaction held, then one short transaction replaces the draft's shifts.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.dates import day_text
from digiward.core.errors import DomainError
from digiward.core.jobs import JobFailure, JobRun, job_start
from digiward.core.models import AuditAction, Commune
from digiward.core.outbox import notification_queue
from digiward.core.permissions import Perm
from digiward.guidance import rostering
from digiward.guidance.models import (
    AssignmentSource,
    Attendance,
    DutyShift,
    Roster,
    RosterStatus,
    ShiftAssignment,
    TeamMember,
    month_start,
)
from digiward.guidance.services.rules import member_conflict, shift_gaps
from digiward.guidance.tasks import solve_roster_task
from digiward.planning.roster import RosterStatus as SolverStatus
from digiward.planning.roster import solve_roster
from digiward.planning.roster_wording import WEEKDAYS_VI


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
    shifts = list(roster.shifts.prefetch_related("assignments__member__user"))
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
    _tell_the_team(roster, shifts, commune=access.commune)
    return roster


def _tell_the_team(roster: Roster, shifts: list[DutyShift], *, commune: Commune) -> None:
    """One email per member with their shifts of the month just published."""
    seats: dict[int, tuple[TeamMember, list[DutyShift]]] = {}
    for shift in shifts:
        for a in shift.assignments.all():
            seats.setdefault(a.member_id, (a.member, []))[1].append(shift)
    for member_id, (member, mine) in seats.items():
        user = member.user
        if not user.email:
            continue
        with translation.override("vi"):
            lines = [
                f"- {WEEKDAYS_VI[s.date.weekday()]} {day_text(s.date)}, "
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
                commune=commune,
                dedupe_key=f"guidance:published:{roster.pk}:{member_id}",
            )
