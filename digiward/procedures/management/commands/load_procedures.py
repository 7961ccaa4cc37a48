from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.procedures.selectors import reset_search_index
from digiward.procedures.services import SEED, CatalogError, catalog_load


class Command(BaseCommand):
    help = "Load or update the national procedure catalog and its guides (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(SEED), help="catalog JSON file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = catalog_load(Path(options["file"]))
        except (CatalogError, FileNotFoundError, KeyError, ValueError) as error:
            raise CommandError(str(error)) from None
        reset_search_index()
        self.stdout.write(
            _("Procedures: %(c)s new, %(u)s updated; %(v)s new guide versions.")
            % {"c": result.created, "u": result.updated, "v": result.guide_versions}
        )
