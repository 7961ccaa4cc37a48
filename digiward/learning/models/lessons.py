"""Short lessons: text, steps, tips and warnings, linked to competences and to guides.

A lesson is plain data (blocks), never HTML: the page renders it with autoescaping, so
a lesson file or a commune's edit cannot carry a script, and the page stays light.
Competences are named by reference (`DW-ESSENTIALS:DT.1`) so a lesson shared by every
commune also counts for a commune's own copy of the framework.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.learning.models.frameworks import _english


class Lesson(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # empty: shipped with DigiWard for every commune
    slug = models.SlugField(max_length=80)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_vi = models.CharField(_("summary (Vietnamese)"), max_length=400, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=400, blank=True)
    competences = models.JSONField(default=list)  # ["DW-ESSENTIALS:DT.1", …]
    procedures = models.JSONField(default=list)  # guide slugs on the public site
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=5)
    video_url = models.URLField(_("video link"), blank=True)
    blocks = models.JSONField(default=list)  # [{"kind": "text", "vi": …, "en": …}, …]
    position = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)
    content_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("lesson")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(commune__isnull=True), name="learning_lesson_shared"
            ),
            models.UniqueConstraint(
                fields=["commune", "slug"],
                condition=Q(commune__isnull=False),
                name="learning_lesson_commune",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_vi

    @property
    def summary(self) -> str:
        return self.summary_en if _english() and self.summary_en else self.summary_vi

    def blocks_shown(self) -> list[dict[str, object]]:
        """The blocks in the UI's language (Vietnamese where English is missing)."""
        english = _english()
        return [
            {
                "kind": b["kind"],
                "content": (b.get("en") if english and b.get("en") else b["vi"]),
                "image": b.get("image", ""),
            }
            for b in self.blocks
        ]
