"""Vietnamese alphabetical order in SQL, the same on PostgreSQL and SQLite. Two tools,
chosen by the size of the list:

1. `SortTextField(source="full_name")` for long lists (residents, households: tens of
   thousands of rows, paged): a column holding `core.text.sort_text` of the name, kept
   by the field itself on every save and bulk insert, indexed, ordered with a plain
   `order_by("name_sort")`. Fast on both databases: SQLite's Python collation below
   takes 1.6–5 s to order 100,000 names for one page (measured, 2 shared cores).
2. `vi_order("name")` for short lists (areas, members, sponsors, campaigns): the
   collation below, no column and no migration in the app.

`ORDER BY name` sorts by code point on SQLite and by the server's libc locale on
PostgreSQL: "Đ" lands after "Z" and "Khu vực 10" before "Khu vực 2". Both databases get a
collation named `vi_natural` instead, and short lists order by `vi_order("name")`:

- PostgreSQL: an ICU collation, locale `vi-u-kn` (Vietnamese, digits compared as
  numbers), created by core migration 0008 (ICU ships with the Debian/Ubuntu packages and
  the official images; `pg_collation` lists `vi-x-icu`).
- SQLite: a Python comparison registered on every new connection (`core.text.sort_key`,
  the same rules as ICU's "vi" tailoring).

Both give the order of `core.text.sort_key` (tested against each other and against ICU).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import F, OrderBy
from django.db.models.functions import Collate
from django.dispatch import receiver

from digiward.core.text import SORT_TEXT_LENGTH, sort_key, sort_text

VI_COLLATION = "vi_natural"
ICU_LOCALE = "vi-u-kn"


def vi_order(field: str, *, descending: bool = False) -> OrderBy:
    """An `order_by()` term sorting `field` in Vietnamese alphabetical order."""
    return OrderBy(Collate(F(field), VI_COLLATION), descending=descending)


def compare(left: str | None, right: str | None) -> int:
    """The SQLite collation: -1, 0 or 1, like `strcmp`. SQLite never passes NULL to a
    collation, but a mypy-clean signature costs nothing."""
    a, b = sort_key(left or ""), sort_key(right or "")
    if a == b:
        # Different strings that sort as equal (other normalisation) still get an order,
        # so ORDER BY is stable across runs.
        a_raw, b_raw = left or "", right or ""
        return (a_raw > b_raw) - (a_raw < b_raw)
    return 1 if a > b else -1


@receiver(connection_created)
def _register_sqlite_collation(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VI_COLLATION, compare)


class SortTextField(models.CharField):  # type: ignore[type-arg]
    """`sort_text(<source field>)`, computed on every save and bulk insert.

    A queryset `.update(name=...)` or `bulk_update` bypasses it (as it bypasses `save()`):
    pass the sort field along, or save the rows."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", SORT_TEXT_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = sort_text(str(getattr(model_instance, self.source) or ""))
        setattr(model_instance, self.attname, value)
        return value
