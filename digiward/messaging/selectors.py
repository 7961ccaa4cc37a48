"""Reads of the commune admin's message pages: every query is scoped to the commune."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from digiward.core.access import Access
from digiward.core.models import Commune, OutboxMessage, OutboxStatus
from digiward.messaging.models import Consent, Delivery, PhoneMessage, Provider
from digiward.messaging.text import Segments, no_diacritics, sms_segments

PAGE_SIZE = 100


@dataclass(frozen=True)
class OutboxRow:
    message: OutboxMessage
    deliveries: list[Delivery]
    sms: Segments | None  # the SMS form's length, for a phone message


@dataclass(frozen=True)
class MonthCost:
    month: date
    zns_count: int
    zns_vnd: int
    sms_count: int
    sms_segments: int
    sms_vnd: int

    @property
    def total_vnd(self) -> int:
        return self.zns_vnd + self.sms_vnd


def _rows(messages: list[OutboxMessage]) -> list[OutboxRow]:
    deliveries: dict[int, list[Delivery]] = {}
    for delivery in Delivery.objects.filter(outbox__in=messages).order_by("provider"):
        deliveries.setdefault(delivery.outbox_id, []).append(delivery)
    texts = {
        p.outbox_id: sms_segments(no_diacritics(p.sms_text))
        for p in PhoneMessage.objects.filter(outbox__in=messages)
    }
    return [OutboxRow(m, deliveries.get(m.pk, []), texts.get(m.pk)) for m in messages]


def outbox_rows(access: Access, *, status: str = "") -> list[OutboxRow]:
    """The commune's latest messages (one status, or all), each with its deliveries."""
    messages = OutboxMessage.objects.filter(commune=access.commune)
    if status in OutboxStatus.values:
        messages = messages.filter(status=status)
    return _rows(list(messages.order_by("-created_at", "-pk")[:PAGE_SIZE]))


def outbox_message(access: Access, pk: int) -> OutboxRow:
    """One message of the commune, or 404 (another commune's does not exist)."""
    message = get_object_or_404(OutboxMessage, pk=pk, commune=access.commune)
    return _rows([message])[0]


def status_counts(access: Access) -> dict[str, int]:
    rows = (
        OutboxMessage.objects.filter(commune=access.commune)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def opt_outs(access: Access, limit: int = 50) -> list[Consent]:
    """Numbers that asked to stop, with when and how (one row per number)."""
    return list(
        Consent.objects.filter(
            commune=access.commune, provider=Provider.ZNS, granted=False
        ).order_by("-recorded_at")[:limit]
    )


def cost_by_month(commune: Commune, *, months: int = 12) -> list[MonthCost]:
    """What the commune's messages cost, month by month (newest first), from each
    delivery's recorded price (DIGIWARD_ZNS_COST_VND, SMS segments × DIGIWARD_SMS_COST_VND
    or the gateway's own figure)."""
    rows = (
        Delivery.objects.filter(commune=commune, sent_at__isnull=False)
        .annotate(month=TruncMonth("sent_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(
            zns_count=Count("pk", filter=Q(provider=Provider.ZNS)),
            zns_vnd=Sum("cost_vnd", filter=Q(provider=Provider.ZNS), default=0),
            sms_count=Count("pk", filter=Q(provider=Provider.SMS)),
            sms_segments=Sum("segments", filter=Q(provider=Provider.SMS), default=0),
            sms_vnd=Sum("cost_vnd", filter=Q(provider=Provider.SMS), default=0),
        )
        .order_by("-month")[:months]
    )
    return [
        MonthCost(
            month=row["month"].date() if hasattr(row["month"], "date") else row["month"],
            zns_count=row["zns_count"],
            zns_vnd=row["zns_vnd"],
            sms_count=row["sms_count"],
            sms_segments=row["sms_segments"],
            sms_vnd=row["sms_vnd"],
        )
        for row in rows
    ]
