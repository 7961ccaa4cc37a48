from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from digiward.core.models import Commune, Province
from digiward.core.units import units_load


class Command(BaseCommand):
    help = (
        "Load the 34 provinces and 3,321 communes from the vietnam-provinces package (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = units_load()
        self.stdout.write(
            _(
                "Provinces: %(p)s (%(pc)s new, %(pu)s updated). "
                "Communes: %(c)s (%(cc)s new, %(cu)s updated)."
            )
            % {
                "p": Province.objects.count(),
                "pc": result.provinces_created,
                "pu": result.provinces_updated,
                "c": Commune.objects.count(),
                "cc": result.communes_created,
                "cu": result.communes_updated,
            }
        )
