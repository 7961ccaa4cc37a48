"""`digiward backup`: one archive with the database (native and portable), the private
files and a manifest. Reads one consistent point in time and never blocks writers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from digiward.ops.backup import archive, databases, keys, manifest, portable


def backup_dir() -> Path:
    """Where `digiward backup` writes when no -o is given, and where upgrade_check looks."""
    return Path(
        getattr(settings, "DIGIWARD_BACKUP_DIR", None) or Path(settings.VAR_DIR) / "backups"
    )


def default_output() -> Path:
    return backup_dir() / f"digiward-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    size: int
    sha256: str
    warnings: list[str]


@contextlib.contextmanager
def _snapshot(
    alias: str, staging: Path, warnings: list[str]
) -> Iterator[tuple[str, str | None, int | None]]:
    """Yields (alias to read, native member name, pg_dump major) at one point in time.

    SQLite: the online backup API copies the live file; the rows are then read from the
    copy, so the live database is never locked for the length of a dump.
    PostgreSQL: a REPEATABLE READ transaction exports its snapshot; pg_dump reads that
    same snapshot (--snapshot) and the rows are read in the transaction itself."""
    native_dir = staging / "database"
    native_dir.mkdir()
    if databases.vendor(alias) == "sqlite":
        copy = native_dir / "digiward.sqlite3"
        databases.sqlite_copy(alias, copy)
        reader = databases.add_alias("digiward_backup_source", **databases.sqlite_settings(copy))
        try:
            yield reader, "database/digiward.sqlite3", None
        finally:
            databases.remove_alias(reader)
            for extra in (Path(f"{copy}-wal"), Path(f"{copy}-shm")):
                extra.unlink(missing_ok=True)
        return
    major = databases.tool_major("pg_dump")
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        native = None
        if major is not None:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            try:
                databases.pg_dump(alias, snapshot, native_dir / "digiward.pgdump")
                native = "database/digiward.pgdump"
            except subprocess.CalledProcessError as error:
                # e.g. a pg_dump older than the server: the portable rows are still a
                # complete backup, so say so and go on.
                stderr = error.stderr.decode(errors="replace").strip() if error.stderr else ""
                warnings.append(
                    f"pg_dump failed, the archive holds the portable rows only: {stderr}"
                )
        yield alias, native, major


def backup_create(
    *, output: Path | None = None, alias: str = "default", private_dir: Path | None = None
) -> BackupResult:
    output = output or default_output()
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    private_root = Path(private_dir or settings.PRIVATE_DIR)
    warnings: list[str] = []
    partial = output.with_name(output.name + ".partial")
    # The staging area sits beside the output: same disk, and never a shared /tmp.
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        staging = Path(work)
        usage = keys.KeyUsage()
        with _snapshot(alias, staging, warnings) as (reader, native, pg_major):
            applied, heads = portable.migration_heads(reader)
            models = portable.historical_models(reader, heads)
            tables = portable.dump(reader, models, staging / "data", usage)
            version = databases.server_version(reader)
            known = {m._meta.db_table for m in models}
            for table in databases.table_names(reader):
                if table not in known and table != "django_migrations":
                    warnings.append(
                        f"table {table} is not made by a migration: only the native copy holds it"
                    )
        writer = archive.Writer(partial)
        try:
            if native:
                writer.add_file(native, staging / native)
            for path in sorted((staging / "data").glob("*.jsonl")):
                writer.add_file(f"data/{path.name}", path)
            files: dict[str, str] = {}
            for path, name in archive.private_files(private_root):
                writer.add_file(f"files/{name}", path)
                files[name] = writer.members[f"files/{name}"]
            document: dict[str, Any] = manifest.build(
                vendor=databases.vendor(alias),
                server_version=version,
                native=native,
                pg_dump_major=pg_major,
                applied=applied,
                heads=heads,
                tables=tables,
                models={m._meta.db_table: m._meta.label_lower for m in models},
                files=files,
                usage=usage,
            )
            writer.add_manifest(document)
            writer.close()
        except BaseException:
            writer.close()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, output)
    if usage.counts[keys.UNREADABLE]:
        warnings.append(
            f"{usage.counts[keys.UNREADABLE]} encrypted values open with none of the configured keys"
        )
    return BackupResult(
        path=output,
        tables=len(tables),
        rows=sum(s.rows for s in tables.values()),
        files=len(files),
        size=output.stat().st_size,
        sha256=archive.sha256_file(output),
        warnings=warnings,
    )
