from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.core.access import access_for
from digiward.core.models import Commune, User
from digiward.core.request_context import acting_as, command_origin
from digiward.learning.services import QuizFileError, quiz_file_header, quiz_import_gift


class Command(BaseCommand):
    help = (
        "Import a quiz for a commune from a GIFT file (all or nothing), acting as one of the "
        "commune's administrators."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a GIFT file; each $CATEGORY names a competence")
        parser.add_argument("--commune", required=True, help="commune code")
        parser.add_argument("--user", required=True, help="username of a commune administrator")
        parser.add_argument("--title", default="", help="default: the file's // quiz: line")
        parser.add_argument("--pass-mark", type=int, default=None, help="percent, default 70")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        commune = Commune.objects.filter(code=options["commune"]).first()
        if commune is None:
            raise CommandError(
                _("No commune has the code %(code)s.") % {"code": options["commune"]}
            )
        user = User.objects.filter(username=options["user"]).first()
        access = access_for(user, commune) if user is not None else None
        if access is None:
            raise CommandError(
                _("%(user)s is not a member of this commune.") % {"user": options["user"]}
            )
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(_("The file %(file)s does not exist.") % {"file": path}) from None
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text.")) from None
        header_title, header_pass = quiz_file_header(text)
        try:
            with acting_as(command_origin(f"import_quiz {path.name}")):
                quiz = quiz_import_gift(
                    access=access,
                    text=text,
                    title=options["title"] or header_title,
                    pass_mark=options["pass_mark"] or header_pass or 70,
                    source=path.name,
                )
        except QuizFileError as error:
            raise CommandError("\n".join(f"- {p}" for p in error.problems)) from None
        except PermissionDenied:
            raise CommandError(_("Only a commune administrator imports quizzes.")) from None
        self.stdout.write(
            _("Quiz %(title)s imported with %(count)d questions.")
            % {"title": quiz.title, "count": quiz.questions.count()}
        )
