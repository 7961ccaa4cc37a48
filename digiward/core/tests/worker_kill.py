"""Kill a real job's worker in the middle of its writes (issue 17, faults).

`kill_at_first_write(job, r'INSERT INTO "registry_resident"')` runs the job's own task in
a child process, as the worker does (same settings, same database, the task looked up by
the job's `task_path`), and pauses it right after the first SQL statement that matches:
that statement has run inside the job's transaction but nothing is committed yet. Then
it sends SIGKILL, the signal a worker gets from the kernel's out-of-memory killer or a
`systemctl kill`, which no Python code can catch or clean up after.

The caller then shows that the database holds none of the job's writes, that the job
shows as failed (`jobs_mark_dead`) and that running it again gives the same result.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

from digiward.core.models import Job

ROOT = Path(__file__).resolve().parents[3]

CHILD = r"""
import re, sys, time
import django
django.setup()
from django.db import connection
from django.utils.module_loading import import_string
from digiward.core.models import Job

job_id, marker, pattern = sys.argv[1:4]
write = re.compile(pattern, re.IGNORECASE)

def pause_after_first_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if write.search(sql):
        with open(marker, "w") as out:
            out.write(sql[:300])
        time.sleep(600)  # until the parent kills this process
    return result

job = Job.objects.get(pk=job_id)
with connection.execute_wrapper(pause_after_first_write):
    import_string(job.task_path).call(job_id)
"""


def child_database_url() -> str:
    """The test database as a DATABASE_URL, for a child process to open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def kill_at_first_write(job: Job, write: str, *, timeout: float = 120.0) -> str:
    """Run `job` in a child process, SIGKILL it after its first statement matching the
    regular expression `write`, and return that statement (fails if it never came)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DIGIWARD_ENV": "test",
        "DATABASE_URL": child_database_url(),
    }
    with tempfile.TemporaryDirectory() as scratch:
        marker = Path(scratch) / "wrote"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(job.pk), str(marker), write], cwd=ROOT, env=env
        )
        try:
            deadline = time.monotonic() + timeout
            while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if not marker.exists():
                raise AssertionError(
                    f"the job never ran a statement matching {write!r} "
                    f"(child exit code {child.poll()})"
                )
            time.sleep(0.05)  # the marker's text is written whole before the kill
            statement = marker.read_text()
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
    return statement
