"""Compile locale/*/LC_MESSAGES/django.po to .mo with polib (no gettext binaries needed).

`--check` also fails when the Vietnamese catalogue has an empty or fuzzy entry:
Vietnamese is the default language, so an untranslated string would show English
to a Vietnamese user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo); --check fails on gaps in Vietnamese."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                if options["check"] and po_path.parts[-3] == "vi":
                    gaps = [
                        e.msgid
                        for e in catalogue
                        if not e.obsolete and (not e.translated() or e.fuzzy)
                    ]
                    if gaps:
                        listed = "\n  ".join(gaps[:20])
                        raise CommandError(
                            f"{len(gaps)} untranslated Vietnamese strings:\n  {listed}"
                        )
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count = len(catalogue.translated_entries())
                self.stdout.write(f"{po_path.relative_to(settings.BASE_DIR)}: {count} entries")
