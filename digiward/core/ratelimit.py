"""Counting attempts per key in a time window, in the database (shared by every worker).

Public forms and the status lookup use it instead of a CAPTCHA. The database is the
one store every gunicorn worker shares in the zero-setup deployment; a counter is
one atomic UPDATE, or an INSERT for a new key.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
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
    with transaction.atomic():
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
