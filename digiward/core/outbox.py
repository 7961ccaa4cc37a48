"""Queueing and delivering notifications through pluggable channels.

    notification_queue(channel="email", recipient="a@b.vn", subject=..., body=...)

The row is written in the caller's transaction; delivery is queued with
`transaction.on_commit`, so a rolled-back change never notifies anyone. A
channel is any class with `send(message)`; settings.DIGIWARD_NOTIFICATION_CHANNELS
maps names to classes, so an SMS or Zalo gateway is one more entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from digiward.core.models import Commune, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# A claimed message is not picked up again by another worker for this long.
CLAIM_LEASE = timedelta(minutes=5)


class Channel(Protocol):
    # True when sending the same message again cannot reach the person twice (the
    # channel or its gateway recognises a repeat): only then is a message whose worker
    # died in the middle of sending tried again. Absent means False.
    resend_safe: bool

    def send(self, message: OutboxMessage) -> None: ...


class EmailChannel:
    """Delivers through Django's email backend (SMTP in production, files in the demo).

    Not resend-safe: an SMTP server that took the message before the worker died would
    deliver a second copy, so an interrupted e-mail is marked failed, never resent."""

    resend_safe = False

    def send(self, message: OutboxMessage) -> None:
        send_mail(
            subject=message.subject,
            message=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[message.recipient],
            fail_silently=False,
        )


class UnknownChannel(ValueError):
    pass


class DeliveryRefused(Exception):
    """Raised by a channel when the message can never go (no retry): marked failed now."""


# Apps that own channels register work to run after each `deliver_outbox` pass (delivery
# receipts that never came, messages too old): core calls them without importing them.
_SWEEPS: list[Callable[[], dict[str, int]]] = []


def register_sweep(sweep: Callable[[], dict[str, int]]) -> None:
    if sweep not in _SWEEPS:
        _SWEEPS.append(sweep)


def get_channel(name: str) -> Channel:
    try:
        path = settings.DIGIWARD_NOTIFICATION_CHANNELS[name]
    except KeyError:
        raise UnknownChannel(name) from None
    channel: Channel = import_string(path)()
    return channel


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64… minutes, at most a day: gentle on a gateway that is down."""
    return timedelta(minutes=min(4 ** max(attempts - 1, 0), 24 * 60))


def notification_queue(
    *,
    channel: str,
    recipient: str,
    subject: str,
    body: str,
    commune: Commune | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue one message; returns None if `dedupe_key` was already queued."""
    if channel not in settings.DIGIWARD_NOTIFICATION_CHANNELS:
        raise UnknownChannel(channel)
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = OutboxMessage.objects.create(
        commune=commune,
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        dedupe_key=dedupe_key,
    )
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int, run_after: timedelta | None = None) -> None:
    from digiward.core.tasks import deliver_outbox_message

    task = deliver_outbox_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # `digiward deliver_outbox` (cron) will retry it
        task = task.using(run_after=timezone.now() + run_after)
    task.enqueue(message_id)


def outbox_deliver(message_id: int) -> OutboxStatus | None:
    """Try to deliver one message. Returns its new status, or None if not ours to send.

    The message is claimed with a conditional UPDATE (no lock held while the
    channel talks to the outside world), so two workers never send it twice; it is
    "sending" until the channel answers, so a worker killed in between leaves a trace
    that `outbox_recover_interrupted` finds once the claim's lease is over.
    """
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=OutboxStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + CLAIM_LEASE,
        )
    )
    if not claimed:
        return None
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        get_channel(message.channel).send(message)
    except Exception as exc:  # any channel error: record it and retry later
        logger.warning(
            "outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc
        )
        give_up = isinstance(exc, DeliveryRefused) or (
            message.attempts >= settings.DIGIWARD_OUTBOX_MAX_ATTEMPTS
        )
        status = OutboxStatus.FAILED if give_up else OutboxStatus.PENDING
        delay = retry_delay(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=status,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if give_up else now + delay,
        )
        if not give_up:
            _enqueue_delivery(message.pk, run_after=delay)
        return status
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return OutboxStatus.SENT


def outbox_recover_interrupted(now: datetime | None = None) -> dict[str, int]:
    """Messages whose worker died while sending (claimed, lease over, no answer).

    At most once: a resend-safe channel gets the message again (it recognises a repeat);
    any other is marked failed with the reason, since it may already have gone out."""
    now = now or timezone.now()
    counts = {"resumed": 0, "interrupted": 0}
    stale = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, next_attempt_at__lte=now)
    for message_id, channel in stale.values_list("pk", "channel"):
        try:
            safe = bool(getattr(get_channel(channel), "resend_safe", False))
        except UnknownChannel:
            safe = False
        row = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.SENDING)
        if safe:
            counts["resumed"] += row.update(status=OutboxStatus.PENDING, next_attempt_at=now)
        else:
            counts["interrupted"] += row.update(
                status=OutboxStatus.FAILED,
                next_attempt_at=None,
                last_error=(
                    "Interrupted while sending (the worker stopped): it may or may not have "
                    "been delivered, so it is not sent again, to never send it twice."
                ),
            )
    if counts["interrupted"]:
        logger.warning("outbox: %s message(s) interrupted while sending", counts["interrupted"])
    return counts


def outbox_deliver_due(limit: int = 500) -> dict[str, int]:
    """Deliver every pending message whose time has come (for cron or after an outage)."""
    outbox_recover_interrupted()
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for pk in list(due):
        status = outbox_deliver(pk)
        if status == OutboxStatus.SENT:
            counts["sent"] += 1
        elif status == OutboxStatus.PENDING:
            counts["retry"] += 1
        elif status == OutboxStatus.FAILED:
            counts["failed"] += 1
    return counts


def outbox_run_sweeps() -> dict[str, int]:
    """Run what channel apps registered (receipts that never came, stale rows)."""
    counts: dict[str, int] = {}
    for sweep in _SWEEPS:
        for key, value in sweep().items():
            counts[key] = counts.get(key, 0) + value
    return counts
