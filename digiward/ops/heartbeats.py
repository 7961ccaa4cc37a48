"""Heartbeats of scheduled jobs and the dead-man's switch over them.

`beat(name)` is called after each run of a scheduled command (config/manage.py does it
for every command named in DIGIWARD_SCHEDULE), by the backup commands, and by the
worker loop. `late()` lists the jobs whose last good run is older than their interval
plus a grace period, or whose last run failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from digiward.ops.models import Heartbeat

# A timer that fires "every day" drifts (systemd RandomizedDelaySec, a long backup):
# a job is late only after its interval plus this share of it (at least GRACE_MIN).
GRACE_SHARE = 0.5
GRACE_MIN = timedelta(minutes=2)


def schedule() -> dict[str, timedelta]:
    """DIGIWARD_SCHEDULE with every value as a timedelta (seconds are accepted)."""
    raw: dict[str, timedelta | int | float] = getattr(settings, "DIGIWARD_SCHEDULE", {})
    return {
        name: every if isinstance(every, timedelta) else timedelta(seconds=every)
        for name, every in raw.items()
    }


def beat(name: str, *, ok: bool = True, detail: str = "") -> None:
    """Record that `name` ran just now (and whether it succeeded)."""
    now = timezone.now()
    defaults: dict[str, object] = {
        "last_run_at": now,
        "ok": ok,
        "detail": detail[:500],
    }
    if ok:
        defaults["last_ok_at"] = now
    every = schedule().get(name)
    if every is not None:
        defaults["expected_every"] = every
    Heartbeat.objects.update_or_create(name=name, defaults=defaults)


@dataclass(frozen=True)
class Late:
    """A scheduled job that has not run well within its interval."""

    name: str
    expected_every: timedelta
    last_run_at: datetime | None
    last_ok_at: datetime | None
    failed: bool  # the last run raised (rather than: it did not run at all)
    detail: str

    @property
    def reason(self) -> str:
        if self.failed:
            return "failed"
        return "never ran" if self.last_run_at is None else "late"


def grace(every: timedelta) -> timedelta:
    return max(GRACE_MIN, every * GRACE_SHARE)


_installed_at: datetime | None = None


def installed_at() -> datetime | None:
    """When heartbeats were installed (the ops app's first migration): the clock a job
    that never ran is measured against, so a new server is not "late" on day one."""
    global _installed_at
    if _installed_at is None:
        first = (
            MigrationRecorder.Migration.objects.filter(app="ops", name="0001_initial")
            .values_list("applied", flat=True)
            .first()
        )
        _installed_at = first
    return _installed_at


def is_overdue(last_ok_at: datetime | None, every: timedelta, now: datetime) -> bool:
    since = last_ok_at or installed_at()
    return since is None or since + every + grace(every) < now


def late(now: datetime | None = None) -> list[Late]:
    """Jobs in DIGIWARD_SCHEDULE that failed last time or have not succeeded in time.

    A job that never ran counts as late too, once its interval has passed since the
    install: a forgotten timer is exactly what a dead-man's switch is for. One query
    (plus one per process for the install time), cheap enough for /readyz.
    """
    now = now or timezone.now()
    rows = {hb.name: hb for hb in Heartbeat.objects.all()}
    result = []
    for name, every in schedule().items():
        hb = rows.get(name)
        if hb is None:
            if is_overdue(None, every, now):
                result.append(Late(name, every, None, None, failed=False, detail=""))
            continue
        failed = not hb.ok
        overdue = is_overdue(hb.last_ok_at, every, now)
        if failed or overdue:
            result.append(
                Late(name, every, hb.last_run_at, hb.last_ok_at, failed=failed, detail=hb.detail)
            )
    return result
