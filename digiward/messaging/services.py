"""Queueing phone messages, consent, receipts, and the sweep run by `deliver_outbox`.

A phone message is one core outbox row on channel "phone" (recipient: the E.164
number) plus a PhoneMessage with its kind and parameters. The channel (channels.py)
tries ZNS, then SMS; e-mail, where there is an address, is queued by the caller as
its own row, exactly as before.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, OutboxMessage, OutboxStatus
from digiward.core.outbox import notification_queue
from digiward.core.permissions import Perm
from digiward.core.phones import PhoneError, format_phone, parse_phone
from digiward.core.selectors import commune_settings_for
from digiward.messaging.models import (
    Consent,
    ConsentBasis,
    Delivery,
    DeliveryStatus,
    PhoneMessage,
    Provider,
    ZnsTemplate,
)
from digiward.messaging.sms import sms_configured
from digiward.messaging.templates import KINDS
from digiward.messaging.zns import zns_configured

logger = logging.getLogger(__name__)

PHONE_CHANNEL = "phone"


def phone_channel_on() -> bool:
    return PHONE_CHANNEL in settings.DIGIWARD_NOTIFICATION_CHANNELS and (
        zns_configured() or sms_configured()
    )


def mobile_e164(raw: str) -> str:
    """'+849…' for a Vietnamese mobile number, '' for anything else."""
    try:
        phone = parse_phone(raw)
    except PhoneError:
        return ""
    return phone.e164 if phone.is_mobile else ""


def ward_phone(commune: Commune) -> str:
    """The ward's phone as people read it aloud: the one of the ward's contacts (core's
    commune settings), the same number every public page shows."""
    phone = commune_settings_for(commune).phone
    return format_phone(phone) if phone else ""


def stop_line(commune: Commune) -> str:
    phone = ward_phone(commune)
    if phone:
        return _("To stop these messages, call %(phone)s.") % {"phone": phone}
    return _("To stop these messages, tell the People's Committee of %(commune)s.") % {
        "commune": commune.name
    }


# --- Consent ------------------------------------------------------------------------------


def consent_record(
    *, commune: Commune, phone: str, basis: str, source: str, providers: tuple[str, ...] = ()
) -> int:
    """Record a lawful basis for `phone`; never overrides an opt-out. Returns rows added."""
    added = 0
    for provider in providers or tuple(Provider.values):
        _row, created = Consent.objects.get_or_create(
            commune=commune,
            phone=phone,
            provider=provider,
            defaults={
                "basis": basis,
                "source": source[:200],
                "granted": True,
                "recorded_at": timezone.now(),
            },
        )
        added += created
    return added


def consent_withdraw(*, commune: Commune, phone: str, source: str) -> None:
    """The person said stop (by phone, at the desk): no more Zalo or SMS to this number."""
    for provider in Provider.values:
        Consent.objects.update_or_create(
            commune=commune,
            phone=phone,
            provider=provider,
            defaults={
                "granted": False,
                "basis": ConsentBasis.CONSENT,
                "source": source[:200],
                "recorded_at": timezone.now(),
            },
        )


@transaction.atomic
def consent_opt_out(*, access: Access, phone: str, source: str) -> Consent:
    """A commune admin records that someone asked to stop (by phone, at the desk)."""
    access.require(Perm.MANAGE_MEMBERS)
    e164 = mobile_e164(phone)
    if not e164:
        raise DomainError(_("Enter a Vietnamese mobile number."), field="phone")
    source = source.strip()
    if not source:
        raise DomainError(_("Say how the person asked to stop."), field="source")
    consent_withdraw(commune=access.commune, phone=e164, source=source)
    row = Consent.objects.get(commune=access.commune, phone=e164, provider=Provider.ZNS)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        object_type="messaging.consent",
        object_id=row.pk,
        object_repr=f"opt-out {e164}",
        changes={"granted": False, "source": source[:200]},
        note="opt-out recorded: no more Zalo or SMS",
    )
    return row


def may_message(commune: Commune | None, phone: str, provider: str) -> bool:
    if commune is None:
        return False
    return Consent.objects.filter(
        commune=commune, phone=phone, provider=provider, granted=True
    ).exists()


# --- Settings -----------------------------------------------------------------------------


def template_id_for(commune: Commune | None, kind: str) -> str:
    """The commune's own ZNS template id for `kind`, else the installation's, else ''."""
    ids: dict[int | None, str] = dict(
        ZnsTemplate.objects.filter(Q(commune=commune) | Q(commune__isnull=True), kind=kind)
        .exclude(template_id="")
        .values_list("commune_id", "template_id")
    )
    own = ids.get(commune.pk) if commune is not None else None
    return own or ids.get(None, "")


def zns_templates_set(*, kind: str, template_id: str) -> ZnsTemplate:
    """The installation's id for one kind (operators, `digiward zns_templates --set`)."""
    if kind not in KINDS or not template_id.isdigit():
        raise DomainError(f"expected KIND=ID with KIND one of {', '.join(KINDS)}", field="kind")
    row, _created = ZnsTemplate.objects.update_or_create(
        commune=None, kind=kind, defaults={"template_id": template_id}
    )
    return row


