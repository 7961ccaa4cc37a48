"""The digital guidance team: members, opening hours, rosters, swaps, help sessions, the queue.

The roster itself is computed by the pure solver in `digiward.planning.roster`; these
models are what it reads (members, availability, absences, slot templates) and what
its answer becomes (duty shifts with their assigned members).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import CommuneOwned, Job
from digiward.procedures.models import Procedure
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Resident

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class Skill(models.TextChoices):
    """What a member can help with. Codes match `planning.roster_wording.SKILLS_VI`."""

    VNEID = "vneid", _("VNeID")
    PUBLIC_SERVICES = "public_services", _("Public-service portal")
    PAYMENTS = "payments", _("Cashless payments")
    ELDERLY_SUPPORT = "elderly_support", _("Helping elderly people")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    KHMER = "khmer", _("Khmer language")


class Experience(models.TextChoices):
    NEW = "new", _("New")
    TRAINED = "trained", _("Trained")
    EXPERIENCED = "experienced", _("Experienced")


class SlotKind(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EVENING = "evening", _("Evening")


class AvailabilityChoice(models.TextChoices):
    """Same values as `planning.roster.Availability`."""

    AVAILABLE = "available", _("Available")
    PREFER_NOT = "prefer_not", _("Rather not")
    UNAVAILABLE = "unavailable", _("Unavailable")


class TeamMember(CommuneOwned):
    """A union member of the guidance team, linked to the user who signs in.

    Members are deactivated, never deleted: past shifts and hours served point at them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    experience = models.CharField(
        _("experience"), max_length=12, choices=Experience.choices, default=Experience.NEW
    )
    max_shifts_per_week = models.PositiveSmallIntegerField(_("at most shifts per week"), default=3)
    is_active = models.BooleanField(_("on the team"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"],
                name="guidance_member_once",
                violation_error_message=_("This person is already on the team."),
            ),
            models.CheckConstraint(
                name="guidance_member_max_shifts_sane",
                condition=Q(max_shifts_per_week__lte=14),
                violation_error_message=_("At most 14 shifts a week."),
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def experienced(self) -> bool:
        return self.experience == Experience.EXPERIENCED

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills if s in Skill.values]


class MemberAvailability(CommuneOwned):
    """What a member said about one weekday and slot kind. No row means available."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAY_CHOICES)
    kind = models.CharField(_("slot"), max_length=12, choices=SlotKind.choices)
    value = models.CharField(_("availability"), max_length=12, choices=AvailabilityChoice.choices)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "weekday", "kind"], name="guidance_availability_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.weekday} {self.kind}: {self.value}"


class SlotTemplate(CommuneOwned):
    """Opening hours of the help desk: a slot kind on some weekdays, how many people,
    which skills must be present. Dated shifts are generated from these, minus holidays."""

    kind = models.CharField(_("slot"), max_length=12, choices=SlotKind.choices)
    weekdays = models.JSONField(_("weekdays"), default=list)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    required = models.PositiveSmallIntegerField(_("people needed"), default=2)
    required_skills = models.JSONField(_("skills needed"), default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["start", "kind"]
        verbose_name = _("opening-hours slot")
        verbose_name_plural = _("opening-hours slots")
        constraints = [
            models.CheckConstraint(
                name="guidance_template_ordered",
                condition=Q(end__gt=models.F("start")),
                violation_error_message=_("The slot must end after it starts."),
            ),
            models.CheckConstraint(
                name="guidance_template_required_range",
                condition=Q(required__gte=1, required__lte=20),
                violation_error_message=_("Between 1 and 20 people."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.required_skills if s in Skill.values]


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Roster(CommuneOwned):
    """One month's roster. A draft is (re)generated by the solver and adjusted by the
    team lead; once published, members see it, get reminders and can ask for swaps.

    The solver's verdict is kept: status, objective, bound, time, and — when the hard
    rules could not all hold — the machine-readable conflicts (worded at display time
    in the reader's language) and the seats left empty.
    """

    month = models.DateField(_("month"))  # the first day of the month
    status = models.CharField(
        _("status"), max_length=10, choices=RosterStatus.choices, default=RosterStatus.DRAFT
    )
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    solver_status = models.CharField(_("solver result"), max_length=12, blank=True)
    objective = models.FloatField(null=True, blank=True)
    best_bound = models.FloatField(null=True, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    soft_violations = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month"],
                name="guidance_roster_one_per_month",
                violation_error_message=_("This month already has a roster."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.status == RosterStatus.PUBLISHED


class DutyShift(CommuneOwned):
    """One dated slot of a roster: `required` people from `start` to `end`."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("date"))
    kind = models.CharField(_("slot"), max_length=12, choices=SlotKind.choices)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    required = models.PositiveSmallIntegerField(_("people needed"))
    required_skills = models.JSONField(_("skills needed"), default=list, blank=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.UniqueConstraint(fields=["roster", "date", "kind"], name="guidance_shift_once"),
        ]
        indexes = [models.Index(fields=["commune", "date"], name="guidance_shift_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {day_text(self.date)}"

    @property
    def slot_id(self) -> str:
        """The id of this shift in the solver's problem."""
        return f"{self.date.isoformat()}:{self.kind}"

    @property
    def hours(self) -> Decimal:
        minutes = (
            datetime.combine(self.date, self.end) - datetime.combine(self.date, self.start)
        ).seconds // 60
        return (Decimal(minutes) / 60).quantize(Decimal("0.01"))

    def overlaps(self, other: DutyShift) -> bool:
        """Same rule as the solver: same day and same kind, or clock times that intersect."""
        if self.pk == other.pk or self.date != other.date:
            return False
        return self.kind == other.kind or (self.start < other.end and other.start < self.end)

    @property
    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.required_skills if s in Skill.values]


class Attendance(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    EXCUSED = "excused", _("Excused")


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Roster generator")
    MANUAL = "manual", _("Team lead")
    SWAP = "swap", _("Swap")
    STAND_IN = "stand_in", _("Stand-in")


class ShiftAssignment(CommuneOwned):
    """A member on a duty shift, and whether they came."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="assignments")
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.PLANNED
    )
    source = models.CharField(
        max_length=10, choices=AssignmentSource.choices, default=AssignmentSource.SOLVER
    )
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["shift__date", "shift__start", "member_id"]
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        constraints = [
            models.UniqueConstraint(fields=["shift", "member"], name="guidance_assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.shift}"


class SwapKind(models.TextChoices):
    STAND_IN = "stand_in", _("Someone takes my shift")
    SWAP = "swap", _("Swap shifts with someone")


class SwapStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a colleague")
    ACCEPTED = "accepted", _("Waiting for the team lead")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")
    CANCELLED = "cancelled", _("Withdrawn")


class SwapRequest(CommuneOwned):
    """A member asks to be replaced on a shift (stand-in) or to trade shifts (swap).

    Another member accepts (for a swap, offering one of their own shifts), then the
    team lead approves, and only then do the assignments move. Every step re-checks
    availability, absences, double booking and weekly limits.
    """

    assignment = models.ForeignKey(
        ShiftAssignment, on_delete=models.CASCADE, related_name="swap_requests"
    )
    requester = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=SwapKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    accepted_by = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offered_assignment = models.ForeignKey(
        ShiftAssignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status__in=["open", "accepted"]),
                name="guidance_swap_one_open",
                violation_error_message=_("This shift already has an open request."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} · {self.assignment.shift} ({self.status})"


class Channel(models.TextChoices):
    DESK = "desk", _("At the desk")
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("By phone")


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    PARTLY = "partly", _("Partly done")
    REFERRED = "referred", _("Referred")
    COME_BACK = "come_back", _("Come back")


class AgeBand(models.TextChoices):
    """Same bands as the registry's journey filters."""

    UNDER_18 = "0-17", _("Under 18")
    ADULT = "18-39", "18–39"
    MIDDLE = "40-59", "40–59"
    SENIOR = "60-74", "60–74"
    ELDERLY = "75+", "75+"


class VisitorSex(models.TextChoices):
    MALE = "male", _("Man")
    FEMALE = "female", _("Woman")


class AloneNextTime(models.TextChoices):
    YES = "yes", _("Yes")
    WITH_HELP = "with_help", _("Not yet")
    UNSURE = "unsure", _("Not sure")


class QueueStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Being helped")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class QueueService(models.TextChoices):
    """What the person came for: chosen when the number is taken, shown on the ticket and
    at the desk, so the right helper takes it (as a service center's ticket names its field)."""

    VNEID = "vneid", _("A VNeID account")
    ONLINE_SERVICE = "online_service", _("An online public service")
    PHONE = "phone", _("Using the phone and its apps")
    PAYMENT = "payment", _("Paying without cash")
    OTHER = "other", _("Something else")


class QueuePriority(models.TextChoices):
    """Who is called before the others, as at the commune's service centers: the elderly,
    people with disabilities and pregnant women (issue 12). The Law on the Elderly 2009
    and the Law on Persons with Disabilities 2010 give both groups priority in public
    services; check the articles on vbpl.vn before quoting them on a sign."""

    NONE = "", _("No priority")
    ELDERLY = "elderly", _("Elderly person (60 or over)")
    DISABILITY = "disability", _("Person with a disability")
    PREGNANT = "pregnant", _("Pregnant woman")


def queue_call_order() -> tuple[Case, str]:
    """The order numbers are called in, for `order_by`: priority first, then by number.
    `QueueTicket.call_key` is the same order for tickets already read."""
    return (Case(When(priority="", then=Value(1)), default=Value(0)), "number")


class QueueTicket(CommuneOwned):
    """A number taken at the desk. Waiting and serving times, per hour of the day,
    are the data that later size the roster. Numbers with a priority are called first
    (`selectors.call_order`), each group in the order they were taken."""

    number = models.PositiveSmallIntegerField(_("number"))
    issued_on = models.DateField(_("day"))
    issued_at = models.DateTimeField(_("taken at"))
    service = models.CharField(
        _("service"), max_length=16, choices=QueueService.choices, default=QueueService.OTHER
    )
    priority = models.CharField(
        _("priority"), max_length=12, choices=QueuePriority.choices, default="", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=QueueStatus.choices, default=QueueStatus.WAITING
    )
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    desk = models.CharField(_("desk"), max_length=20, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["issued_on", "number"]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "issued_on", "number"], name="guidance_ticket_number_once"
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "issued_on", "status"], name="guidance_queue_day"),
        ]

    def __str__(self) -> str:
        return f"{self.number:03d} ({day_text(self.issued_on)})"

    @property
    def label(self) -> str:
        return f"{self.number:03d}"

    @property
    def call_key(self) -> tuple[int, int]:
        """Where the ticket stands in the call order (see `queue_call_order`)."""
        return (0 if self.priority else 1, self.number)

    @property
    def waited_minutes(self) -> int | None:
        if self.called_at is None:
            return None
        return int((self.called_at - self.issued_at).total_seconds() // 60)

    @property
    def served_minutes(self) -> int | None:
        if self.called_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.called_at).total_seconds() // 60)


class HelpSession(CommuneOwned):
    """One person helped, at the desk, at home or by phone.

    The person is a registry resident, or a walk-in who stays anonymous (age band and
    sex only) or leaves a name and phone to be linked to the registry later. Milestones
    reached are recorded on the resident's journey through the registry's service; for
    a walk-in they wait in `milestones` until the session is linked.
    """

    helped_on = models.DateField(_("date"))
    channel = models.CharField(
        _("where"), max_length=12, choices=Channel.choices, default=Channel.DESK
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("helper"),
    )
    resident = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    visitor_name = models.CharField(_("name"), max_length=150, blank=True)
    visitor_phone = models.CharField(_("phone"), max_length=10, blank=True)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=VisitorSex.choices, blank=True)
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("procedure"),
    )
    topic = models.CharField(_("other topic"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    dossier_code = models.CharField(_("dossier code"), max_length=40, blank=True)
    milestones = models.JSONField(_("milestones reached"), default=list, blank=True)
    milestones_recorded = models.BooleanField(default=False)
    alone_next_time = models.CharField(
        _("could do it alone next time?"), max_length=10, choices=AloneNextTime.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    ticket = models.ForeignKey(
        QueueTicket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-helped_on", "-created_at"]
        verbose_name = _("help session")
        verbose_name_plural = _("help sessions")
        constraints = [
            models.CheckConstraint(
                name="guidance_session_minutes_sane",
                condition=Q(minutes__gte=0, minutes__lte=600),
                violation_error_message=_("Minutes must be between 0 and 600."),
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "-helped_on"], name="guidance_session_day"),
            models.Index(fields=["helper", "-helped_on"], name="guidance_session_helper"),
        ]

    def __str__(self) -> str:
        return f"{day_text(self.helped_on)} {self.person_label}"

    @property
    def person_label(self) -> str:
        if self.resident is not None:
            return self.resident.full_name
        return self.visitor_name or str(_("Anonymous"))

    @property
    def milestone_labels(self) -> list[str]:
        return [str(MilestoneKind(m).label) for m in self.milestones if m in MilestoneKind.values]

    @property
    def what(self) -> str:
        if self.procedure is not None:
            return self.procedure.display_name
        return self.topic or "—"


def month_start(day: date) -> date:
    return day.replace(day=1)


DEFAULT_TEMPLATES: list[tuple[str, time, time, list[int]]] = [
    # The opening hours the issue gives for a ward's Public Administration Service
    # Center: 7:00–11:30 and 13:30–17:00, Monday to Saturday. A proposal the lead edits.
    ("morning", time(7, 0), time(11, 30), [0, 1, 2, 3, 4, 5]),
    ("afternoon", time(13, 30), time(17, 0), [0, 1, 2, 3, 4, 5]),
]
