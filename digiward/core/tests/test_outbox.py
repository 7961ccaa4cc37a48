"""The notification outbox: after commit, retries, pluggable channels, no double sends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from digiward.core.models import OutboxMessage, OutboxStatus
from digiward.core.outbox import (
    UnknownChannel,
    notification_queue,
    outbox_deliver,
    outbox_deliver_due,
    retry_delay,
)

pytestmark = pytest.mark.django_db

CHANNELS = {
    "email": "digiward.core.outbox.EmailChannel",
    "flaky": "digiward.core.tests.test_outbox.FlakyChannel",
}


class FlakyChannel:
    """A gateway that is down for its first `failures` sends."""

    failures = 0
    sent: list[str] = []

    def send(self, message: OutboxMessage) -> None:
        if FlakyChannel.failures > 0:
            FlakyChannel.failures -= 1
            raise ConnectionError("gateway timeout")
        FlakyChannel.sent.append(message.recipient)


def test_email_is_sent_after_the_transaction_commits(commune, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(
            channel="email",
            recipient="ba.nam@example.vn",
            subject="Lịch hẹn",
            body="Cán bộ sẽ đến lúc 9 giờ.",
            commune=commune,
        )
        assert len(mail.outbox) == 0  # not before the commit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Lịch hẹn" and mail.outbox[0].to == ["ba.nam@example.vn"]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None


def test_nothing_is_sent_when_the_change_is_rolled_back(
    commune, django_capture_on_commit_callbacks
):
    def change_that_fails() -> None:
        with transaction.atomic():
            notification_queue(channel="email", recipient="x@example.vn", subject="S", body="B")
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()
    assert len(mail.outbox) == 0
    assert OutboxMessage.objects.count() == 0


def test_dedupe_key_queues_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_queue(
            channel="email", recipient="a@b.vn", subject="S", body="B", dedupe_key="shift:1:user:2"
        )
        second = notification_queue(
            channel="email", recipient="a@b.vn", subject="S", body="B", dedupe_key="shift:1:user:2"
        )
    assert first is not None and second is None
    assert len(mail.outbox) == 1


def test_unknown_channel_is_refused():
    with pytest.raises(UnknownChannel):
        notification_queue(channel="zalo", recipient="0912345678", subject="S", body="B")


@override_settings(DIGIWARD_NOTIFICATION_CHANNELS=CHANNELS, DIGIWARD_OUTBOX_MAX_ATTEMPTS=3)
def test_a_failing_channel_is_retried_then_given_up(django_capture_on_commit_callbacks):
    FlakyChannel.failures, FlakyChannel.sent = 10, []
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(channel="flaky", recipient="0912345678", subject="S", body="B")
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "gateway timeout" in message.last_error
    assert message.next_attempt_at > timezone.now()
    # Not due yet: nothing happens.
    assert outbox_deliver(message.pk) is None
    for attempt in (2, 3):
        OutboxMessage.objects.filter(pk=message.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        outbox_deliver_due()
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.status == OutboxStatus.FAILED and FlakyChannel.sent == []


@override_settings(DIGIWARD_NOTIFICATION_CHANNELS=CHANNELS)
def test_a_recovered_channel_delivers_exactly_once(django_capture_on_commit_callbacks):
    FlakyChannel.failures, FlakyChannel.sent = 1, []
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_queue(channel="flaky", recipient="0912345678", subject="S", body="B")
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    assert outbox_deliver(message.pk) is None  # already sent: a second worker does nothing
    assert FlakyChannel.sent == ["0912345678"]


def test_retry_delay_grows_and_is_capped():
    delays = [retry_delay(n) for n in range(1, 10)]
    assert delays == sorted(delays)
    assert delays[0] == timedelta(minutes=1) and delays[-1] == timedelta(days=1)
