from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from digiward.ops.backup.create import backup_create, backup_dir
from digiward.ops.backup.heartbeat import beat


class Command(BaseCommand):
    help = (
        "Write one backup archive: the database (native copy and portable rows), the "
        "private files and a manifest. The encryption keys are NOT in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help=f"the archive to write (default: {backup_dir()}/digiward-<time>.tar.gz)",
        )
        parser.add_argument("--database", default="default", help="the database alias to back up")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"], alias=options["database"])
        except Exception as error:
            beat("backup", ok=False, detail=f"{type(error).__name__}: {error}")
            raise CommandError(_("The backup failed: %(error)s") % {"error": error}) from error
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            _(
                "Backup written: %(path)s (%(size)s bytes; %(tables)s tables, %(rows)s rows, %(files)s files)."
            )
            % {
                "path": result.path,
                "size": result.size,
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
            }
        )
        self.stdout.write(f"sha256 {result.sha256}")
        beat(
            "backup", ok=True, detail=f"{result.path.name} {result.rows} rows {result.files} files"
        )
