from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.ops.backup.heartbeat import beat
from digiward.ops.backup.restore import RestoreRefused, restore_archive, restore_verify


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database, apply newer migrations and check "
        "every table and file against the manifest. --verify does it in a scratch database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--verify", action="store_true", help="restore into a scratch database, report, drop it"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="drop everything in the target database first (private files are moved aside)",
        )
        parser.add_argument(
            "--portable",
            action="store_true",
            help="load the portable rows even when the native copy could be used",
        )
        parser.add_argument(
            "--private-dir",
            type=Path,
            help="restore the private files here instead of the configured folder (drills)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["archive"]
        if not path.is_file():
            raise CommandError(_("No such archive: %(path)s") % {"path": path})
        if options["verify"]:
            self._drill(path, portable_only=options["portable"])
            return
        try:
            report = restore_archive(
                path,
                replace=options["replace"],
                portable_only=options["portable"],
                private_dir=options["private_dir"],
            )
        except RestoreRefused as refusal:
            raise CommandError(str(refusal)) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                _("The restore finished but does not match the archive (see above).")
            )
        self.stdout.write(_("Restore complete."))

    def _drill(self, path: Path, *, portable_only: bool) -> None:
        try:
            result = restore_verify(path, portable_only=portable_only)
        except Exception as error:
            beat("restore_drill", ok=False, detail=f"{path.name}: {type(error).__name__}: {error}")
            raise
        self.stdout.write(result.output)
        lines = result.output.splitlines()
        # Passed: the rows and files lines of the report; failed: the refusal (last line).
        summary = " ".join(lines[2:4]) if result.ok else (lines[-1] if lines else "")
        beat("restore_drill", ok=result.ok, detail=f"{path.name}: {summary}")
        if not result.ok:
            raise CommandError(_("Restore drill FAILED: the archive does not restore (see above)."))
        self.stdout.write(_("Restore drill passed: the archive restores completely."))
