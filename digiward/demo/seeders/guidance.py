"""The demo ward's guidance team: 10 members, opening hours, two months of generated
roster (the one before `today` with attendance, the month of `today`), and a few hundred
help sessions with their queue tickets.

Deterministic: the random generator is seeded with the commune code and the CP-SAT
solver runs in deterministic mode. Idempotent: members, slots and rosters that exist
are kept; sessions are only added when the commune has none.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from digiward.core.jobs import running_job
from digiward.core.models import Absence, Commune, Job, User
from digiward.core.permissions import Perm
from digiward.guidance import rostering, services
from digiward.guidance.models import (
    DEFAULT_TEMPLATES,
    Attendance,
    Channel,
    Experience,
    HelpSession,
    MemberAvailability,
    QueueStatus,
    QueueTicket,
    Roster,
    RosterStatus,
    ShiftAssignment,
    SlotTemplate,
    TeamMember,
)
from digiward.learning.models import Competence, EvidenceKind
from digiward.learning.seed import frameworks_load
from digiward.learning.services import Learner, evidence_record
from digiward.procedures.selectors import shortlist
from digiward.registry.journey import MilestoneSource, next_step
from digiward.registry.models import Milestone, Resident
from digiward.registry.services import milestone_record

# username → (experience, skills, max shifts a week). Youth Union members: students and
# young workers, a few with the skills the desk needs most.
TEAM = {
    "tinhnguyen": (Experience.EXPERIENCED, ["vneid", "public_services", "elderly_support"], 4),
    "tnv.khang": (Experience.EXPERIENCED, ["vneid", "payments"], 4),
    "tnv.ngan": (Experience.EXPERIENCED, ["public_services", "elderly_support"], 3),
    "tnv.phuc": (Experience.EXPERIENCED, ["vneid", "public_services"], 3),
    "tnv.yen": (Experience.TRAINED, ["vneid", "payments"], 3),
    "tnv.duy": (Experience.TRAINED, ["public_services"], 3),
    "tnv.trinh": (Experience.TRAINED, ["vneid", "elderly_support"], 3),
    "tnv.bao": (Experience.NEW, ["payments"], 2),
    "tnv.nhi": (Experience.NEW, ["vneid", "sign_language"], 2),
    "tnv.tai": (Experience.TRAINED, ["vneid", "khmer"], 3),
}
# Students' classes: (username, weekday, kind, availability).
AVAILABILITY = [
    ("tnv.bao", 0, "morning", "unavailable"),
    ("tnv.bao", 2, "morning", "unavailable"),
    ("tnv.bao", 4, "morning", "unavailable"),
    ("tnv.nhi", 1, "afternoon", "unavailable"),
    ("tnv.nhi", 3, "afternoon", "unavailable"),
    ("tnv.duy", 5, "afternoon", "prefer_not"),
    ("tnv.yen", 5, "morning", "prefer_not"),
    ("tnv.phuc", 0, "afternoon", "prefer_not"),
    ("tnv.trinh", 2, "afternoon", "unavailable"),
]
TOPICS = [
    "Cài đặt và kích hoạt VNeID",
    "Nộp hồ sơ trên Cổng dịch vụ công",
    "Thanh toán hóa đơn điện qua ứng dụng",
    "Đăng ký thường trú trực tuyến",
    "Chứng thực bản sao điện tử",
]


def _members(commune: Commune, rng: random.Random) -> list[TeamMember]:
    users = {u.username: u for u in User.objects.filter(username__in=list(TEAM))}
    members = []
    for username, (experience, skills, limit) in TEAM.items():
        user = users.get(username)
        if user is None:
            continue  # seed_users makes them; a partial demo just has a smaller team
        member, created = TeamMember.objects.get_or_create(
            commune=commune,
            user=user,
            defaults={
                "experience": experience,
                "skills": skills,
                "max_shifts_per_week": limit,
                "joined_on": date(2025, 3, 26),  # Youth Union day
            },
        )
        members.append(member)
        if created:
            for name, weekday, kind, value in AVAILABILITY:
                if name == username:
                    MemberAvailability.objects.create(
                        commune=commune, member=member, weekday=weekday, kind=kind, value=value
                    )
    return members


def _templates(commune: Commune) -> None:
    if SlotTemplate.objects.filter(commune=commune).exists():
        return
    for kind, start, end, days in DEFAULT_TEMPLATES:
        SlotTemplate.objects.create(
            commune=commune,
            kind=kind,
            start=start,
            end=end,
            weekdays=days,
            required=2,
            # Mornings are VNeID rush hours at the desk: someone who knows it must be there.
            required_skills=["vneid"] if kind == "morning" else [],
        )


def _roster(commune: Commune, month: date, lead: User | None) -> Roster:
    existing: Roster | None = Roster.objects.filter(commune=commune, month=month).first()
    if existing is not None:
        return existing
    roster = Roster.objects.create(commune=commune, month=month, created_by=lead)
    # The job row without a queued task: the seeder runs the work itself, in process.
    job = Job.objects.create(
        commune=commune,
        kind="guidance.roster_solve",
        title=f"Lịch trực {month:%m/%Y}",
        params={"roster_id": roster.pk, "time_limit": rostering.DEFAULT_TIME_LIMIT},
        created_by=lead,
        perm=Perm.MANAGE_ROSTER.value,
    )
    roster.job = job
    roster.save(update_fields=["job"])
    with running_job(str(job.pk)) as run:
        services.roster_solve(run)
    roster.refresh_from_db()
    Roster.objects.filter(pk=roster.pk).update(
        status=RosterStatus.PUBLISHED, published_at=timezone.now(), published_by=lead
    )
    roster.refresh_from_db()
    return roster


def _attendance(roster: Roster, today: date, rng: random.Random) -> None:
    for seat in ShiftAssignment.objects.filter(
        shift__roster=roster, shift__date__lt=today, attendance=Attendance.PLANNED
    ).order_by("pk"):
        roll = rng.random()
        seat.attendance = (
            Attendance.DONE
            if roll < 0.92
            else Attendance.EXCUSED
            if roll < 0.97
            else Attendance.MISSED
        )
        seat.save(update_fields=["attendance"])


def _sessions(
    commune: Commune, members: list[TeamMember], today: date, rng: random.Random, count: int
) -> int:
    if HelpSession.objects.filter(commune=commune).exists() or not members:
        return 0
    # People who come to the desk themselves: adults (a child's milestone would also
    # risk a date before their birth).
    residents = list(
        Resident.objects.for_commune(commune)
        .active()
        .filter(birth_year__lte=today.year - 18)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    procedures = shortlist(commune, limit=12)
    weights = [max(1, p.popularity) for p in procedures]
    reached: dict[int, set[str]] = {}
    start = today - timedelta(days=42)
    days = [start + timedelta(days=i) for i in range(42)]
    closed: set[date] = set()
    for month in {d.replace(day=1) for d in days}:
        closed.update(rostering.closed_days(commune, month))
    open_days = [d for d in days if d.weekday() != 6 and d not in closed]
    numbers: dict[date, int] = {}
    # The citizen essentials' competence for each journey step: a step the person took
    # alone is also a skill they showed. Loading the frameworks is idempotent.
    frameworks_load()
    skill_of = {
        c.milestone: c
        for c in Competence.objects.filter(
            framework__code="DW-ESSENTIALS", framework__commune__isnull=True
        ).exclude(milestone="")
    }
    created = 0
    for _ in range(count):
        day = rng.choice(open_days)
        helper = rng.choice(members)
        channel = rng.choices(
            [Channel.DESK, Channel.HOME_VISIT, Channel.PHONE], weights=[85, 8, 7]
        )[0]
        resident_id = rng.choice(residents) if residents and rng.random() < 0.7 else None
        procedure = rng.choices(procedures, weights=weights)[0] if procedures else None
        minutes = rng.choice([5, 10, 10, 15, 15, 20, 30, 45])
        outcome = rng.choices(["done", "partly", "referred", "come_back"], weights=[70, 15, 5, 10])[
            0
        ]
        hour = rng.choice([7, 8, 8, 9, 9, 10, 10, 13, 14, 14, 15, 16])
        at = timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))
        ticket = None
        if channel == Channel.DESK:
            numbers[day] = numbers.get(day, 0) + 1
            waited = timedelta(minutes=rng.choice([0, 2, 5, 8, 12, 20, 30]))
            ticket = QueueTicket.objects.create(
                commune=commune,
                number=numbers[day],
                issued_on=day,
                issued_at=at,
                status=QueueStatus.SERVED,
                called_at=at + waited,
                finished_at=at + waited + timedelta(minutes=minutes),
                desk=str(rng.choice([1, 2])),
                served_by=helper.user,
            )
        session = HelpSession.objects.create(
            commune=commune,
            helped_on=day,
            channel=channel,
            helper=helper.user,
            resident_id=resident_id,
            age_band="" if resident_id else rng.choice(["18-39", "40-59", "60-74", "60-74", "75+"]),
            sex="" if resident_id else rng.choice(["male", "female"]),
            procedure=procedure,
            topic="" if procedure else rng.choice(TOPICS),
            outcome=outcome,
            minutes=minutes,
            dossier_code=f"G22.{rng.randrange(10, 99)}-{day:%y%m%d}-{rng.randrange(10000):04d}"
            if procedure and outcome == "done" and rng.random() < 0.5
            else "",
            alone_next_time=rng.choice(["yes", "with_help", "unsure", ""]),
            ticket=ticket,
        )
        created += 1
        if resident_id and outcome == "done" and rng.random() < 0.4:
            if resident_id not in reached:
                reached[resident_id] = set(
                    Milestone.objects.filter(resident_id=resident_id).values_list("kind", flat=True)
                )
            step = next_step(reached[resident_id])
            if step is not None:
                resident = Resident.objects.get(pk=resident_id)
                milestone_record(
                    acting_user=helper.user,
                    resident=resident,
                    kind=step,
                    achieved_on=day,
                    source=MilestoneSource.HELP_SESSION,
                    source_ref=f"help_session:{session.pk}",
                )
                reached[resident_id].add(step.value)
                session.milestones = [step.value]
                session.milestones_recorded = True
                skill = skill_of.get(step.value)
                if skill is not None and session.alone_next_time == "yes":
                    evidence_record(
                        actor=helper.user,
                        commune=commune,
                        learner=Learner(resident=resident),
                        competence=skill,
                        kind=EvidenceKind.HOME_VISIT
                        if channel == Channel.HOME_VISIT
                        else EvidenceKind.DESK,
                        source_ref=f"help_session:{session.pk}",
                        achieved_on=day,
                    )
                    session.skills = [skill.pk]
                session.save(update_fields=["milestones", "milestones_recorded", "skills"])
    return created


@transaction.atomic
def seed_guidance(*, commune: Commune, today: date, sessions: int = 320) -> str:
    """Build the demo team, its roster and its desk log; returns a one-line summary."""
    rng = random.Random(f"guidance-{commune.code}")
    _templates(commune)
    members = _members(commune, rng)
    member_ids = {m.user.username: m for m in members}
    yen = member_ids.get("tnv.yen")
    if yen and not Absence.objects.for_commune(commune).filter(user=yen.user).exists():
        # Exams: one member away for a week of the current month.
        Absence.objects.create(
            commune=commune,
            user=yen.user,
            starts_on=today.replace(day=1) + timedelta(days=9),
            ends_on=today.replace(day=1) + timedelta(days=15),
            reason="Thi học kỳ",
        )
    lead = User.objects.filter(username="canbo").first()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    rosters = []
    for month in (last_month, this_month):
        if members:
            roster = _roster(commune, month, lead)
            _attendance(roster, today, rng)
            rosters.append(roster)
    logged = _sessions(commune, members, today, rng, sessions)
    shifts = sum(r.shifts.count() for r in rosters)
    return (
        f"{len(members)} team members, {len(rosters)} months of roster ({shifts} shifts), "
        f"{logged} help sessions logged"
    )
