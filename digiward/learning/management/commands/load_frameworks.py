from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from digiward.core.request_context import acting_as, command_origin
from digiward.learning.framework_files import FrameworkFileError
from digiward.learning.lesson_files import LessonFileError
from digiward.learning.seed import frameworks_load, lessons_load


class Command(BaseCommand):
    help = (
        "Load the shipped competence frameworks, their crosswalk and the shipped lessons "
        "(idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(command_origin("load_frameworks")):
                report = frameworks_load()
                lessons = lessons_load()
        except (FrameworkFileError, LessonFileError) as error:
            raise CommandError("\n".join([error.message, *error.problems])) from None
        self.stdout.write(
            _("Frameworks: %(c)d new, %(u)d updated, %(s)d unchanged; %(m)d new crosswalk links.")
            % {
                "c": len(report.created),
                "u": len(report.updated),
                "s": len(report.unchanged),
                "m": report.new_matches,
            }
        )
        self.stdout.write(
            _("Lessons: %(c)d new, %(u)d updated, %(s)d unchanged.")
            % {"c": len(lessons.created), "u": len(lessons.updated), "s": len(lessons.unchanged)}
        )
