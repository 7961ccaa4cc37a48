"""The `digiward` console script: Django's manage.py under the product's name.

Scheduled commands (the keys of settings.DIGIWARD_SCHEDULE, run by systemd timers) record
a heartbeat when they finish, so /readyz and the administrator's home page can say when
one stopped running (digiward/ops/heartbeats.py). Doing it here, around the command, means
no command has to remember to do it, and a command that crashes records the failure.
"""

import logging
import os
import sys
from datetime import UTC, datetime


def _scheduled_name(argv: list[str]) -> str | None:
    """The heartbeat name of the command in `argv` if it is scheduled, else None."""
    if len(argv) < 2 or argv[1].startswith("-"):
        return None
    from django.conf import settings

    try:
        schedule = getattr(settings, "DIGIWARD_SCHEDULE", {})
    except Exception:  # settings that do not load: let Django report it as usual
        return None
    return argv[1] if argv[1] in schedule else None


def _beat(name: str, started: datetime, *, ok: bool, detail: str = "") -> None:
    from django.db import DatabaseError

    from digiward.ops.heartbeats import beat
    from digiward.ops.models import Heartbeat

    try:
        # A command that records its own heartbeat (backup: with its summary) has the
        # last word: do not overwrite its detail with ours.
        if Heartbeat.objects.filter(name=name, last_run_at__gte=started).exists():
            return
        beat(name, ok=ok, detail=detail)
    except DatabaseError:
        # The command's own outcome matters more than its heartbeat: log and go on.
        logging.getLogger("digiward.ops").exception("could not record the %s heartbeat", name)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    name = _scheduled_name(sys.argv)
    if name is None:
        execute_from_command_line(sys.argv)
        return
    started = datetime.now(UTC)
    try:
        execute_from_command_line(sys.argv)
    except SystemExit as stop:
        # A CommandError is printed by Django and turned into exit status 1.
        if stop.code not in (None, 0):
            _beat(name, started, ok=False, detail=f"exit status {stop.code}")
        else:
            _beat(name, started, ok=True)
        raise
    except BaseException as error:
        _beat(name, started, ok=False, detail=f"{type(error).__name__}: {error}")
        raise
    else:
        _beat(name, started, ok=True)


if __name__ == "__main__":
    main()
