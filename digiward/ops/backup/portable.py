"""The portable form of a database: one JSON-lines file per table, any engine to any engine.

Why our own rows and not `dumpdata`: loaddata builds rows with today's models, so an
archive taken before a migration cannot be loaded by newer code. Here every table is
read and written through the *historical* models of the archive's migration state
(the migration loader's project state), so a restore first builds the schema as it was,
loads the rows as they were, and only then runs the newer migrations — the same path an
upgrade in place takes.

Each file is `data/<table>.jsonl`: a header line (table, model, columns) and then one
JSON array per row. Values are written in one canonical text form whichever engine they
come from (aware datetimes in UTC ISO 8601, decimals as strings, JSON fields with sorted
keys), so the digest of a table — the sha256 of its sorted row hashes — is the same on
SQLite and PostgreSQL and proves every row came back, not only the count.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.utils.duration import duration_iso_string

from digiward.ops.backup.keys import ENCRYPTED_SUFFIX, KeyUsage

BATCH = 1000
# Rows a fresh `migrate` writes by itself; they are not the operator's data.
MIGRATION_SEEDED = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "registry_povertystandard",
        "sqlite_sequence",
    }
)
# Field types whose JSON value is already what the database driver takes.
_PLAIN = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "BooleanField",
        "FloatField",
    }
)
# Field types read back from their text form with field.to_python.
_PARSED = frozenset(
    {
        "DateTimeField",
        "DateField",
        "TimeField",
        "DecimalField",
        "UUIDField",
        "DurationField",
        "BinaryField",
    }
)

Heads = dict[str, str]


@dataclass(frozen=True)
class TableSummary:
    rows: int
    digest: str


def migration_heads(alias: str) -> tuple[list[tuple[str, str]], Heads]:
    """The migrations applied to this database, and per app the last of them."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    applied = sorted(loader.applied_migrations)
    heads: Heads = {}
    for app, name in applied:
        key = (app, name)
        if key not in loader.graph.nodes:
            continue  # unknown to this code: reported by the callers that care
        children = loader.graph.node_map[key].children
        if not any(
            child.key[0] == app and child.key in loader.applied_migrations for child in children
        ):
            heads[app] = name
    return applied, heads


def unknown_migrations(alias: str, applied: list[tuple[str, str]]) -> list[str]:
    """Applied migrations this code does not have (the data is from a newer DigiWard)."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True, load=True)
    replaced = {
        r for node in loader.graph.nodes.values() for r in (getattr(node, "replaces", None) or [])
    }
    return [
        f"{app}.{name}"
        for app, name in applied
        if (app, name) not in loader.graph.nodes and (app, name) not in replaced
    ]


def historical_models(alias: str, heads: Heads) -> list[type[models.Model]]:
    """The concrete tables of the schema at these heads, as the migrations built them."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    state = loader.project_state(nodes=list(heads.items()), at_end=True)
    found = [
        model
        for model in state.apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    return sorted(found, key=lambda model: model._meta.db_table)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict | list):
        return value  # JSONField: kept as JSON, keys sorted when dumped
    return str(value)


def _line(row: list[Any]) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _rows(alias: str, model: type[models.Model]) -> Iterator[list[Any]]:
    names = [field.attname for field in _columns(model)]
    queryset = model._base_manager.using(alias).order_by("pk").values_list(*names)
    for row in queryset.iterator(chunk_size=2000):
        yield [_encode(value) for value in row]


def _encrypted_positions(model: type[models.Model]) -> list[int]:
    return [i for i, f in enumerate(_columns(model)) if str(f.column).endswith(ENCRYPTED_SUFFIX)]


class _Digest:
    def __init__(self) -> None:
        self.hashes: list[bytes] = []

    def add(self, line: str) -> None:
        self.hashes.append(hashlib.sha256(line.encode()).digest())

    def summary(self) -> TableSummary:
        total = hashlib.sha256()
        for item in sorted(self.hashes):
            total.update(item)
        return TableSummary(rows=len(self.hashes), digest=total.hexdigest())


def dump(
    alias: str, tables: list[type[models.Model]], out_dir: Path, usage: KeyUsage
) -> dict[str, TableSummary]:
    """Write every table as JSON lines; count which key opens each encrypted value."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, TableSummary] = {}
    for model in tables:
        meta = model._meta
        encrypted = _encrypted_positions(model)
        digest = _Digest()
        with (out_dir / f"{meta.db_table}.jsonl").open("w", encoding="utf-8") as handle:
            header = {
                "table": meta.db_table,
                "model": meta.label_lower,
                "columns": [f.column for f in _columns(model)],
            }
            handle.write(json.dumps(header) + "\n")
            for row in _rows(alias, model):
                line = _line(row)
                digest.add(line)
                handle.write(line + "\n")
                for position in encrypted:
                    usage.add(row[position] or "")
        result[meta.db_table] = digest.summary()
    return result


def summarise(alias: str, tables: list[type[models.Model]]) -> dict[str, TableSummary]:
    """Counts and digests of the tables as they are now in this database."""
    result: dict[str, TableSummary] = {}
    for model in tables:
        digest = _Digest()
        for row in _rows(alias, model):
            digest.add(_line(row))
        result[model._meta.db_table] = digest.summary()
    return result


def encrypted_sample(data_dir: Path, per_column: int = 20) -> Iterator[tuple[str, str]]:
    """(table.column, ciphertext) for the first values of each encrypted column."""
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            positions = [i for i, c in enumerate(header["columns"]) if c.endswith(ENCRYPTED_SUFFIX)]
            if not positions:
                continue
            seen = dict.fromkeys(positions, 0)
            for line in handle:
                row = json.loads(line)
                for i in positions:
                    if row[i] and seen[i] < per_column:
                        seen[i] += 1
                        yield f"{header['table']}.{header['columns'][i]}", row[i]
                if all(count >= per_column for count in seen.values()):
                    break


def _converter(field: models.Field[Any, Any], alias: str) -> Callable[[Any], Any] | None:
    connection = connections[alias]
    target = field.target_field if field.is_relation and field.many_to_one else field  # type: ignore[attr-defined]
    kind = target.get_internal_type()
    if kind in _PLAIN:
        return None
    if kind in _PARSED:

        def parsed(value: Any) -> Any:
            if value is None:
                return None
            return target.get_db_prep_save(target.to_python(value), connection)

        return parsed

    def prepared(value: Any) -> Any:
        return None if value is None else target.get_db_prep_save(value, connection)

    return prepared


def load(alias: str, tables: list[type[models.Model]], data_dir: Path) -> dict[str, int]:
    """Insert every table's rows (the caller holds the transaction); returns row counts."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in tables:
            fields = _columns(model)
            table = model._meta.db_table
            path = data_dir / f"{table}.jsonl"
            counts[table] = 0
            if not path.exists():
                continue
            with path.open(encoding="utf-8") as handle:
                header = json.loads(handle.readline())
                if header["columns"] != [f.column for f in fields]:
                    raise ValueError(
                        f"{table}: the archive's columns differ from the schema it names"
                    )
                converters = [_converter(field, alias) for field in fields]
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from our models
                    quote(table),
                    ", ".join(quote(str(f.column)) for f in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                batch: list[list[Any]] = []
                for line in handle:
                    row = json.loads(line)
                    batch.append(
                        [v if c is None else c(v) for c, v in zip(converters, row, strict=True)]
                    )
                    if len(batch) >= BATCH:
                        cursor.executemany(sql, batch)
                        counts[table] += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    counts[table] += len(batch)
        # Explicit ids were inserted: PostgreSQL's sequences must continue after them.
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
    return counts
