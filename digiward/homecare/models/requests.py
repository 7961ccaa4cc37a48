"""Home-support requests (hỗ trợ thủ tục hành chính tại nhà) and when someone is home."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.procedures.models import Procedure
from digiward.registry.models import Area, Resident

# No 0/O, 1/I/L: a code read over the phone must not be misheard.
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Visit scheduled")
    VISITED = "visited", _("Visited")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    NEEDS_SECOND_VISIT = "needs_second_visit", _("Needs a second visit")


class RequestSource(models.TextChoices):
    PUBLIC_FORM = "public_form", _("Public form")
    PHONE_CALL = "phone_call", _("Phone call")
    OFFICER = "officer", _("Entered by an officer")


class TravelReason(models.TextChoices):
    ELDERLY = "elderly", _("Old age")
    ILL = "ill", _("Illness")
    DISABILITY = "disability", _("Disability")
    OTHER = "other", _("Other reason")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("The person themselves")
    RELATIVE = "relative", _("A relative")
    GROUP_HEAD = "group_head", _("Head of the residential group")
    NEIGHBOUR = "neighbour", _("A neighbour")
    OTHER = "other", _("Someone else")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SOON = "soon", _("Soon")
    URGENT = "urgent", _("Urgent")


class EligibilityOutcome(models.TextChoices):
    UNKNOWN = "unknown", _("Not checked yet")
    ELIGIBLE = "eligible", _("Eligible according to the registry")
    STATED = "stated", _("Stated by the caller, not in the registry")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible according to the registry")


class LocationSource(models.TextChoices):
    """Where the home's GPS point came from, most trusted first (shown beside the map links)."""

    HOUSEHOLD = "household", _("The household in the registry")
    PHONE = "phone", _("An officer's phone at the house")
    TYPED = "typed", _("Typed by an officer")


class HomeSupportRequest(CommuneOwned):
    """A request for an officer to come to someone's home for an administrative procedure.

    Citizens follow it with the tracking code and the last four digits of the phone.
    The workflow (`homecare.workflow`) moves `status`; the deadline `due_on` counts
    working days from `received_on` (`homecare.sla`).
    """

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    source = models.CharField(_("source"), max_length=12, choices=RequestSource.choices)
    person_name = models.CharField(_("who needs help"), max_length=150)
    person_phone = models.CharField(_("their phone"), max_length=10, blank=True)
    person_birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requester_name = models.CharField(_("who asks"), max_length=150, blank=True)
    requester_phone = models.CharField(_("phone of who asks"), max_length=10, blank=True)
    requester_email = models.EmailField(_("email of who asks"), blank=True)
    requester_relation = models.CharField(
        _("relation"),
        max_length=12,
        choices=RequesterRelation.choices,
        default=RequesterRelation.SELF,
    )
    address = models.CharField(_("address"), max_length=300)
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(
        _("GPS point from"), max_length=10, choices=LocationSource.choices, blank=True
    )
    # The phone's own estimate of its error, in metres (a point taken at the house).
    location_accuracy_m = models.PositiveIntegerField(
        _("GPS accuracy (metres)"), null=True, blank=True
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    extra_procedures = models.ManyToManyField(
        Procedure, blank=True, related_name="+", verbose_name=_("other procedures")
    )
    procedure_other = models.CharField(_("other procedure"), max_length=200, blank=True)
    reason = models.CharField(
        _("why they cannot travel"), max_length=12, choices=TravelReason.choices
    )
    reason_detail = models.CharField(_("details"), max_length=300, blank=True)
    preferred_times = models.CharField(_("when someone is home"), max_length=300, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("visit length (minutes)"), null=True, blank=True
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # The deadline: `sla_working_days` working days after `received_on`.
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    sla_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    # Eligibility: computed from the registry, optionally overridden by an officer.
    eligibility = models.CharField(
        _("eligibility"),
        max_length=12,
        choices=EligibilityOutcome.choices,
        default=EligibilityOutcome.UNKNOWN,
    )
    eligibility_bases = models.JSONField(default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    eligibility_override = models.BooleanField(_("officer's decision"), null=True, blank=True)
    eligibility_override_reason = models.CharField(
        _("reason for the decision"), max_length=300, blank=True
    )
    eligibility_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eligibility_override_at = models.DateTimeField(null=True, blank=True)
    # Workflow bookkeeping.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    # When the personal fields were erased (the person anonymised, or the retention period
    # of closed requests over): the request stays counted, nobody can be reached any more.
    personal_data_erased_at = models.DateTimeField(
        _("personal details erased at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("home-support request")
        verbose_name_plural = _("home-support requests")
        indexes = [
            models.Index(fields=["commune", "status", "-created_at"], name="homecare_inbox"),
            models.Index(fields=["commune", "status", "due_on"], name="homecare_deadlines"),
        ]
        constraints = [
            models.CheckConstraint(
                name="homecare_request_reachable",
                condition=~models.Q(person_phone="", requester_phone="")
                | Q(personal_data_erased_at__isnull=False),
                violation_error_message=_("Give at least one phone number to reach someone."),
            ),
            models.CheckConstraint(
                name="homecare_override_has_reason",
                condition=Q(eligibility_override__isnull=True) | ~Q(eligibility_override_reason=""),
                violation_error_message=_("Say why you decide differently from the registry."),
            ),
            models.CheckConstraint(
                name="homecare_request_gps_in_range",
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                violation_error_message=_("Both coordinates are needed, within range."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.person_name}"

    @property
    def contact_phone(self) -> str:
        return self.requester_phone or self.person_phone

    @property
    def is_eligible(self) -> bool:
        """The officer's decision wins over the registry check."""
        if self.eligibility_override is not None:
            return self.eligibility_override
        return self.eligibility == EligibilityOutcome.ELIGIBLE

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def procedure_list(self) -> list[Procedure]:
        """The main procedure, then the others (prefetch `extra_procedures` for lists)."""
        main = [self.procedure] if self.procedure is not None else []
        extra = [p for p in self.extra_procedures.all() if p.pk != self.procedure_id]
        return main + sorted(extra, key=lambda p: p.name)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today


OPEN_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.ACCEPTED,
    RequestStatus.SCHEDULED,
    RequestStatus.VISITED,
    RequestStatus.NEEDS_SECOND_VISIT,
)
# Where the home is and what the visit is for: the audit of an edit and a person's data
# export both list these fields, in this order.
VISIT_NEED_FIELDS = (
    "address",
    "area",
    "latitude",
    "longitude",
    "procedure",
    "procedure_other",
    "reason",
    "reason_detail",
    "preferred_times",
    "urgency",
)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class TimeWindow(models.Model):
    """A time when someone is home to let the officer in.

    Applies on one date (`on_date`), or on one weekday, or every day when both are
    empty. A request without any window can be visited at any time of the working day.
    Part of its request (never read on its own), so it carries no commune of its own.
    """

    request = models.ForeignKey(
        HomeSupportRequest, on_delete=models.CASCADE, related_name="windows"
    )
    on_date = models.DateField(_("on this date only"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, null=True, blank=True
    )
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["on_date", "weekday", "starts_at"]
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")
        constraints = [
            models.CheckConstraint(
                name="homecare_window_ends_after_start",
                condition=Q(ends_at__gt=F("starts_at")),
                violation_error_message=_("A time window must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def applies_on(self, day: date) -> bool:
        if self.on_date is not None:
            return self.on_date == day
        return self.weekday is None or self.weekday == day.weekday()
