"""/readyz and the heartbeats behind it: the dead-man's switch over the worker, the outbox
and every scheduled job (issue 17)."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from config import manage
from digiward.core.models import OutboxMessage
from digiward.ops import heartbeats
from digiward.ops.heartbeats import beat, late
from digiward.ops.models import Heartbeat

SCHEDULE = {"worker": timedelta(minutes=1), "backup": timedelta(days=1)}


@pytest.fixture
def schedule(settings):
    settings.DIGIWARD_SCHEDULE = SCHEDULE
    cache.clear()  # the migration check is cached between requests
    return SCHEDULE


def _all_beat() -> None:
    for name in SCHEDULE:
        beat(name)


def _ready() -> tuple[int, dict]:
    response = Client().get("/readyz")
    return response.status_code, response.json()


def test_readyz_answers_200_when_everything_ran(db, schedule):
    _all_beat()
    status, body = _ready()
    assert status == 200
    assert body["ready"] is True and "reasons" not in body
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == {"unapplied": 0}
    assert body["checks"]["worker"] == "ok"


def test_readyz_is_503_when_the_worker_stopped_beating(db, schedule):
    _all_beat()
    Heartbeat.objects.filter(name="worker").update(
        last_ok_at=timezone.now() - timedelta(minutes=10)
    )
    status, body = _ready()
    assert status == 503
    assert body["reasons"] == ["worker"]
    assert body["checks"]["worker"] == "late"


def test_a_failed_backup_is_reported_even_when_it_ran_on_time(db, schedule):
    _all_beat()
    beat("backup", ok=False, detail="disk full")
    status, body = _ready()
    assert status == 503 and body["reasons"] == ["scheduled"]
    assert body["checks"]["scheduled"]["backup"]["state"] == "failed"
    # the detail (which could name paths) stays on the server: readyz gives states only
    assert "disk full" not in str(body)


def test_an_outbox_message_due_for_too_long_is_stuck(db, schedule, settings):
    _all_beat()
    message = OutboxMessage.objects.create(
        channel="email", recipient="mai@example.org", subject="s", body="b"
    )
    status, _ = _ready()
    assert status == 200  # just queued: not stuck
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.DIGIWARD_OUTBOX_STUCK_MINUTES + 1)
    )
    status, body = _ready()
    assert status == 503 and body["reasons"] == ["outbox"]
    assert body["checks"]["outbox"]["stuck"] == 1
    assert "mai@example.org" not in str(body)


def test_a_job_that_never_ran_is_late_only_after_its_interval_since_install(db, schedule):
    beat("worker")
    installed = heartbeats.installed_at()
    assert installed is not None
    # a new server is not late on day one for a daily job that has not had its turn yet
    assert "backup" not in {job.name for job in late(installed + timedelta(hours=1))}
    day_two = installed + timedelta(days=2)
    backup = [job for job in late(day_two) if job.name == "backup"]
    assert backup and backup[0].reason == "never ran"


def test_readyz_takes_no_post(db, schedule):
    assert Client().post("/readyz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_command_records_its_heartbeat_and_its_failure(settings, monkeypatch):
    settings.DIGIWARD_SCHEDULE = {"check": timedelta(days=1)}
    monkeypatch.setattr(sys, "argv", ["digiward", "check"])
    manage.main()
    ok = Heartbeat.objects.get(name="check")
    assert ok.ok and ok.last_ok_at is not None

    monkeypatch.setattr(sys, "argv", ["digiward", "check", "--tag", "no-such-tag"])
    with pytest.raises(SystemExit):
        manage.main()
    failed = Heartbeat.objects.get(name="check")
    assert not failed.ok and "exit status 1" in failed.detail
    assert failed.last_ok_at == ok.last_ok_at  # the last success is kept


def test_only_scheduled_commands_get_a_heartbeat(settings):
    settings.DIGIWARD_SCHEDULE = {"backup": timedelta(days=1)}
    assert manage._scheduled_name(["digiward", "backup", "--verify"]) == "backup"
    assert manage._scheduled_name(["digiward", "check"]) is None
    assert manage._scheduled_name(["digiward", "--help"]) is None