@transaction.atomic
def messaging_settings_save(*, access: Access, template_ids: dict[str, str]) -> None:
    """The commune's own ZNS template ids ('' = the installation's). Only this commune's
    rows change. (The phone printed in messages is the ward's contacts' one.)"""
    access.require(Perm.MANAGE_MEMBERS)
    commune = access.commune
    unknown = set(template_ids) - set(KINDS)
    if unknown:
        raise DomainError(_("Unknown message kind."))
    before = dict(ZnsTemplate.objects.filter(commune=commune).values_list("kind", "template_id"))
    for kind, template_id in template_ids.items():
        if template_id:
            ZnsTemplate.objects.update_or_create(
                commune=commune, kind=kind, defaults={"template_id": template_id}
            )
        else:
            ZnsTemplate.objects.filter(commune=commune, kind=kind).delete()
    changes: dict[str, object] = {
        f"template_{kind}": [before.get(kind, ""), template_id]
        for kind, template_id in template_ids.items()
        if before.get(kind, "") != template_id
    }
    audit_record(
        action=AuditAction.CHANGE,
        commune=commune,
        object_type="messaging.settings",
        changes=changes,
        note="ZNS template ids",
    )


# --- Queueing -----------------------------------------------------------------------------


def phone_queue(
    *,
    kind: str,
    phone: str,
    params: dict[str, str],
    subject: str,
    text: str,
    commune: Commune,
    dedupe_key: str,
) -> OutboxMessage | None:
    """Queue a Zalo/SMS message to `phone` if a channel is set up and we may message it."""
    if not phone_channel_on():
        return None
    e164 = mobile_e164(phone)
    if not e164 or not any(may_message(commune, e164, p) for p in Provider.values):
        return None
    with translation.override("vi"):
        stop = stop_line(commune)
    message = notification_queue(
        channel=PHONE_CHANNEL,
        recipient=e164,
        subject=subject,
        body=f"{text.strip()} {stop}",
        commune=commune,
        dedupe_key=dedupe_key,
    )
    if message is not None:
        PhoneMessage.objects.create(
            outbox=message,
            kind=kind,
            params={**params, "commune": commune.name, "stop_phone": ward_phone(commune) or "-"},
            sms_text=message.body,
        )
    return message


# --- Receipts -----------------------------------------------------------------------------


def receipt_zns(*, msg_id: str, tracking_id: str, delivered: bool = True) -> bool:
    query = Q(provider_id=msg_id) if msg_id else Q(pk__in=[])
    if tracking_id.isdigit():
        query |= Q(outbox_id=int(tracking_id))
    return _mark(Delivery.objects.filter(query, provider=Provider.ZNS), delivered, "ZNS")


def receipt_sms(*, provider_id: str, delivered: bool, reason: str = "") -> bool:
    rows = Delivery.objects.filter(provider=Provider.SMS, provider_id=provider_id)
    return _mark(rows, delivered, reason or "SMS")


def _mark(rows: object, delivered: bool, reason: str) -> bool:
    from django.db.models import QuerySet

    assert isinstance(rows, QuerySet)
    if delivered:
        return bool(rows.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now()))
    return bool(
        rows.exclude(status=DeliveryStatus.DELIVERED).update(
            status=DeliveryStatus.FAILED, reason=f"{reason}: not delivered"[:300]
        )
    )


# --- The sweep ----------------------------------------------------------------------------


def messaging_sweep() -> dict[str, int]:
    """Run at the end of `deliver_outbox`: SMS where Zalo gave no receipt in time; phone
    messages still waiting after DIGIWARD_MESSAGING_STALE_AFTER are marked failed."""
    from digiward.messaging.channels import sms_fallback

    now = timezone.now()
    wait = timedelta(minutes=settings.DIGIWARD_MESSAGING_RECEIPT_WAIT_MINUTES)
    late = Delivery.objects.filter(
        provider=Provider.ZNS,
        status__in=[DeliveryStatus.SENT, DeliveryStatus.UNKNOWN],
        sent_at__lt=now - wait,
    ).exclude(outbox_id__in=Delivery.objects.filter(provider=Provider.SMS).values("outbox_id"))
    fallback = 0
    for delivery in late.select_related("outbox"):
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                reason=f"no receipt within {wait.seconds // 60} min"
            )
        fallback += sms_fallback(delivery.outbox)
    stale_after = timedelta(hours=settings.DIGIWARD_MESSAGING_STALE_AFTER_HOURS)
    stale = OutboxMessage.objects.filter(
        channel=PHONE_CHANNEL, status=OutboxStatus.PENDING, created_at__lt=now - stale_after
    ).update(
        status=OutboxStatus.FAILED,
        last_error=f"stale: not sent within {stale_after.days * 24 + stale_after.seconds // 3600} h",
        next_attempt_at=None,
    )
    return {"sms_fallback": fallback, "stale": stale}
