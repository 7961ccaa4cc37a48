"""`digiward run_worker`: django-tasks' db_worker, plus a heartbeat.

The worker loop belongs to django-tasks-db; rather than copy it, a daemon thread beats
the "worker" heartbeat every DIGIWARD_WORKER_BEAT_SECONDS while the process lives. It
says "a worker process is up and reaches the database" (what /readyz needs to know); a
job stuck inside the worker is caught by that job's own lease (digiward/core/jobs.py).
Options are db_worker's (`--no-reload`, `--queue-name`, `-v`, ...).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from digiward.ops.heartbeats import beat

logger = logging.getLogger(__name__)

HEARTBEAT_NAME = "worker"


class WorkerHeartbeat(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    beat(HEARTBEAT_NAME, ok=True)
                except DatabaseError:  # busy or down: the next beat will tell
                    logger.warning("worker heartbeat not written")
                if self.stopped.wait(self.interval):
                    return
        finally:
            connections.close_all()  # this thread's own connection


class Command(DbWorkerCommand):
    help = "Run background jobs (django-tasks' db_worker) and record the worker's heartbeat."

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = WorkerHeartbeat(settings.DIGIWARD_WORKER_BEAT_SECONDS)
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
