"""The help desk: the queue tickets people take and the help sessions the team logs."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import CommuneOwned
from digiward.procedures.models import Procedure
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Resident


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
            # The dashboard's waiting times: a year of tickets read from the index alone.
            models.Index(
                fields=["commune", "issued_on", "called_at", "issued_at"],
                name="guidance_queue_waits",
            ),
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
    # Competences (learning.Competence ids) the person did alone in front of the helper:
    # evidence of digital skills once the session has a resident (issue 14). Ids, not a
    # foreign key, because a walk-in's ticks wait here until the session is linked.
    skills = models.JSONField(_("skills done alone"), default=list, blank=True)
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
            # The dashboard's counts by outcome and procedure over a period read this
            # index alone, never the table (issue 15, bench_dashboard.py).
            models.Index(
                fields=["commune", "helped_on", "outcome", "procedure"],
                name="guidance_session_counts",
            ),
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


class HelpSessionDay(CommuneOwned):
    """The help sessions of one commune and day, counted by outcome, procedure and the
    helped person's age band and sex: what the dashboard reads for a long period, 365 rows
    a year instead of every session (issue 15, decision 72). Kept by
    `guidance.summaries` whenever a session is saved or deleted; `digiward
    rebuild_help_summaries` rebuilds it after rows were written around the ORM."""

    day = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    procedure_ref = models.IntegerField(null=True)  # the procedure's id; None: other topic
    # The walk-in's noted band and sex, or the resident's at the session's date; "" unknown.
    age_band = models.CharField(max_length=6, blank=True)
    sex = models.CharField(max_length=6, blank=True)
    sessions = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["commune", "day"], name="guidance_sessionday_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.outcome} × {self.sessions}"
