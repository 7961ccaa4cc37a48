"""Competence frameworks as versioned data: areas → competences → proficiency levels.

A framework shipped with DigiWard (or imported for the whole installation) has no
commune; a commune's edited copy has one and points at what it was copied from. Names and
descriptions are stored in Vietnamese and English because the sources are bilingual
(DigComp is English, the Vietnamese frameworks are Vietnamese) and the UI is both.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.registry.journey import MilestoneKind


class Track(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    VOLUNTEER = "volunteer", _("Volunteers")
    OFFICIAL = "official", _("Officials and civil servants")


class Bilingual(models.Model):
    """A name and a description in Vietnamese and English; `name` picks the UI's."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name_vi

    @property
    def description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description_vi


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


class Framework(Bilingual):
    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
        help_text=_("Empty for a framework shared by every commune."),
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    publisher_vi = models.CharField(_("publisher"), max_length=300, blank=True)
    publisher_en = models.CharField(max_length=300, blank=True)
    source_citation = models.TextField(_("source"), blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_note = models.TextField(_("note on the source"), blank=True)
    tracks = models.JSONField(_("tracks"), default=list)
    # SHA-256 of the canonical JSON it was loaded from: loading the same file again is a no-op.
    content_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("competence framework")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(commune__isnull=True),
                name="learning_framework_shared_unique",
            ),
            models.UniqueConstraint(
                fields=["commune", "code", "version"],
                condition=Q(commune__isnull=False),
                name="learning_framework_commune_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def publisher(self) -> str:
        return self.publisher_en if _english() and self.publisher_en else self.publisher_vi


class ProficiencyLevel(Bilingual):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("proficiency level")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="learning_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class FrameworkArea(Bilingual):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=20)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("competence area")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_area_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Competence(Bilingual):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    area = models.ForeignKey(FrameworkArea, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=20)
    tracks = models.JSONField(_("tracks"), default=list)
    requires = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    # The journey step this competence shows, if any (reaching it records the milestone).
    milestone = models.CharField(
        _("journey milestone"), max_length=24, choices=MilestoneKind.choices, blank=True
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("competence")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_competence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def reference(self) -> str:
        """`FRAMEWORK:CODE`, the way the crosswalk and exports name a competence."""
        return f"{self.framework.code}:{self.code}"


class MatchRelation(models.TextChoices):
    EXACT = "exact", _("the same")
    CLOSE = "close", _("close")
    BROADER = "broader", _("broader")
    NARROWER = "narrower", _("narrower")


REVERSE_RELATION = {
    MatchRelation.EXACT: MatchRelation.EXACT,
    MatchRelation.CLOSE: MatchRelation.CLOSE,
    MatchRelation.BROADER: MatchRelation.NARROWER,
    MatchRelation.NARROWER: MatchRelation.BROADER,
}


class CompetenceMatch(models.Model):
    """The crosswalk: `source` is `relation` to `target` (stored once, read both ways)."""

    source = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="matches_out")
    target = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="matches_in")
    relation = models.CharField(_("relation"), max_length=10, choices=MatchRelation.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("crosswalk match")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="learning_match_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="learning_match_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id}"
