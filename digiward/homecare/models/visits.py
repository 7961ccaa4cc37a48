"""Day plans, officers' routes, home visits, authorization confirmations, photos."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import CommuneOwned, Job
from digiward.homecare.models.requests import HomeSupportRequest
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Resident


class DayPlan(CommuneOwned):
    """The commune's home visits of one day: one route per officer, and what did not fit.

    `unassigned` keeps the last planning run's left-out requests with a reason code
    (`homecare.dayplan.LeftOutReason` or routing's `UnassignedReason`), worded in
    Vietnamese when shown.
    """

    day = models.DateField(_("day"))
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    solver = models.CharField(max_length=200, blank=True)
    solve_seconds = models.FloatField(null=True, blank=True)
    total_travel_seconds = models.PositiveIntegerField(null=True, blank=True)
    unassigned = models.JSONField(default=list, blank=True)
    travel_model = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("day plan")
        verbose_name_plural = _("day plans")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "day"],
                name="homecare_one_plan_per_day",
                violation_error_message=_("This day already has a plan."),
            )
        ]

    def __str__(self) -> str:
        return day_text(self.day)


class OfficerRoute(CommuneOwned):
    """One officer's visits on one day, in order. A locked route is left alone by planning."""

    plan = models.ForeignKey(DayPlan, on_delete=models.CASCADE, related_name="routes")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    locked = models.BooleanField(_("order locked"), default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departs_at = models.TimeField(_("leaves the center"), null=True, blank=True)
    returns_at = models.TimeField(_("back at the center"), null=True, blank=True)
    travel_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "officer__full_name"]
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "officer"],
                name="homecare_one_route_per_officer",
                violation_error_message=_("This officer already has a route that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.plan}"

    @property
    def travel_minutes(self) -> int:
        return round(self.travel_seconds / 60)


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Another visit needed")
    CANCELLED = "cancelled", _("Taken off the plan")


class VisitOutcome(models.TextChoices):
    COMPLETED_ON_SITE = "completed", _("Done on the spot")
    PAPERS_TAKEN = "papers_taken", _("Papers taken to the office to finish")
    ANOTHER_VISIT = "another_visit", _("Another visit is needed")
    NOBODY_HOME = "nobody_home", _("Nobody was home")


class HomeVisit(CommuneOwned):
    """An officer's visit to a home: planned times, then what happened (the visit record).

    At most one planned visit per request (a named constraint): two officers booking the
    same request at the same moment cannot both succeed.
    """

    request = models.ForeignKey(HomeSupportRequest, on_delete=models.PROTECT, related_name="visits")
    route = models.ForeignKey(OfficerRoute, on_delete=models.PROTECT, related_name="visits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    day = models.DateField(_("day"))
    sequence = models.PositiveSmallIntegerField(default=0)
    arrives_at = models.TimeField(_("arrives"), null=True, blank=True)
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    travel_seconds = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    # The request's status before it was scheduled, to go back to if the visit is dropped.
    status_before = models.CharField(max_length=20, blank=True)
    # The visit record, filled in at the home.
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=VisitOutcome.choices, blank=True
    )
    documents_checked = models.JSONField(_("documents checked"), default=list, blank=True)
    person_confirmed = models.BooleanField(_("the person confirmed"), default=False)
    confirmed_by_name = models.CharField(_("confirmed by"), max_length=150, blank=True)
    milestone = models.CharField(
        _("digital-journey step reached"), max_length=24, choices=MilestoneKind.choices, blank=True
    )
    # Competences (learning.Competence ids) the person did alone during the visit: evidence
    # of digital skills recorded through the learning app's service (issue 14).
    skills = models.JSONField(_("skills done alone"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day", "route", "sequence"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        indexes = [models.Index(fields=["commune", "day", "officer"], name="homecare_visit_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status="planned"),
                name="homecare_one_planned_visit",
                violation_error_message=_("This request already has a planned visit."),
            ),
            models.CheckConstraint(
                name="homecare_visit_left_after_arrival",
                condition=Q(left_at__isnull=True)
                | Q(arrived_at__isnull=True)
                | Q(left_at__gte=F("arrived_at")),
                violation_error_message=_("The officer cannot leave before arriving."),
            ),
        ]

    def __str__(self) -> str:
        return f"{day_text(self.day)} · {self.request.person_name}"

    @property
    def local_day(self) -> date:
        """The day the visit took place: the local date of arrival, else the planned day."""
        return timezone.localdate(self.arrived_at) if self.arrived_at else self.day

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED


class LegalForm(models.TextChoices):
    """The legal instrument the authorization is made with (Decree 23/2015/NĐ-CP)."""

    CONTRACT = "contract", _("Authorization contract (hợp đồng ủy quyền)")
    LETTER = "letter", _("Authorization letter, signature certified (giấy ủy quyền)")


class AuthorizationConfirmation(CommuneOwned):
    """A certified authorization made at someone's home (chứng thực ủy quyền tại nhà).

    Who authorises whom, for what, with which legal form, and its number in the commune's
    certification register: unique per commune and year. Citizen IDs are stored
    encrypted and shown masked, like the registry's.
    """

    visit = models.OneToOneField(HomeVisit, on_delete=models.PROTECT, related_name="authorization")
    principal_name = models.CharField(_("who authorises"), max_length=150)
    principal_resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    principal_id_encrypted = models.TextField(blank=True, editable=False)
    principal_id_masked = models.CharField(max_length=16, blank=True, editable=False)
    agent_name = models.CharField(_("who is authorised"), max_length=150)
    agent_id_encrypted = models.TextField(blank=True, editable=False)
    agent_id_masked = models.CharField(max_length=16, blank=True, editable=False)
    agent_relation = models.CharField(_("relation to the person"), max_length=100, blank=True)
    scope = models.TextField(_("authorised to do what"))
    legal_form = models.CharField(_("legal form"), max_length=10, choices=LegalForm.choices)
    fingerprinted = models.BooleanField(
        _("the person fingerprinted instead of signing (điểm chỉ)"), default=False
    )
    register_year = models.PositiveSmallIntegerField(_("register year"))
    certification_number = models.PositiveIntegerField(_("certification number"))
    certified_on = models.DateField(_("certified on"))
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-register_year", "-certification_number"]
        verbose_name = _("authorization confirmation")
        verbose_name_plural = _("authorization confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "register_year", "certification_number"],
                name="homecare_certification_number_once",
                violation_error_message=_(
                    "This number is already used in this year's certification register."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification_number}/{self.register_year}: {self.principal_name} → {self.agent_name}"

    @property
    def register_reference(self) -> str:
        return f"{self.certification_number}/{self.register_year}"


def photo_path(instance: VisitPhoto, filename: str) -> str:
    """Private storage, never guessable: commune/year/month/random name, original suffix."""
    suffix = PurePosixPath(filename).suffix.lower()[:6] or ".jpg"
    now = timezone.localtime()
    return f"homecare/photos/{instance.commune_id}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class VisitPhoto(CommuneOwned):
    """A photo of signed papers, in private storage; served only through an audited view."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=photo_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("what the photo shows"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"
