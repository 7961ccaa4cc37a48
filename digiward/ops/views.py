"""`/readyz`: can this server do its work? For monitoring, not for people.

/healthz (digiward/core) says the process answers; /readyz says whether it is doing its
job: the database answers, every migration is applied, a background worker is alive, the
outbox is moving, and no scheduled job (backups, reminders, retention) is late. 200 with
{"ready": true, ...} or 503 with the reasons. No sign-in, no personal data (check names,
counts and ages only), and cheap: three small queries, the migration check cached.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from digiward.ops.heartbeats import late
from digiward.ops.selectors import stuck_outbox_count, unapplied_migrations

WORKER = "worker"
# Migrations change only with a deploy (which restarts the process): a good answer is
# kept for 5 minutes, a bad one for 10 s so a finished `migrate` shows up quickly.
MIGRATIONS_CACHE_KEY = "ops:readyz:unapplied"
MIGRATIONS_OK_SECONDS = 300
MIGRATIONS_PENDING_SECONDS = 10


def _unapplied_cached() -> list[str]:
    cached: list[str] | None = cache.get(MIGRATIONS_CACHE_KEY)
    if cached is not None:
        return cached
    pending = unapplied_migrations()
    cache.set(
        MIGRATIONS_CACHE_KEY,
        pending,
        MIGRATIONS_PENDING_SECONDS if pending else MIGRATIONS_OK_SECONDS,
    )
    return pending


def readiness() -> dict[str, Any]:
    """The checks, as a JSON-ready dict with "ready" and, when not ready, "reasons"."""
    checks: dict[str, Any] = {}
    reasons: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        # Nothing else can be checked without the database.
        return {"ready": False, "reasons": ["database"], "checks": {"database": "down"}}
    checks["database"] = "ok"

    pending = _unapplied_cached()
    checks["migrations"] = {"unapplied": len(pending)}
    if pending:
        reasons.append("migrations")

    now = timezone.now()
    late_jobs = {job.name: job for job in late(now)}
    worker = late_jobs.pop(WORKER, None)
    if worker is not None:
        reasons.append("worker")
    checks["worker"] = "late" if worker is not None else "ok"

    stuck = stuck_outbox_count(now)
    checks["outbox"] = {"stuck": stuck, "after_minutes": settings.DIGIWARD_OUTBOX_STUCK_MINUTES}
    if stuck:
        reasons.append("outbox")

    checks["scheduled"] = {
        name: {
            "state": job.reason,
            "last_ok_age_seconds": (
                int((now - job.last_ok_at).total_seconds()) if job.last_ok_at else None
            ),
        }
        for name, job in sorted(late_jobs.items())
    }
    if late_jobs:
        reasons.append("scheduled")

    result: dict[str, Any] = {"ready": not reasons, "checks": checks}
    if reasons:
        result["reasons"] = reasons
    return result


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    body = readiness()
    return JsonResponse(body, status=200 if body["ready"] else 503)
