"""The procedure catalog (thủ tục hành chính) and its plain-Vietnamese, versioned guides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.core.text import fold


class ProcedureField(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("Civil status")
    RESIDENCE = "residence", _("Residence")
    CERTIFICATION = "certification", _("Certification")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance")
    IDENTIFICATION = "identification", _("Electronic identification (VNeID)")
    ONLINE_SERVICES = "online_services", _("Online public services")
    PAYMENTS = "payments", _("Payments")
    DIGITAL_SAFETY = "digital_safety", _("Staying safe online")
    LAND = "land", _("Land")
    OTHER = "other", _("Other")


class OnlineLevel(models.TextChoices):
    ONLINE_FULL = "online_full", _("Fully online")
    ONLINE_PARTIAL = "online_partial", _("Partly online")
    IN_PERSON = "in_person", _("In person only")
    NOT_APPLICABLE = "not_applicable", _("Not an administrative procedure")


class Place(models.TextChoices):
    COMMUNE_CENTER = "commune_center", _("Commune service center")
    PORTAL = "portal", _("National public service portal")
    VNEID = "vneid", _("VNeID app")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    HOME = "home", _("At home (home support)")


def _visible_in(commune: Commune | None, through: str = "") -> Q:
    """The one rule of the catalog: the national procedures (no commune) and, for a
    commune, its own; `through` reaches the procedure from a guide or a picture."""
    national = Q(**{f"{through}commune__isnull": True})
    return national if commune is None else national | Q(**{f"{through}commune": commune})


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def visible_in(self, commune: Commune | None) -> ProcedureQuerySet:
        """National procedures, plus the commune's own ones."""
        return self.filter(_visible_in(commune))

    def published(self) -> ProcedureQuerySet:
        return self.filter(is_published=True)


