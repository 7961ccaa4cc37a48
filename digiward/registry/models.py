"""The registry: areas, households, residents and their digital journey."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import CommuneOwned, CommuneQuerySet
from digiward.core.text import fold
from digiward.registry.journey import RUNG, MilestoneKind, MilestoneSource, SmartphoneOwnership

ELDERLY_AGE = 60  # Law on the Elderly 2009, Art. 2: citizens aged 60 and over


class AreaKind(models.TextChoices):
    AREA = "area", _("Area (khu vực)")
    HAMLET = "hamlet", _("Hamlet (ấp)")
    GROUP = "group", _("Residential group (tổ dân phố)")


class Area(CommuneOwned):
    """A part of the commune (khu vực, ấp, tổ dân phố) that addresses and lists use."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AreaKind.choices, default=AreaKind.AREA
    )
    name_folded = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "name_folded"],
                name="area_unique_name",
                violation_error_message=_("This commune already has an area with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class PovertyStatus(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    AVERAGE_LIVING = "average_living", _("Average-living-standard household")
    NOT_POOR = "not_poor", _("Not poor")


class Household(CommuneOwned):
    """A household (hộ) as the ward's lists know it, identified by its household code."""

    code = models.CharField(_("household code"), max_length=32)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("area"),
    )
    house_number = models.CharField(_("house number"), max_length=30, blank=True)
    street = models.CharField(_("street"), max_length=120, blank=True)
    address_detail = models.CharField(_("address details"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    poverty_status = models.CharField(
        _("poverty status"),
        max_length=16,
        choices=PovertyStatus.choices,
        default=PovertyStatus.NOT_POOR,
    )
    poverty_year = models.PositiveSmallIntegerField(_("year certified"), null=True, blank=True)
    particularly_disadvantaged = models.BooleanField(_("particularly disadvantaged"), default=False)
    head = models.ForeignKey(
        "Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of household"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "code"],
                name="household_unique_code",
                violation_error_message=_("Another household in this commune has this code."),
            ),
            models.CheckConstraint(
                name="household_poverty_year_plausible",
                condition=Q(poverty_year__isnull=True)
                | Q(poverty_year__gte=2000, poverty_year__lte=2100),
                violation_error_message=_("The certification year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                name="household_gps_in_range",
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                violation_error_message=_("Both coordinates are needed, within range."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.address}"

    @property
    def address(self) -> str:
        parts = [f"{self.house_number} {self.street}".strip(), self.address_detail]
        if self.area_id:
            parts.append(str(self.area))
        return ", ".join(p for p in parts if p)

    @property
    def is_poor_or_near_poor(self) -> bool:
        return self.poverty_status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Wife / husband")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Daughter- / son-in-law")
    PARENT = "parent", _("Father / mother")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Brother / sister")
    OTHER = "other", _("Other")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("Lives here")
    MOVED_AWAY = "moved_away", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class LegalBasis(models.TextChoices):
    """Why DigiWard may hold a person's details (Decree 13/2023/NĐ-CP Art. 11 and 17;
    Personal Data Protection Law 91/2025/QH15 from 1/1/2026; docs/notes/privacy.md)."""

    CONSENT = "consent", _("The person's consent")
    OFFICIAL_LIST = "official_list", _("The ward's official list (a public task)")
    OWN_REQUEST = "own_request", _("A request the person made")


class ConsentPurpose(models.TextChoices):
    """What a person may agree to, each separately (consent is specific, Decree 13 Art. 11)."""

    JOURNEY = "journey", _("Record their digital journey and help them at the desk")
    CONTACT = "contact", _("Phone or text them (appointments, reminders, follow-ups)")
    HOME_SUPPORT = "home_support", _("Help at home: visits and visit records")
    DONATIONS = "donations", _("Device donation programmes")


class ResidentQuerySet(CommuneQuerySet):
    def active(self) -> ResidentQuerySet:
        """People who live here now: the lists and statistics count only them."""
        return self.filter(status=ResidentStatus.ACTIVE)


class Resident(CommuneOwned):
    """A person in the ward's registry, with their digital journey.

    The citizen ID is never stored in clear: an encrypted copy, a keyed hash for
    search and a masked form for display. `journey_rung` and `journey_last_on` are
    derived from Milestone rows by registry.services.milestone_record and are
    never edited by hand.
    """

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("household")
    )
    relation_to_head = models.CharField(
        _("relation to the head"), max_length=16, choices=Relation.choices, default=Relation.OTHER
    )
    full_name = models.CharField(_("full name"), max_length=150)
    name_folded = models.CharField(max_length=150, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    citizen_id_encrypted = models.TextField(blank=True, editable=False)
    citizen_id_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    citizen_id_masked = models.CharField(_("citizen ID"), max_length=16, blank=True, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=10, blank=True)
    phone_carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    disability = models.BooleanField(_("disability"), default=False)
    limited_mobility = models.BooleanField(_("cannot travel easily"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ResidentStatus.choices, default=ResidentStatus.ACTIVE
    )
    status_changed_on = models.DateField(null=True, blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_scope = models.CharField(_("consent covers"), max_length=200, blank=True)
    consent_purposes = models.JSONField(_("consent given for"), default=list, blank=True)
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)
    # What DigiWard relies on to hold this record, since when and recorded by whom. An
    # import records the ward's official list, never consent (registry.imports.apply).
    legal_basis = models.CharField(
        _("legal basis"), max_length=16, choices=LegalBasis.choices, blank=True
    )
    legal_basis_on = models.DateField(_("legal basis recorded on"), null=True, blank=True)
    legal_basis_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal basis recorded by"),
    )
    # Set once by registry.privacy's anonymisation: the personal fields are erased, the
    # record stays for statistics and can never be edited again.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    journey_rung = models.PositiveSmallIntegerField(default=0, editable=False)
    journey_last_on = models.DateField(null=True, blank=True, editable=False)
    # Someone the digital journey is not meant for (bedridden, severe dementia, a person
    # who chose not to): they stay in the counts but not on the "no progress" list.
    journey_not_applicable = models.BooleanField(
        _("the digital journey does not apply"),
        default=False,
        help_text=_(
            "For example bedridden, severe dementia, or the person does not want it. "
            "They are left out of the list of people without progress."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["name_folded", "pk"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "citizen_id_hash"],
                condition=Q(citizen_id_hash__isnull=False),
                name="resident_unique_citizen_id",
                violation_error_message=_("Another resident of this commune has this citizen ID."),
            ),
            models.CheckConstraint(
                name="resident_birth_year_plausible",
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1880, birth_year__lte=2100),
                violation_error_message=_("The year of birth is not plausible."),
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "status", "name_folded"], name="resident_name_search"),
            # Lists in name order (the API's residents, page by page): read from the index
            # and stopped after a page, instead of sorting the whole commune each time.
            models.Index(fields=["commune", "name_folded", "id"], name="resident_name_order"),
            # The journey ladder of the adults (the dashboard, the roll-up), counted from
            # the index alone: 89 ms to 14 ms over 100,000 residents on SQLite.
            models.Index(
                fields=[
                    "commune",
                    "status",
                    "journey_rung",
                    "journey_not_applicable",
                    "birth_year",
                    "sex",
                ],
                name="resident_ladder",
            ),
            models.Index(fields=["commune", "phone"], name="resident_phone"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.full_name)
        if self.birth_date is not None:
            self.birth_year = self.birth_date.year
        super().save(*args, **kwargs)

    def age(self, on: date | None = None) -> int | None:
        today = on or timezone.localdate()
        if self.birth_date is not None:
            before_birthday = (today.month, today.day) < (
                self.birth_date.month,
                self.birth_date.day,
            )
            return today.year - self.birth_date.year - int(before_birthday)
        if self.birth_year is not None:
            return today.year - self.birth_year
        return None

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE

    @property
    def is_active(self) -> bool:
        return self.status == ResidentStatus.ACTIVE

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class HouseholdMove(models.Model):
    """History: a resident moved from one household to another (kept forever)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="moves")
    from_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("moved on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_on", "-pk"]
        verbose_name = _("household move")
        verbose_name_plural = _("household moves")

    def __str__(self) -> str:
        return f"{self.resident} → {self.to_household.code} ({day_text(self.moved_on)})"


class Milestone(CommuneOwned):
    """A step of a resident's digital journey, reached on a date, recorded by someone.

    Written only by registry.services.milestone_record. One row per resident and
    milestone: recording it again (another help session) keeps the first.
    """

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=24, choices=MilestoneKind.choices)
    achieved_on = models.DateField(_("reached on"))
    source = models.CharField(_("source"), max_length=16, choices=MilestoneSource.choices)
    source_ref = models.CharField(max_length=80, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["achieved_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # The dashboard's "change this period": the commune's milestones of a period
            # read from the index alone, each joined to its resident by primary key.
            models.Index(
                fields=["commune", "achieved_on", "kind", "resident"], name="milestone_period"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "kind"],
                name="milestone_once_per_resident",
                violation_error_message=_("This milestone is already recorded for this person."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident}: {self.get_kind_display()} ({day_text(self.achieved_on)})"

    @property
    def rung(self) -> int:
        return RUNG[self.kind]

    @property
    def detail_label(self) -> str:
        """The detail in words (a smartphone's ownership is stored as a code)."""
        if self.kind == MilestoneKind.HAS_SMARTPHONE and self.detail in SmartphoneOwnership.values:
            return str(SmartphoneOwnership(self.detail).label)
        return self.detail


class PovertyStandard(models.Model):
    """A national multidimensional poverty standard and the years it applies to.

    Dated configuration, not constants: Decree 07/2021/NĐ-CP applies to 2022–2026
    (Decree 351/2025/NĐ-CP keeps it for all of 2026) and Decree 351/2025/NĐ-CP from
    2027. A new decree is one more row (Django admin), not a code change.
    Incomes are VND per person per month; a household is poor when its income is at
    or below the line and it lacks at least `min_deprivations` basic services,
    near-poor when below the line with fewer deprivations.
    """

    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    rural_income_line = models.PositiveIntegerField(_("income line, rural (VND)"))
    urban_income_line = models.PositiveIntegerField(_("income line, urban (VND)"))
    rural_average_living_line = models.PositiveIntegerField(null=True, blank=True)
    urban_average_living_line = models.PositiveIntegerField(null=True, blank=True)
    min_deprivations = models.PositiveSmallIntegerField(default=3)
    source = models.URLField(max_length=400, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")

    def __str__(self) -> str:
        return f"{self.name} ({self.legal_basis})"

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


DEFAULT_JOURNEY_MIN_AGE = 15


class RegistrySettings(models.Model):
    """The commune's own registry rules, one row per commune, made on first save.

    Read through `registry.selectors.registry_settings_for`, which answers the defaults
    while the commune has not saved any, so no row is needed to use the registry.
    """

    commune = models.OneToOneField(
        "core.Commune",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="registry_settings",
        verbose_name=_("commune"),
    )
    # Issue 12: children born 2022–2026 topped the "no progress" list. Children under 14
    # have long been registered under a parent's VNeID account (Decision 34/2021, Art. 6;
    # /work/shared/docs/research/vietnam-facts.md §1), so nobody expects their own phone
    # or account; 15 is the default the issue asks for, and each commune may change it.
    journey_min_age = models.PositiveSmallIntegerField(
        _("age from which the digital journey counts"),
        default=DEFAULT_JOURNEY_MIN_AGE,
        help_text=_("Younger residents are left out of the list of people without progress."),
    )
    # The handover minutes are a signed legal record: the recipient is identified by
    # the full number, as on any Vietnamese receipt of assets.
    full_citizen_id_on_minutes = models.BooleanField(
        _("print the full citizen ID on handover minutes"),
        default=True,
        help_text=_(
            "The minutes are signed by the recipient; each printing with the full number "
            "is recorded in the audit log. Off: the number is printed masked."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("registry settings")
        verbose_name_plural = _("registry settings")
        constraints = [
            models.CheckConstraint(
                name="registry_settings_min_age_plausible",
                condition=Q(journey_min_age__lte=100),
                violation_error_message=_("The age must be between 0 and 100."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Registry settings of %(commune)s") % {"commune": self.commune_id})
