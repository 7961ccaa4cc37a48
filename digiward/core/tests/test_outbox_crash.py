"""The outbox delivers each message at most once across a worker crash (issue 17).

A child process claims a message and is SIGKILLed inside the channel's `send`, the way
a worker dies when the server restarts or runs out of memory. Once the claim's lease is
over, the next `deliver_outbox` pass decides: a channel that cannot send twice (the phone
channel: per-provider delivery rows, RequestId) gets it again, exactly once; any other
(e-mail: the SMTP server may already have it) marks it failed and says why.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from digiward.core.models import OutboxMessage, OutboxStatus
from digiward.core.outbox import outbox_deliver_due, outbox_recover_interrupted
from digiward.core.tests.worker_kill import child_database_url
from digiward.ops.selectors import stuck_outbox_count

ROOT = Path(__file__).resolve().parents[3]

CHANNELS = {
    "email": "digiward.core.outbox.EmailChannel",
    "fragile": "digiward.core.tests.test_outbox_crash.FragileChannel",
    "idempotent": "digiward.core.tests.test_outbox_crash.IdempotentChannel",
}

# The child's channels hang inside send (after telling the parent they are there).
CHILD = """
import os, sys, time
import django
django.setup()
from django.test.utils import override_settings
override_settings(DIGIWARD_NOTIFICATION_CHANNELS={
    "fragile": "digiward.core.tests.test_outbox_crash.HangingChannel",
    "idempotent": "digiward.core.tests.test_outbox_crash.HangingChannel",
}).enable()
from digiward.core.outbox import outbox_deliver
outbox_deliver(int(sys.argv[1]))
"""


class HangingChannel:
    def send(self, message: OutboxMessage) -> None:
        Path(os.environ["DIGIWARD_TEST_MARKER"]).write_text("in send")
        time.sleep(120)


class FragileChannel:
    """Like e-mail: a repeat would reach the person twice."""

    resend_safe = False
    sent: list[int] = []

    def send(self, message: OutboxMessage) -> None:
        FragileChannel.sent.append(message.pk)


class IdempotentChannel:
    resend_safe = True
    sent: list[int] = []

    def send(self, message: OutboxMessage) -> None:
        IdempotentChannel.sent.append(message.pk)


def _kill_a_worker_inside_send(message: OutboxMessage, tmp_path: Path) -> None:
    marker = tmp_path / f"in-send-{message.pk}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DIGIWARD_ENV": "test",
        "DATABASE_URL": child_database_url(),
        "DIGIWARD_TEST_MARKER": str(marker),
    }
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(message.pk)], cwd=ROOT, env=env)
    try:
        for _ in range(300):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "the child never reached the channel"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


def _lease_runs_out(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def _message(channel: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel=channel, recipient="+84912345678", subject="Nhắc lịch", body="Ngày mai 8:00"
    )


@pytest.mark.django_db(transaction=True)
@override_settings(DIGIWARD_NOTIFICATION_CHANNELS=CHANNELS)
def test_a_message_that_could_go_twice_is_failed_not_resent_after_a_crash(tmp_path):
    FragileChannel.sent = []
    message = _message("fragile")
    _kill_a_worker_inside_send(message, tmp_path)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENDING, 1)
    assert outbox_deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # lease not over
    _lease_runs_out(message)
    outbox_deliver_due()
    outbox_deliver_due()
    message.refresh_from_db()
    assert (
        message.status == OutboxStatus.FAILED and "Interrupted while sending" in message.last_error
    )
    assert FragileChannel.sent == []


@pytest.mark.django_db(transaction=True)
@override_settings(DIGIWARD_NOTIFICATION_CHANNELS=CHANNELS)
def test_a_resend_safe_message_goes_exactly_once_after_a_crash(tmp_path):
    IdempotentChannel.sent = []
    message = _message("idempotent")
    _kill_a_worker_inside_send(message, tmp_path)
    _lease_runs_out(message)
    assert outbox_deliver_due()["sent"] == 1
    assert outbox_deliver_due()["sent"] == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert IdempotentChannel.sent == [message.pk]


@pytest.mark.django_db
@override_settings(DIGIWARD_NOTIFICATION_CHANNELS=CHANNELS)
def test_a_message_being_sent_is_not_stuck_until_its_lease_is_over():
    message = _message("fragile")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert outbox_recover_interrupted() == {"resumed": 0, "interrupted": 0}
    assert stuck_outbox_count() == 0


@pytest.mark.django_db
def test_a_message_whose_sender_died_counts_as_stuck_after_the_grace():
    message = _message("fragile")
    long_ago = timezone.now() - timedelta(minutes=settings.DIGIWARD_OUTBOX_STUCK_MINUTES + 5)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, next_attempt_at=long_ago
    )
    assert stuck_outbox_count() == 1
