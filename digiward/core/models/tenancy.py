"""Provinces and communes (the tenant), and the base for every commune-owned row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.core.collation import SortTextField
from digiward.core.text import fold, is_plain_digits

if TYPE_CHECKING:
    from digiward.core.access import Access


class ProvinceKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")


class CommuneKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities (after the 2025 reform).

    Loaded from the `vietnam-provinces` package by `digiward load_units`.
    """

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ProvinceKind.choices)
    codename = models.CharField(max_length=100)
    phone_code = models.PositiveIntegerField(_("phone area code"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune, ward or special zone: the tenant that owns all programme data."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=CommuneKind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    codename = models.CharField(max_length=100)
    # Lower-case, diacritics folded: lets "ninh kieu" find "Phường Ninh Kiều".
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)
    # Vietnamese alphabetical order of the name (core.collation): the chooser lists
    # thousands of communes for an operator.
    name_sort = SortTextField(source="name")

    class Meta:
        ordering = ["province__code", "code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def normalize_code(raw: str | int) -> str | None:
        """'31135', ' 31135 ', 31135 and '4' → zero-padded 5-digit code; junk → None."""
        text = str(raw).strip()
        if not is_plain_digits(text) or len(text) > 5:
            return None
        return text.zfill(5)


class CommuneQuerySet(models.QuerySet[Any]):
    """Scoping built in: every read of commune data goes through one of these."""

    def for_commune(self, commune: Commune | int) -> Self:
        return self.filter(commune=commune)

    def for_access(self, access: Access) -> Self:
        return self.filter(commune=access.commune)


class CommuneOwned(models.Model):
    """Abstract base of every row that belongs to exactly one commune."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        abstract = True
