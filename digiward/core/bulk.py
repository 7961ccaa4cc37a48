"""Inserting many rows fast: reserved ids and executemany, without model instances.

Django's bulk_create builds a model instance per row and, on SQLite, sends at most
999 parameters per statement (about 30 residents). For a 100,000-row import that is
most of the time. Here ids are reserved first (PostgreSQL: the identity sequence;
SQLite: MAX(id) under the IMMEDIATE write lock this transaction already holds) and
rows go to the driver's executemany as plain tuples. Every field gets its model
default when the caller leaves it out, exactly as a save() would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from digiward.core.chunks import chunked


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: value


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`. Call inside the writing transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so nobody else can
        # insert between this read and our inserts.
        cursor.execute(f'SELECT COALESCE(MAX("{pk_column}"), 0) FROM "{table}"')  # noqa: S608
        (top,) = cursor.fetchone()
        return list(range(top + 1, top + 1 + count))


def fast_insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert `rows` (field name → value) and return their new ids, in order."""
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names, defaults, adapters = [], [], []
    for field in fields:
        name = field.attname
        names.append(name)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(field.get_default())
        adapters.append(_adapter(field))
    ids = reserve_ids(model, len(rows))
    pk_column = model._meta.pk.column
    columns = ", ".join(f'"{c}"' for c in [pk_column, *(f.column for f in fields)])
    placeholders = ", ".join(["%s"] * (len(fields) + 1))
    sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({placeholders})'  # noqa: S608
    params = []
    for pk, row in zip(ids, rows, strict=True):
        values: list[Any] = [pk]
        for name, default, adapt in zip(names, defaults, adapters, strict=True):
            value = row.get(name, default)
            values.append(adapt(value) if value is not None else None)
        params.append(values)
    with connection.cursor() as cursor:
        for batch in chunked(params, 5000):
            cursor.executemany(sql, batch)
    return ids


def fast_update(model: type[models.Model], field_name: str, values: Mapping[int, Any]) -> None:
    """Set one column on many rows by id (e.g. each household's head)."""
    if not values:
        return
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)  # a concrete column, not a reverse relation
    column = field.column
    adapt = _adapter(field)
    table, pk = model._meta.db_table, model._meta.pk.column
    sql = f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s'  # noqa: S608
    params = [(adapt(v) if v is not None else None, pk) for pk, v in values.items()]
    with connection.cursor() as cursor:
        for batch in chunked(params, 5000):
            cursor.executemany(sql, batch)