class Procedure(models.Model):
    """An administrative procedure or a digital task people come to the desk for.

    `commune` is empty for the shared national catalog; a commune may add its own.
    Every fact (fee, deadline, legal basis) carries its source in `facts`.
    """

    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the shared national catalog."),
    )
    slug = models.SlugField(max_length=80)
    code = models.CharField(_("code on the national portal"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=24, choices=ProcedureField.choices)
    online_level = models.CharField(
        _("online service level"), max_length=16, choices=OnlineLevel.choices
    )
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    agency_en = models.CharField(max_length=200, blank=True)
    places = models.JSONField(_("where to do it"), default=list, blank=True)
    home_support_possible = models.BooleanField(_("home support possible"), default=False)
    fee_text = models.TextField(_("fee"), blank=True)
    fee_text_en = models.TextField(blank=True)
    fee_vnd = models.PositiveIntegerField(_("fee (VND)"), null=True, blank=True)
    time_limit_text = models.TextField(_("time limit"), blank=True)
    time_limit_text_en = models.TextField(blank=True)
    time_limit_working_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), null=True, blank=True
    )
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)
    documents_en = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(_("keywords and synonyms"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(blank=True)
    facts = models.JSONField(_("facts and their sources"), default=list, blank=True)
    # Fields ("fee_text", "time_limit_text") whose text is a note for staff because no
    # source gives the fact: citizens read a plain "not known yet, ask" sentence instead
    # of "Không thấy nguồn nói có thu phí" (issue 12).
    unsourced = models.JSONField(_("facts without a source"), default=list, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    popularity = models.PositiveIntegerField(
        _("popularity"), default=0, help_text=_("Higher comes first in the desk's short list.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["-popularity", "name"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(commune__isnull=True),
                name="procedure_unique_national_slug",
                violation_error_message=_(
                    "Another procedure of the national catalog has this short name."
                ),
            ),
            models.UniqueConstraint(
                fields=["commune", "slug"],
                condition=Q(commune__isnull=False),
                name="procedure_unique_commune_slug",
                violation_error_message=_("Another procedure of this commune has this short name."),
            ),
        ]
        indexes = [models.Index(fields=["is_published", "-popularity"], name="procedure_shortlist")]

    def __str__(self) -> str:
        return self.name

    def is_visible_in(self, commune: Commune | None) -> bool:
        """The same rule as `Procedure.objects.visible_in`, for a procedure at hand."""
        return self.commune_id is None or (commune is not None and self.commune_id == commune.pk)

    def localized(self, name: str) -> Any:
        """The English variant of a field when the page is in English and it exists."""
        if (get_language() or "vi").startswith("en"):
            value = getattr(self, f"{name}_en", None)
            if value:
                return value
        return getattr(self, name)

    @property
    def display_name(self) -> str:
        return str(self.localized("name"))

    @property
    def display_summary(self) -> str:
        return str(self.localized("summary"))

    @property
    def display_agency(self) -> str:
        return str(self.localized("agency"))

    @property
    def display_fee(self) -> str:
        return str(self.localized("fee_text"))

    @property
    def display_time_limit(self) -> str:
        return str(self.localized("time_limit_text"))

    @property
    def ask_where(self) -> str:
        """Who a citizen asks about a fact we do not know: the police for police matters."""
        if Place.COMMUNE_POLICE in self.places and Place.COMMUNE_CENTER not in self.places:
            return str(_("ask the commune police"))
        return str(_("ask the one-stop counter"))

    @property
    def fee_unsourced(self) -> bool:
        return "fee_text" in self.unsourced

    @property
    def time_limit_unsourced(self) -> bool:
        return "time_limit_text" in self.unsourced

    @property
    def citizen_fee(self) -> str:
        """The fee as a citizen reads it: a plain sentence when no source gives it."""
        if self.fee_unsourced:
            return str(_("Fee not known yet — %(ask)s.") % {"ask": self.ask_where})
        return self.display_fee

    @property
    def citizen_time_limit(self) -> str:
        if self.time_limit_unsourced:
            return str(_("How long it takes is not known yet — %(ask)s.") % {"ask": self.ask_where})
        return self.display_time_limit

    @property
    def display_documents(self) -> list[str]:
        return list(self.localized("documents"))

    @property
    def place_labels(self) -> list[str]:
        return [str(Place(p).label) for p in self.places if p in Place.values]

    @property
    def search_text(self) -> str:
        parts = [self.name, self.name_en, self.summary, self.code, *self.keywords]
        return fold(" ".join(p for p in parts if p))


class CommuneProcedureNote(models.Model):
    """What is special about a procedure in one commune: counter, local fee, opening hours."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="commune_notes")
    note = models.TextField(_("note for this commune"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commune note")
        verbose_name_plural = _("commune notes")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure"], name="procedure_note_once_per_commune"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure} · {self.commune}"


class GuideQuerySet(models.QuerySet["Guide"]):
    def visible_in(self, commune: Commune | None) -> GuideQuerySet:
        """Guides of the procedures `commune` sees (`ProcedureQuerySet.visible_in`)."""
        return self.filter(_visible_in(commune, "procedure__"))


class GuideImageQuerySet(models.QuerySet["GuideImage"]):
    def visible_in(self, commune: Commune | None) -> GuideImageQuerySet:
        return self.filter(_visible_in(commune, "guide__procedure__"))


class Guide(models.Model):
    """A step-by-step guide to a procedure. Its content lives in versions: editing a
    guide adds a version and keeps the old ones."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="guides")
    slug = models.SlugField(max_length=80, unique=True)
    current = models.ForeignKey(
        "GuideVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.current.title if self.current else self.slug


class GuideVersion(models.Model):
    """One version of a guide: ordered steps, common mistakes, what to bring."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    audience = models.CharField(_("for whom"), max_length=300, blank=True)
    steps = models.JSONField(_("steps"), default=list)  # [{"text", "text_en", "image"}]
    common_mistakes = models.JSONField(_("common mistakes"), default=list, blank=True)
    common_mistakes_en = models.JSONField(default=list, blank=True)
    what_to_bring = models.JSONField(_("what to bring"), default=list, blank=True)
    what_to_bring_en = models.JSONField(default=list, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["guide", "-number"]
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="guide_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def localized(self, name: str) -> Any:
        if (get_language() or "vi").startswith("en"):
            value = getattr(self, f"{name}_en", None)
            if value:
                return value
        return getattr(self, name)

    @property
    def display_title(self) -> str:
        return str(self.localized("title"))

    @property
    def display_mistakes(self) -> list[str]:
        return list(self.localized("common_mistakes"))

    @property
    def display_bring(self) -> list[str]:
        return list(self.localized("what_to_bring"))

    @property
    def localized_steps(self) -> list[dict[str, str]]:
        english = (get_language() or "vi").startswith("en")
        return [
            {
                "text": (
                    step.get("text_en") if english and step.get("text_en") else step.get("text", "")
                ),
                "image": step.get("image", ""),
                "image_alt": step.get("image_alt", ""),
                "image_width": step.get("image_width", ""),
                "image_height": step.get("image_height", ""),
            }
            for step in self.steps
        ]


class GuideImage(models.Model):
    """A picture for a guide step (a screenshot of the phone). Public, like the guide."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="guides/")
    alt = models.CharField(_("what the picture shows"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = GuideImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide picture")
        verbose_name_plural = _("guide pictures")

    def __str__(self) -> str:
        return self.alt

    @property
    def in_current_version(self) -> bool:
        current = self.guide.current
        return current is not None and any(
            str(step.get("image")) == str(self.pk) for step in current.steps
        )
