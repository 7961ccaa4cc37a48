"""The "phone" outbox channel: ZNS first, SMS when Zalo refuses or gives no receipt.

Each provider gets at most one Delivery row per outbox row (a unique constraint): a
message already sent or delivered through a provider is never sent through it again,
whatever the outbox retries. The outbox row id is the ZNS `tracking_id` and the eSMS
`RequestId`. 5xx answers retry later with the outbox's back-off; a ZNS time-out is not
resent (Zalo may have sent it) and becomes an SMS if no receipt comes in time; an SMS
time-out is resent with the same RequestId, which the gateway refuses to send twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from digiward.core.models import OutboxMessage
from digiward.core.outbox import DeliveryRefused
from digiward.messaging.http import Refused, TimedOut, Transient
from digiward.messaging.models import (
    Delivery,
    DeliveryStatus,
    PhoneMessage,
    Provider,
)
from digiward.messaging.services import may_message, template_id_for
from digiward.messaging.sms import sms_configured, sms_gateway
from digiward.messaging.templates import TemplateError, template_validate
from digiward.messaging.text import no_diacritics, sms_segments
from digiward.messaging.zns import RefreshFailed, zns_configured, zns_send

logger = logging.getLogger(__name__)

# A 5xx (or a connection that failed before Zalo answered) is retried with the outbox's
# back-off this many times in all; then the message goes by SMS rather than wait longer.
ZNS_TRANSIENT_TRIES = 3

DONE = {DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.UNKNOWN}
GIVEN_UP = {DeliveryStatus.REFUSED, DeliveryStatus.FAILED}
NOT_SENT = GIVEN_UP | {DeliveryStatus.RETRY}


def sms_callback_url() -> str:
    base = (
        settings.DIGIWARD_PUBLIC_BASE_URL.rstrip("/") if settings.DIGIWARD_PUBLIC_BASE_URL else ""
    )
    if not base:
        return ""
    return f"{base}/hooks/sms/{settings.DIGIWARD_SMS_CALLBACK_TOKEN}/"


def _delivery(message: OutboxMessage, provider: str) -> Delivery:
    try:
        with transaction.atomic():
            row, _created = Delivery.objects.get_or_create(
                outbox=message,
                provider=provider,
                defaults={"commune": message.commune, "status": DeliveryStatus.RETRY},
            )
    except IntegrityError:  # another worker made it a moment ago
        row = Delivery.objects.get(outbox=message, provider=provider)
    return row


def _save(row: Delivery, status: str, reason: str = "", **fields: object) -> None:
    values: dict[str, object] = {"status": status, "reason": reason[:300], **fields}
    if status == DeliveryStatus.SENT:
        values["sent_at"] = timezone.now()
    elif status in NOT_SENT:  # the in-flight mark is undone: nothing went out, nothing costs
        values.setdefault("sent_at", None)
    Delivery.objects.filter(pk=row.pk).update(**values)


def _try_zns(message: OutboxMessage, phone_msg: PhoneMessage | None) -> str | None:
    """None when sent (or to be waited for); the reason when Zalo will not take it."""
    if not zns_configured():
        return "ZNS not configured"
    if not may_message(message.commune, message.recipient, Provider.ZNS):
        return "no consent for Zalo"
    if phone_msg is None:
        return "no template parameters"
    row = _delivery(message, Provider.ZNS)
    if row.status in DONE:
        return None
    if row.status in GIVEN_UP:
        return row.reason
    # In flight: "unknown" is written (and committed) before Zalo is called, so a worker
    # killed during the call leaves a row that is never sent through Zalo again, only
    # followed by an SMS if no receipt comes (at most once per provider).
    Delivery.objects.filter(pk=row.pk).update(
        tries=row.tries + 1,
        status=DeliveryStatus.UNKNOWN,
        reason="in flight",
        sent_at=timezone.now(),
    )
    template_id = template_id_for(message.commune, phone_msg.kind)
    try:
        if not template_id:
            raise Refused(f"no ZNS template id for {phone_msg.kind}")
        data = template_validate(phone_msg.kind, phone_msg.params)
        sent = zns_send(
            phone=message.recipient,
            template_id=template_id,
            data=data,
            tracking_id=str(message.pk),
        )
    except (Refused, TemplateError) as exc:
        _save(row, DeliveryStatus.REFUSED, str(exc))
        return str(exc)
    except RefreshFailed as exc:
        _save(row, DeliveryStatus.REFUSED, f"token refresh failed: {exc}")
        if exc.first:
            _alert_refresh_failed(message, str(exc))
        return f"token refresh failed: {exc}"
    except TimedOut as exc:
        _save(row, DeliveryStatus.UNKNOWN, str(exc), sent_at=timezone.now())
        return None
    except Transient as exc:
        if row.tries + 1 >= ZNS_TRANSIENT_TRIES:  # Zalo down for a while: the SMS goes
            reason = f"Zalo unavailable after {row.tries + 1} tries: {exc}"
            _save(row, DeliveryStatus.FAILED, reason)
            return reason
        _save(row, DeliveryStatus.RETRY, str(exc))
        raise
    _save(
        row, DeliveryStatus.SENT, provider_id=sent.msg_id, cost_vnd=settings.DIGIWARD_ZNS_COST_VND
    )
    return None


def _try_sms(message: OutboxMessage, phone_msg: PhoneMessage | None) -> str | None:
    if not sms_configured():
        return "SMS not configured"
    if not may_message(message.commune, message.recipient, Provider.SMS):
        return "no consent for SMS"
    row = _delivery(message, Provider.SMS)
    if row.status in DONE - {DeliveryStatus.UNKNOWN}:
        return None
    if row.status in GIVEN_UP:
        return row.reason
    text = no_diacritics(phone_msg.sms_text if phone_msg else message.body)
    segments = sms_segments(text).count
    Delivery.objects.filter(pk=row.pk).update(tries=row.tries + 1, segments=segments)
    try:
        sent = sms_gateway().send(
            phone=message.recipient,
            text=text,
            request_id=str(message.pk),
            callback_url=sms_callback_url(),
        )
    except Refused as exc:
        _save(row, DeliveryStatus.REFUSED, str(exc))
        return str(exc)
    except Transient as exc:  # time-outs too: the same RequestId is never sent twice
        _save(row, DeliveryStatus.RETRY, str(exc))
        raise
    cost = sent.cost_vnd or segments * settings.DIGIWARD_SMS_COST_VND
    _save(row, DeliveryStatus.SENT, provider_id=sent.provider_id, cost_vnd=cost)
    return None


def sms_fallback(message: OutboxMessage) -> int:
    """SMS for a message Zalo took but never confirmed (called by the sweep)."""
    phone_msg = PhoneMessage.objects.filter(outbox=message).first()
    try:
        return int(_try_sms(message, phone_msg) is None)
    except Transient:
        return 0


def _alert_refresh_failed(message: OutboxMessage, reason: str) -> None:
    from digiward.core.alerts import security_alert

    security_alert(
        kind="zns-token",
        commune=message.commune,
        about=None,
        what=f"The Zalo (ZNS) access token could not be refreshed: {reason}. Messages go "
        "by SMS until `digiward zns_connect --refresh-token …` is run with a new token.",
    )


class PhoneChannel:
    """Outbox channel "phone": `message.recipient` is an E.164 Vietnamese mobile number.

    Resend-safe: a message whose worker died mid-send is tried again, and each provider's
    Delivery row decides whether that provider may send (a ZNS call that never answered
    is "unknown" and waits for its receipt; eSMS refuses a RequestId it has seen)."""

    resend_safe = True

    def send(self, message: OutboxMessage) -> None:
        phone_msg = PhoneMessage.objects.filter(outbox=message).first()
        reasons = []
        for attempt in (_try_zns, _try_sms):
            reason = attempt(message, phone_msg)
            if reason is None:
                return
            reasons.append(reason)
        raise DeliveryRefused("; ".join(reasons))
