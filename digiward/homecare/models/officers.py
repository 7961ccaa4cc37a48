"""Who can go: officers' authorities and hours; per-procedure and per-commune settings.

An officer's leave is a `core.Absence` of their user, shared with the help-desk roster."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import CommuneOwned
from digiward.procedures.models import Procedure


class Authority(models.TextChoices):
    """What an officer is authorised to do at someone's home (a routing skill)."""

    CERTIFY = "certify", _("May certify signatures and contracts")
    CIVIL_STATUS = "civil_status", _("Civil-status registrar")
    SOCIAL_PROTECTION = "social_protection", _("Social-protection officer")


def authority_labels(codes: Iterable[str]) -> list[str]:
    """The authorities' names in the user's language (codes no longer known are left out)."""
    return [str(Authority(code).label) for code in codes if code in Authority.values]


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4]  # Monday to Friday


class OfficerProfile(CommuneOwned):
    """A civil servant who visits homes: what they may certify, their hours, their volunteer.

    One per officer and commune, created when the officer list is first opened. Every
    route starts and ends at the commune's service center (HomecareSettings).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    takes_home_visits = models.BooleanField(_("takes home visits"), default=True)
    authorities = models.JSONField(_("authorities"), default=list, blank=True)
    work_starts = models.TimeField(_("working day starts"), default=time(7, 30))
    work_ends = models.TimeField(_("working day ends"), default=time(16, 30))
    working_days = models.JSONField(_("working days"), default=default_working_days)
    max_visits = models.PositiveSmallIntegerField(
        _("at most this many visits a day"), null=True, blank=True
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paired volunteer"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("home-visit officer")
        verbose_name_plural = _("home-visit officers")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"],
                name="homecare_officer_once",
                violation_error_message=_("This officer already has a profile here."),
            ),
            models.CheckConstraint(
                name="homecare_officer_hours",
                condition=Q(work_ends__gt=F("work_starts")),
                violation_error_message=_("The working day must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def may(self, authority: str) -> bool:
        return authority in self.authorities

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.working_days

    @property
    def authority_labels(self) -> list[str]:
        return authority_labels(self.authorities)


class ProcedureProfile(CommuneOwned):
    """How home support works for one procedure in this commune.

    Empty fields fall back to the defaults in `homecare.checklists` (by the procedure's
    field: certification needs someone authorised to certify, and so on) and to the
    commune's HomecareSettings.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="+", verbose_name=_("procedure")
    )
    sla_working_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), null=True, blank=True
    )
    visit_minutes = models.PositiveSmallIntegerField(
        _("time at the home (minutes)"), null=True, blank=True
    )
    required_authority = models.CharField(
        _("needs an officer who"), max_length=20, choices=Authority.choices, blank=True
    )
    officer_brings = models.JSONField(_("what the officer brings"), default=list, blank=True)
    person_prepares = models.JSONField(_("what the person has ready"), default=list, blank=True)
    call_script = models.TextField(_("call script for the day before"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure__name"]
        verbose_name = _("procedure settings for home support")
        verbose_name_plural = _("procedure settings for home support")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure"],
                name="homecare_procedure_profile_once",
                violation_error_message=_("This procedure already has settings here."),
            )
        ]

    def __str__(self) -> str:
        return str(self.procedure)


class HomecareSettings(CommuneOwned):
    """The commune's home-support settings: the service center and the travel model.

    Travel times are straight-line distance × `road_factor` at `speed_kmh` (no map service
    is reachable from the ward's server); see `homecare.planner.travel_for`.
    """

    center_name = models.CharField(
        _("start point"), max_length=200, default="Trung tâm Phục vụ hành chính công"
    )
    center_latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    center_longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    road_factor = models.DecimalField(
        _("road factor"), max_digits=3, decimal_places=2, default=Decimal("1.30")
    )
    speed_kmh = models.DecimalField(
        _("average speed (km/h)"), max_digits=4, decimal_places=1, default=Decimal("20.0")
    )
    default_sla_working_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), default=5
    )
    urgent_sla_working_days = models.PositiveSmallIntegerField(
        _("deadline for urgent requests (working days)"), default=2
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("warn this many working days before the deadline"), default=2
    )
    default_visit_minutes = models.PositiveSmallIntegerField(
        _("time at the home (minutes)"), default=30
    )
    address_margin_km = models.DecimalField(
        _("margin around the commune (km)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.0"),
    )
    # Public offices break from 11:30 to 13:30 (morning 7:00/7:30–11:30, afternoon
    # 13:30–17:00): no visit is planned across it. Empty: visits at lunchtime too.
    lunch_starts = models.TimeField(
        _("lunch break from"), null=True, blank=True, default=time(11, 30)
    )
    lunch_ends = models.TimeField(
        _("lunch break until"), null=True, blank=True, default=time(13, 30)
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("home-support settings")
        verbose_name_plural = _("home-support settings")
        constraints = [
            models.UniqueConstraint(fields=["commune"], name="homecare_settings_once"),
            models.CheckConstraint(
                name="homecare_settings_travel",
                condition=Q(road_factor__gte=1) & Q(speed_kmh__gt=0),
                violation_error_message=_(
                    "The road factor must be at least 1 and the speed above 0."
                ),
            ),
            models.CheckConstraint(
                name="homecare_settings_lunch",
                # NULL < x is unknown, which a CHECK lets through: say "both set" too.
                condition=(Q(lunch_starts__isnull=True) & Q(lunch_ends__isnull=True))
                | (
                    Q(lunch_starts__isnull=False)
                    & Q(lunch_ends__isnull=False)
                    & Q(lunch_starts__lt=F("lunch_ends"))
                ),
                violation_error_message=_(
                    "Give both ends of the lunch break, the end after the start, or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune}"

    @property
    def lunch_break(self) -> tuple[time, time] | None:
        if self.lunch_starts is None or self.lunch_ends is None:
            return None
        return self.lunch_starts, self.lunch_ends

    @property
    def has_center(self) -> bool:
        return self.center_latitude is not None and self.center_longitude is not None
