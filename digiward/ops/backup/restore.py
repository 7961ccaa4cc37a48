"""`digiward restore`: check everything, then write; `--verify` does it in a scratch database.

Order, so that a refusal never leaves half a database behind:
1. unpack into a work directory and check every member's sha256 against the manifest;
2. check the archive's migrations are known to this code (an archive from a newer
   DigiWard is refused: upgrade the code first);
3. check the configured keys open the archive's encrypted values (the manifest's key
   ids, then a real decryption of a sample) and that the search key is the same;
4. check the target holds no data (and no private files) unless `replace` is given;
5. write: the native copy when the engines match (exact and fast), otherwise — or with
   `portable=True` — the schema at the archive's migration state plus the portable rows,
   in one transaction;
6. compare every table's row count and digest with the manifest (a mismatch rolls the
   portable load back), then apply the newer migrations, then restore the files and
   compare their checksums.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from digiward.ops.backup import archive, databases, keys, manifest, portable


class RestoreRefused(Exception):
    """A check failed before anything was written (or a write was rolled back)."""


def _both(message: str, params: dict[str, Any]) -> str:
    """The message in the active language and, when that is not English, in English too:
    the person restoring may be a contractor who reads only one of them."""
    local = _(message) % params
    with translation.override("en"):
        english = _(message) % params
    return local if local == english else f"{local}\n{english}"


@dataclass
class RestoreReport:
    archive: Path
    created_at: str
    source: str
    method: str
    target: str
    tables: int = 0
    rows: int = 0
    files: int = 0
    migrated: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def lines(self) -> list[str]:
        out = [
            _("Archive: %(path)s (made %(at)s on %(source)s)")
            % {"path": self.archive, "at": self.created_at, "source": self.source},
            (
                _("Restored into %(target)s from the native copy (same engine).")
                if self.method == "native"
                else _("Restored into %(target)s from the portable rows.")
            )
            % {"target": self.target},
            _("%(tables)s tables, %(rows)s rows: counts and checksums match the manifest.")
            % {"tables": self.tables, "rows": self.rows}
            if not any(m.startswith("table") for m in self.mismatches)
            else _("Tables: some counts or checksums differ from the manifest."),
            _("%(files)s private files restored, checksums match.") % {"files": self.files}
            if not any(m.startswith("file") for m in self.mismatches)
            else _("Private files: some are missing or differ."),
        ]
        if self.migrated:
            out.append(
                _("Newer migrations applied: %(names)s") % {"names": ", ".join(self.migrated)}
            )
        out.extend(self.mismatches)
        return out


# --- checks before writing -----------------------------------------------------------
def check_keys(document: dict[str, Any], data_dir: Path) -> None:
    for missing in manifest.missing_keys(document):
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "The encryption key with id %(key)s is not configured: the archive holds "
                    "%(count)s values encrypted with it. Add that key to "
                    "DIGIWARD_FIELD_ENCRYPTION_KEYS (from the secret store where the keys are "
                    "kept) and run the restore again. Nothing was written."
                ),
                {"key": missing.key_id, "count": missing.values},
            )
        )
    if not manifest.search_key_matches(document):
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "DIGIWARD_SEARCH_HASH_KEY is not the key this archive was made with, so "
                    "citizen IDs could no longer be searched. Set the original key (from the "
                    "secret store) and run the restore again. Nothing was written."
                ),
                {},
            )
        )
    failed: dict[str, int] = {}
    for column, token in portable.encrypted_sample(data_dir):
        if keys.undecryptable([token]):
            failed[column] = failed.get(column, 0) + 1
    for column, count in sorted(failed.items()):
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "%(count)s encrypted values of %(column)s cannot be decrypted with the "
                    "configured keys. Nothing was written."
                ),
                {"count": count, "column": column},
            )
        )


def check_migrations_known(document: dict[str, Any], alias: str) -> None:
    unknown = portable.unknown_migrations(alias, manifest.applied_of(document))
    if unknown:
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "The archive comes from a newer DigiWard (%(version)s): this code does not "
                    "have the migrations %(names)s. Install that version or newer first. Nothing was written."
                ),
                {"version": document.get("digiward_version"), "names": ", ".join(unknown[:5])},
            )
        )


def check_target_empty(alias: str, private_dir: Path) -> None:
    with_rows = databases.tables_with_rows(alias)
    if with_rows:
        sample = ", ".join(f"{t} ({n})" for t, n in sorted(with_rows.items())[:5])
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "The database is not empty (%(tables)s). Restore into an empty database, "
                    "or add --replace to drop everything in it first. Nothing was written."
                ),
                {"tables": sample},
            )
        )
    if any(archive.private_files(private_dir)):
        raise RestoreRefused(
            _both(
                gettext_noop(
                    "The private files folder %(path)s is not empty. Empty it, or add --replace "
                    "(its files are moved aside, not deleted). Nothing was written."
                ),
                {"path": private_dir},
            )
        )


# --- writing ------------------------------------------------------------------------
def _native_usable(document: dict[str, Any], alias: str) -> bool:
    native = document["database"]["native"]
    source = document["database"]["vendor"]
    if not native or source != databases.vendor(alias):
        return False
    if source == "sqlite":
        return True
    # pg_restore reads dumps of its own major version and older ones only.
    major = databases.tool_major("pg_restore")
    return major is not None and major >= int(document["database"]["pg_dump_major"] or 999)


def _load_portable(document: dict[str, Any], alias: str, data_dir: Path) -> list[type[Any]]:
    heads = manifest.heads_of(document)
    wanted = set(manifest.applied_of(document))
    applied, _heads = portable.migration_heads(alias)
    if set(applied) != wanted:
        # An empty (or --replace'd) database at another state: build the schema afresh.
        if databases.table_names(alias):
            databases.drop_all_tables(alias)
        connection = connections[alias]
        executor = MigrationExecutor(connection)
        # No post_migrate signal here: content types and permissions come from the archive.
        executor.migrate(list(heads.items()))
    models = portable.historical_models(alias, heads)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        present = set(databases.table_names(alias))
        to_empty = [m._meta.db_table for m in models if m._meta.db_table in present]
        with connection.cursor() as cursor:
            # What the migrations seeded (or --replace's old rows) gives way to the archive's
            # rows; our SQLite flush lifts the audit guard for its own length.
            for statement in connection.ops.sql_flush(no_style(), to_empty, allow_cascade=True):
                cursor.execute(statement)
        portable.load(alias, models, data_dir)
        mismatches = _compare_tables(document, alias, models)
        if mismatches:
            raise RestoreRefused(
                "\n".join(
                    [_("The restored rows differ from the archive; nothing was kept."), *mismatches]
                )
            )
    return models


def _compare_tables(document: dict[str, Any], alias: str, models: list[type[Any]]) -> list[str]:
    expected: dict[str, dict[str, Any]] = document["tables"]
    found = portable.summarise(alias, models)
    problems = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None or got is None:
            problems.append(
                f"table {table}: {'missing after restore' if got is None else 'not in the archive'}"
            )
        elif want["rows"] != got.rows:
            problems.append(f"table {table}: {got.rows} rows, the archive has {want['rows']}")
        elif want["digest"] != got.digest:
            problems.append(f"table {table}: same {got.rows} rows but their content differs")
    return problems


def _restore_files(
    document: dict[str, Any], work: Path, private_dir: Path, *, replace: bool
) -> list[str]:
    files: dict[str, str] = document["files"]
    if replace and any(archive.private_files(private_dir)):
        aside = private_dir.with_name(f"{private_dir.name}.replaced-{timezone.now():%Y%m%d-%H%M%S}")
        private_dir.rename(aside)
    private_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name in files:
        target = private_dir / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(work / "files" / name, target)
        target.chmod(0o600)
    problems = []
    for name, digest in sorted(files.items()):
        path = private_dir / name
        if not path.is_file() or archive.sha256_file(path) != digest:
            problems.append(f"file {name}: missing or different after restore")
    return problems


def restore_into(
    path: Path,
    *,
    alias: str,
    private_dir: Path,
    work: Path,
    replace: bool = False,
    portable_only: bool = False,
    check_empty: bool = True,
) -> RestoreReport:
    try:
        document = archive.unpack(path, work)
    except archive.ArchiveError as error:
        raise RestoreRefused(
            _both(
                gettext_noop("The archive was refused: %(reason)s. Nothing was written."),
                {"reason": str(error)},
            )
        ) from None
    check_migrations_known(document, alias)
    check_keys(document, work / "data")
    if check_empty and not replace:
        check_target_empty(alias, private_dir)
    use_native = not portable_only and _native_usable(document, alias)
    db = document["database"]
    report = RestoreReport(
        archive=path,
        created_at=str(document["created_at"]),
        source=f"{db['vendor']} {db['server_version']}, DigiWard {document['digiward_version']}",
        method="native" if use_native else "portable",
        target=f"{databases.vendor(alias)} {connections[alias].settings_dict['NAME']}",
    )
    heads = manifest.heads_of(document)
    if use_native:
        if db["vendor"] == "sqlite":
            databases.sqlite_restore(work / db["native"], alias)
        else:
            if databases.table_names(alias):
                databases.drop_all_tables(alias)
            databases.pg_restore(work / db["native"], alias)
        models = portable.historical_models(alias, heads)
        report.mismatches.extend(_compare_tables(document, alias, models))
    else:
        models = _load_portable(document, alias, work / "data")
    report.tables = len(document["tables"])
    report.rows = sum(int(t["rows"]) for t in document["tables"].values())
    before = set(portable.migration_heads(alias)[0])
    call_command("migrate", database=alias, interactive=False, verbosity=0)
    after = portable.migration_heads(alias)[0]
    report.migrated = [f"{app}.{name}" for app, name in after if (app, name) not in before]
    report.mismatches.extend(_restore_files(document, work, private_dir, replace=replace))
    report.files = len(document["files"])
    return report


@contextmanager
def _work_dir() -> Iterator[Path]:
    base = Path(settings.VAR_DIR) / "tmp"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=base, prefix="restore-") as work:
        yield Path(work)


def restore_archive(
    path: Path,
    *,
    alias: str = "default",
    private_dir: Path | None = None,
    replace: bool = False,
    portable_only: bool = False,
) -> RestoreReport:
    with _work_dir() as work:
        return restore_into(
            path,
            alias=alias,
            private_dir=Path(private_dir or settings.PRIVATE_DIR),
            work=work / "archive",
            replace=replace,
            portable_only=portable_only,
        )


@dataclass(frozen=True)
class DrillResult:
    ok: bool
    output: str


def restore_verify(
    path: Path, *, like: str = "default", portable_only: bool = False
) -> DrillResult:
    """The whole restore into a scratch database and folder, both removed afterwards
    (PostgreSQL: a database `<name>_verify` on the same server; SQLite: a temporary file).

    It runs in a child `digiward restore` whose `default` database is the scratch one:
    data migrations (RunPython) use the default connection, as Django's own do, so a
    restore that migrates must run where `default` *is* the target."""
    settings_dict = connections[like].settings_dict
    with _work_dir() as work:
        private = work / "private"
        if connections[like].vendor != "postgresql":
            url = databases.url_of(databases.sqlite_settings(work / "verify.sqlite3"))
            done = run_restore_child(
                path, url=url, private_dir=private, portable_only=portable_only
            )
        else:
            name = f"{settings_dict['NAME']}_verify"
            databases.pg_create(settings_dict, name)
            try:
                url = databases.url_of({**settings_dict, "NAME": name})
                done = run_restore_child(
                    path, url=url, private_dir=private, portable_only=portable_only
                )
            finally:
                databases.pg_drop(settings_dict, name)
    return DrillResult(ok=done.returncode == 0, output=(done.stdout + done.stderr).strip())


def run_restore_child(
    path: Path,
    *,
    url: str,
    private_dir: Path,
    portable_only: bool = False,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`digiward restore` in a child process whose DATABASE_URL is `url`."""
    env = {**os.environ, "DATABASE_URL": url, **(extra_env or {})}
    command = [
        sys.executable,
        "-m",
        "config.manage",
        "restore",
        str(path),
        "--private-dir",
        str(private_dir),
    ]
    if portable_only:
        command.append("--portable")
    return subprocess.run(  # noqa: S603 - our own interpreter and command
        command, env=env, capture_output=True, text=True, check=False, cwd=settings.BASE_DIR
    )
