"""`digiward upgrade_check`: what `migrate` is about to do to this database, and whether
it is safe to start now.

Checks (a FAIL makes the command exit non-zero):
- the database holds no migration this code lacks (it would be a downgrade);
- the pending migrations, each with the rows of the tables it touches: RunPython over a
  table, a table rebuild (SQLite rebuilds for most column changes, PostgreSQL rewrites
  when a column's type changes) and index builds cost time in proportion to those rows;
  a contract step (a column or table dropped or renamed) breaks the old code still
  running, so it is named for the operator to stop the app first (WARN);
- free disk beside the database against the database's size (a rebuild copies a table,
  a backup writes the whole database again);
- a backup of this very migration state, newer than the allowed age.
"""

from __future__ import annotations

import inspect
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from django.utils import timezone

from digiward.ops.backup import archive, databases, portable
from digiward.ops.backup.create import backup_dir

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
BIG_TABLE_ROWS = 100_000
_GET_MODEL = re.compile(r"""get_model\(\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")


@dataclass
class Step:
    """One operation of a pending migration and what it costs here."""

    operation: str
    table: str | None
    rows: int
    kind: str  # "schema", "new table", "index build", "table rebuild", "RunPython", "RunSQL"
    contract: bool = False


@dataclass
class PendingMigration:
    name: str
    steps: list[Step] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(
            s.rows for s in self.steps if s.kind in {"index build", "table rebuild", "RunPython"}
        )


@dataclass
class Check:
    name: str
    status: str
    message: str


@dataclass
class UpgradeReport:
    pending: list[PendingMigration]
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.status != FAIL for check in self.checks)


def _table(state: ProjectState, app: str, model: str) -> str | None:
    model_state = state.models.get((app, model.lower()))
    if model_state is None:
        return None
    return str(model_state.options.get("db_table") or f"{app}_{model_state.name_lower}")


class _Counter:
    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.present = set(databases.table_names(alias))
        self.cache: dict[str, int] = {}

    def rows(self, table: str | None) -> int:
        if table is None or table not in self.present:
            return 0
        if table not in self.cache:
            connection = connections[self.alias]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                self.cache[table] = int(cursor.fetchone()[0])
        return self.cache[table]


def _column_type(state: ProjectState, app: str, model: str, name: str, alias: str) -> str | None:
    model_state = state.models.get((app, model.lower()))
    if model_state is None or name not in model_state.fields:
        return None
    try:
        return str(model_state.fields[name].db_parameters(connection=connections[alias])["type"])
    except Exception:  # a relation whose target the state cannot resolve alone
        return None


def _steps(
    migration: migrations.Migration, state: ProjectState, count: _Counter, alias: str
) -> list[Step]:
    sqlite = connections[alias].vendor == "sqlite"
    app = migration.app_label
    steps: list[Step] = []
    for op in migration.operations:
        name = type(op).__name__
        model = getattr(op, "model_name", None) or getattr(op, "name", None)
        table = _table(state, app, model) if isinstance(model, str) else None
        rows = count.rows(table)
        if isinstance(op, migrations.CreateModel):
            steps.append(Step(name, _table_after(op, app), 0, "new table"))
        elif isinstance(op, migrations.AddField):
            fld = op.field
            rebuild = sqlite and (
                not fld.null or fld.has_default() or fld.unique or fld.primary_key
            )
            kind = (
                "table rebuild"
                if rebuild
                else ("index build" if getattr(fld, "db_index", False) or fld.unique else "schema")
            )
            steps.append(Step(name, table, rows, kind))
        elif isinstance(op, migrations.AlterField):
            before = _column_type(state, app, op.model_name, op.name, alias)
            after = op.field.db_parameters(connection=connections[alias])["type"]
            kind = "table rebuild" if sqlite or before != after else "index build"
            steps.append(Step(name, table, rows, kind))
        elif isinstance(op, migrations.RemoveField | migrations.RenameField):
            steps.append(
                Step(name, table, rows, "table rebuild" if sqlite else "schema", contract=True)
            )
        elif isinstance(op, migrations.DeleteModel | migrations.RenameModel):
            steps.append(Step(name, table, rows, "schema", contract=True))
        elif isinstance(
            op, migrations.AddIndex | migrations.AddConstraint | migrations.AlterUniqueTogether
        ):
            kind = (
                "table rebuild"
                if sqlite and isinstance(op, migrations.AddConstraint)
                else "index build"
            )
            steps.append(Step(name, table, rows, kind))
        elif isinstance(op, migrations.RunPython):
            try:
                source = inspect.getsource(op.code)
            except (OSError, TypeError):
                source = ""
            touched = sorted(
                {_table(state, a, m) or f"{a}_{m.lower()}" for a, m in _GET_MODEL.findall(source)}
            )
            if not touched:
                steps.append(Step(name, None, 0, "RunPython"))
            for touched_table in touched:
                steps.append(Step(name, touched_table, count.rows(touched_table), "RunPython"))
        elif isinstance(op, migrations.RunSQL):
            steps.append(Step(name, None, 0, "RunSQL"))
        else:
            steps.append(Step(name, table, 0, "schema"))
    return steps


def _table_after(op: migrations.CreateModel, app: str) -> str:
    return str(op.options.get("db_table") or f"{app}_{op.name.lower()}")


def pending_migrations(alias: str = "default") -> list[PendingMigration]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    state = (
        executor.loader.project_state(
            nodes=[
                key
                for key in executor.loader.applied_migrations
                if key in executor.loader.graph.nodes
            ],
            at_end=True,
        )
        if executor.loader.applied_migrations
        else ProjectState()
    )
    count = _Counter(alias)
    result = []
    for migration, backwards in plan:
        if backwards:
            continue
        result.append(
            PendingMigration(
                f"{migration.app_label}.{migration.name}", _steps(migration, state, count, alias)
            )
        )
        state = migration.mutate_state(state, preserve=False)
    return result


def _latest_backup(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    found: list[tuple[datetime, Path, dict[str, Any]]] = []
    for path in directory.glob("*.tar.gz"):
        try:
            document = archive.read_manifest(path)
            found.append((datetime.fromisoformat(str(document["created_at"])), path, document))
        except (archive.ArchiveError, KeyError, ValueError):
            continue
    if not found:
        return None
    _at, path, document = max(found, key=lambda item: item[0])
    return path, document


def upgrade_check(
    *, alias: str = "default", max_backup_age: timedelta = timedelta(hours=24)
) -> UpgradeReport:
    checks: list[Check] = []
    applied, heads = portable.migration_heads(alias)
    unknown = portable.unknown_migrations(alias, applied)
    if unknown:
        checks.append(
            Check(
                "migrations",
                FAIL,
                f"the database has migrations this code lacks (a downgrade?): {', '.join(unknown)}",
            )
        )
    pending = pending_migrations(alias)
    contract = [p.name for p in pending if any(s.contract for s in p.steps)]
    heavy = [p for p in pending if p.rows >= BIG_TABLE_ROWS]
    if not pending:
        checks.append(Check("pending", PASS, "no pending migrations"))
    else:
        total = sum(p.rows for p in pending)
        checks.append(
            Check("pending", PASS, f"{len(pending)} pending migrations touching about {total} rows")
        )
    if heavy:
        names = ", ".join(f"{p.name} ({p.rows} rows)" for p in heavy)
        checks.append(Check("cost", WARN, f"large data steps, plan a quiet hour: {names}"))
    if contract:
        checks.append(
            Check(
                "contract",
                WARN,
                f"drop or rename steps break the running old version; stop it during migrate: {', '.join(contract)}",
            )
        )
    size = databases.database_size(alias)
    if connections[alias].vendor == "sqlite":
        where = Path(str(connections[alias].settings_dict["NAME"])).parent
        need = 2 * size
    else:  # the server's disk is not visible from here: check room for a backup
        where = Path(settings.VAR_DIR)
        need = size
    free = shutil.disk_usage(where).free
    checks.append(
        Check(
            "disk",
            PASS if free >= need else FAIL,
            f"{free // 2**20} MB free at {where}, need {need // 2**20} MB (database {size // 2**20} MB)",
        )
    )
    directory = backup_dir()
    latest = _latest_backup(directory) if directory.is_dir() else None
    if latest is None:
        checks.append(
            Check("backup", FAIL, f"no backup in {directory}: run `digiward backup` first")
        )
    else:
        path, document = latest
        age = timezone.now() - datetime.fromisoformat(str(document["created_at"]))
        hours = age.total_seconds() / 3600
        if age > max_backup_age:
            checks.append(
                Check(
                    "backup",
                    FAIL,
                    f"latest backup {path.name} is {hours:.1f} hours old: run `digiward backup`",
                )
            )
        elif dict(document["migrations"]["heads"]) != heads:
            checks.append(
                Check(
                    "backup",
                    FAIL,
                    f"latest backup {path.name} is of another migration state: run `digiward backup`",
                )
            )
        else:
            checks.append(
                Check(
                    "backup",
                    PASS,
                    f"latest backup {path.name}, {hours:.1f} hours old, of this migration state",
                )
            )
    return UpgradeReport(pending=pending, checks=checks)
