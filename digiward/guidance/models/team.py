"""The digital guidance team: members, opening hours, rosters and swaps.

The roster itself is computed by the pure solver in `digiward.planning.roster`; these
models are what it reads (members, availability, absences, slot templates) and what
its answer becomes (duty shifts with their assigned members).
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import CommuneOwned, Job

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


DEFAULT_TEMPLATES: list[tuple[str, time, time, list[int]]] = [
    # The opening hours the issue gives for a ward's Public Administration Service
    # Center: 7:00–11:30 and 13:30–17:00, Monday to Saturday. A proposal the lead edits.
    ("morning", time(7, 0), time(11, 30), [0, 1, 2, 3, 4, 5]),
    ("afternoon", time(13, 30), time(17, 0), [0, 1, 2, 3, 4, 5]),
]
