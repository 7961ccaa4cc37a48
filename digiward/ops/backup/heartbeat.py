"""Records backups and restore drills as heartbeats (digiward.ops.heartbeats), so
/readyz and the admin's home page can say when one is late or failed."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection

from digiward.ops import heartbeats
from digiward.ops.models import Heartbeat

logger = logging.getLogger(__name__)


def beat(name: str, *, ok: bool, detail: str = "") -> None:
    if Heartbeat._meta.db_table not in connection.introspection.table_names():
        # A database of a version before heartbeats, backed up before its upgrade: the
        # backup is good, there is just nowhere to record it yet.
        logger.warning("the %s heartbeat is not recorded: this database has no heartbeats", name)
        return
    try:
        heartbeats.beat(name, ok=ok, detail=detail[:500])
    except DatabaseError:
        # A heartbeat that cannot be written must not turn a good backup into a failed
        # command (the database may be the very thing being repaired).
        logger.exception("could not record the %s heartbeat", name)
