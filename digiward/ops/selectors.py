"""What the operations side shows: server health for the commune administrator's home page,
and the checks behind /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone

from digiward.core.access import Access
from digiward.core.models import OutboxMessage, OutboxStatus
from digiward.core.models.accounts import Role
from digiward.ops.heartbeats import Late, late
from digiward.ops.models import Heartbeat

RESTORE_DRILL = "restore_drill"


def sees_server_health(access: Access) -> bool:
    """Superusers and commune administrators: the people who phone the province's IT team."""
    return access.user.is_superuser or Role.COMMUNE_ADMIN in access.roles


@dataclass(frozen=True)
class ServerHealth:
    late: list[Late]
    restore_drill: Heartbeat | None


def server_health(access: Access) -> ServerHealth | None:
    """Late scheduled jobs and the last restore drill, or None for who may not see them.

    Server-wide, not per commune: one server runs the timers for every commune on it,
    and nothing here names a person (job names, times, an error summary)."""
    if not sees_server_health(access):
        return None
    return ServerHealth(
        late=late(),
        restore_drill=Heartbeat.objects.filter(name=RESTORE_DRILL).first(),
    )


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations in the code that the database has not applied ("app.name")."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def stuck_outbox_count(now: datetime | None = None) -> int:
    """Pending (or being-sent) messages due for longer than DIGIWARD_OUTBOX_STUCK_MINUTES.

    A message is due from `next_attempt_at`, or from its creation when it was never tried.
    A message being sent holds a claim lease (next_attempt_at in the future), so it does
    not count; one whose sender died (still "sending") counts again once its lease and
    the grace are over and no worker has recovered it."""
    now = now or timezone.now()
    before = now - timedelta(minutes=settings.DIGIWARD_OUTBOX_STUCK_MINUTES)
    return (
        OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
        .filter(
            Q(next_attempt_at__lt=before) | Q(next_attempt_at__isnull=True, created_at__lt=before)
        )
        .count()
    )
