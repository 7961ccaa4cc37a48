"""Zalo Notification Service: template messages to a phone number.

POST {DIGIWARD_ZNS_API_URL}/message/template, header `access_token`, body `phone`
(84…), `template_id`, `template_data`, `tracking_id`. The access token lives about 25
hours; it is refreshed at DIGIWARD_ZNS_OAUTH_URL with header `secret_key` and form fields
`refresh_token`, `app_id`, `grant_type=refresh_token`. The refresh token is single-use:
the new one is stored (encrypted) each time, inside the same row lock, so two workers
never spend the same refresh token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from digiward.core import crypto
from digiward.messaging.http import Refused, Transient, post
from digiward.messaging.models import ChannelCredential, Provider

logger = logging.getLogger(__name__)

# ZNS error codes (developers.zalo.me, "Bảng mã lỗi ZNS"); any other non-zero is a refusal.
TOKEN_INVALID = -124
NOT_ON_ZALO = -118
PHONE_INVALID = -108
TEMPLATE_INVALID = -131
QUOTA_EXCEEDED = -144


class RefreshFailed(Exception):
    first = False  # True when this failure follows a success: alert the admins once


@dataclass(frozen=True)
class Sent:
    msg_id: str
    remaining_quota: int | None


def zns_configured() -> bool:
    return bool(settings.DIGIWARD_ZNS_APP_ID and settings.DIGIWARD_ZNS_SECRET_KEY)


def credential() -> ChannelCredential:
    cred, _created = ChannelCredential.objects.get_or_create(provider=Provider.ZNS)
    return cred


def zns_connect(refresh_token: str) -> ChannelCredential:
    """Store the first refresh token (from the OA's authorisation) and get an access token."""
    cred = credential()
    cred.refresh_token_encrypted = crypto.encrypt(refresh_token)
    cred.access_token_encrypted = ""
    cred.access_expires_at = None
    cred.refresh_failed_at = None
    cred.last_error = ""
    cred.save()
    zns_refresh()
    return credential()


# After a refused refresh, Zalo is not asked again for this long (the stored refresh token
# is spent or revoked: only `zns_connect` with a new one helps); messages go by SMS.
REFRESH_PAUSE = timedelta(hours=1)


def zns_refresh() -> str:
    """Spend the stored refresh token for a new pair; returns the new access token.

    Raises RefreshFailed; the first failure after a success alerts the commune admins
    (`first` is True on the exception), the following ones do not."""
    try:
        return _refresh_locked()
    except RefreshFailed as exc:
        cred = credential()
        exc.first = not cred.last_error
        ChannelCredential.objects.filter(pk=cred.pk).update(
            last_error=str(exc)[:500], refresh_failed_at=timezone.now()
        )
        raise


@transaction.atomic
def _refresh_locked() -> str:
    # The row lock is held while Zalo answers: two workers must never spend the same
    # single-use refresh token (the second would be refused and lose the OA).
    cred = ChannelCredential.objects.select_for_update().get(provider=Provider.ZNS)
    if not cred.refresh_token_encrypted:
        raise RefreshFailed("no refresh token stored: run `digiward zns_connect`")
    try:
        answer = post(
            str(settings.DIGIWARD_ZNS_OAUTH_URL),
            headers={"secret_key": str(settings.DIGIWARD_ZNS_SECRET_KEY)},
            form={
                "refresh_token": crypto.decrypt(cred.refresh_token_encrypted),
                "app_id": str(settings.DIGIWARD_ZNS_APP_ID),
                "grant_type": "refresh_token",
            },
            timeout=settings.DIGIWARD_MESSAGING_TIMEOUT,
        )
    except Transient as exc:
        raise RefreshFailed(str(exc)) from None
    access, refresh = answer.get("access_token"), answer.get("refresh_token")
    if not access or not refresh:
        raise RefreshFailed(
            f"{answer.get('error', '?')}: {answer.get('error_description') or answer}"
        )
    cred.access_token_encrypted = crypto.encrypt(str(access))
    cred.refresh_token_encrypted = crypto.encrypt(str(refresh))
    cred.access_expires_at = timezone.now() + timedelta(
        seconds=int(answer.get("expires_in") or 90000)
    )
    cred.refreshed_at = timezone.now()
    cred.refresh_failed_at = None
    cred.last_error = ""
    cred.save()
    return str(access)


def _access_token() -> str:
    cred = credential()
    fresh = cred.access_expires_at and cred.access_expires_at > timezone.now() + timedelta(
        minutes=5
    )
    if cred.access_token_encrypted and fresh:
        return crypto.decrypt(cred.access_token_encrypted)
    paused = cred.refresh_failed_at and cred.refresh_failed_at > timezone.now() - REFRESH_PAUSE
    if paused:
        raise RefreshFailed(f"refused earlier ({cred.last_error[:200]})")
    return zns_refresh()


def quota_left() -> int | None:
    cred = ChannelCredential.objects.filter(provider=Provider.ZNS).first()  # a read: no row
    if cred is None or cred.quota_day != timezone.localdate():
        return None  # unknown until today's first answer
    return cred.remaining_quota


def zns_send(*, phone: str, template_id: str, data: dict[str, str], tracking_id: str) -> Sent:
    """Send one template message. Raises Refused, Transient or RefreshFailed."""
    left = quota_left()
    if left is not None and left <= settings.DIGIWARD_ZNS_QUOTA_RESERVE:
        raise Refused(f"daily ZNS quota nearly used up ({left} left)")
    body = {
        "phone": phone.removeprefix("+"),
        "template_id": template_id,
        "template_data": data,
        "tracking_id": tracking_id,
    }
    url = str(settings.DIGIWARD_ZNS_API_URL).rstrip("/") + "/message/template"
    answer = {}
    for _try in range(2):
        answer = post(
            url,
            headers={"access_token": _access_token()},
            json_body=body,
            timeout=settings.DIGIWARD_MESSAGING_TIMEOUT,
        )
        if answer.get("error") == TOKEN_INVALID:
            zns_refresh()  # expired early (revoked, clock): refresh once, then retry
            continue
        break
    error = answer.get("error")
    if error == 0:
        payload = answer.get("data") or {}
        quota = payload.get("quota") or {}
        remaining = quota.get("remainingQuota")
        _store_quota(quota.get("dailyQuota"), remaining)
        return Sent(
            msg_id=str(payload.get("msg_id", "")),
            remaining_quota=int(remaining) if remaining is not None else None,
        )
    if error == QUOTA_EXCEEDED:
        _store_quota(None, 0)
    raise Refused(f"ZNS {error}: {answer.get('message', '')}"[:300])


def _store_quota(daily: object, remaining: object) -> None:
    ChannelCredential.objects.filter(provider=Provider.ZNS).update(
        quota_day=timezone.localdate(),
        daily_quota=int(str(daily)) if daily is not None else None,
        remaining_quota=int(str(remaining)) if remaining is not None else None,
    )


def webhook_signature(*, app_id: str, body: str, timestamp: str, secret: str) -> str:
    """X-ZEvent-Signature: "mac=" + sha256(appId + data + timeStamp + OAsecretKey)."""
    digest = hashlib.sha256(f"{app_id}{body}{timestamp}{secret}".encode()).hexdigest()
    return f"mac={digest}"


def webhook_signature_ok(*, header: str, body: str, timestamp: str) -> bool:
    secret = str(settings.DIGIWARD_ZNS_WEBHOOK_SECRET or settings.DIGIWARD_ZNS_SECRET_KEY or "")
    if not secret or not header:
        return False
    expected = webhook_signature(
        app_id=str(settings.DIGIWARD_ZNS_APP_ID), body=body, timestamp=timestamp, secret=secret
    )
    given = header.strip()
    if not given.startswith("mac="):
        given = "mac=" + given
    return hmac.compare_digest(expected, given)
