"""Counting attempts per key in a time window, in the database (shared by every worker).

Public forms and the status lookup use it instead of a CAPTCHA. The database is the
one store every gunicorn worker shares in the zero-setup deployment; a counter is
one atomic UPDATE … RETURNING, or an INSERT for a new key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, connections, transaction
from django.db.models import F
from django.utils import timezone

from digiward.core.models import RateCounter


def allow(key: str, *, limit: int, window: timedelta) -> bool:
    """Count one attempt for `key`; False once `limit` attempts fall in the window."""
    return hit(key, window=window) <= limit


def hit(key: str, *, window: timedelta) -> int:
    """Count one attempt for `key` and return how many fell in the current window."""
    now = timezone.now()
    key = key[:200]
    counted = _count_in_window(key, since=now - window)
    if counted is not None:
        return counted
    with transaction.atomic():  # a new key, or its window is over: start one
        updated = RateCounter.objects.filter(key=key, window_start__gt=now - window).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.update_or_create(
                        key=key, defaults={"window_start": now, "count": 1}
                    )
            except IntegrityError:  # another worker created it at the same moment
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0
    return count


def _count_in_window(key: str, *, since: datetime) -> int | None:
    """Add one to a counter whose window is still open and return it, in one statement
    (UPDATE … RETURNING, SQLite 3.35+ and PostgreSQL): every API read passes here, and
    a transaction of an UPDATE and a SELECT held SQLite's one write lock twice as long
    (bench/bench_api.py). None when there is no such counter."""
    connection = connections[RateCounter.objects.db]
    table, key_, start, count = (
        connection.ops.quote_name(name)
        for name in (RateCounter._meta.db_table, "key", "window_start", "count")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            # Our own table's and columns' names; the values are parameters.
            f"UPDATE {table} SET {count} = {count} + 1 "  # noqa: S608
            f"WHERE {key_} = %s AND {start} > %s RETURNING {count}",
            [key, connection.ops.adapt_datetimefield_value(since)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def attempts(key: str, *, window: timedelta) -> int:
    """How many attempts `key` made in the current window, without counting one."""
    return (
        RateCounter.objects.filter(key=key[:200], window_start__gt=timezone.now() - window)
        .values_list("count", flat=True)
        .first()
        or 0
    )


def clear(key: str) -> None:
    RateCounter.objects.filter(key=key[:200]).delete()
