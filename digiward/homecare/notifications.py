"""Telling the requester that a visit is planned and that the request is done.

Through the core outbox, in the caller's transaction (a rolled-back booking tells
nobody). Email when the requester gave an address. A phone channel is used as soon as
settings.DIGIWARD_NOTIFICATION_CHANNELS has an entry named "sms" (a class with
`send(message)` whose recipient is the E.164 number, e.g. +84912345678): nothing here
changes when the lead adds one. Messages are written in Vietnamese, the citizens'
language, whatever language the officer's screen is in.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.outbox import notification_queue
from digiward.core.phones import PhoneError, parse_phone
from digiward.homecare.models import HomeSupportRequest, HomeVisit

EMAIL_CHANNEL = "email"
PHONE_CHANNEL = "sms"
CITIZEN_LANGUAGE = "vi"


def _send(request: HomeSupportRequest, *, event: str, subject: str, body: str) -> int:
    """Queue on every channel we can reach the requester by; returns how many were queued."""
    queued = 0
    channels = settings.DIGIWARD_NOTIFICATION_CHANNELS
    if request.requester_email and EMAIL_CHANNEL in channels:
        queued += (
            notification_queue(
                channel=EMAIL_CHANNEL,
                recipient=request.requester_email,
                subject=subject,
                body=body,
                commune=request.commune,
                dedupe_key=f"homecare:{request.pk}:{event}:email",
            )
            is not None
        )
    phone = request.contact_phone
    if phone and PHONE_CHANNEL in channels:
        try:
            e164 = parse_phone(phone).e164
        except PhoneError:
            e164 = ""
        if e164:
            queued += (
                notification_queue(
                    channel=PHONE_CHANNEL,
                    recipient=e164,
                    subject=subject,
                    body=body,
                    commune=request.commune,
                    dedupe_key=f"homecare:{request.pk}:{event}:sms",
                )
                is not None
            )
    return queued


def notify_scheduled(request: HomeSupportRequest, visit: HomeVisit) -> int:
    with translation.override(CITIZEN_LANGUAGE):
        when = day_text(visit.day)
        if visit.starts_at is not None:
            when = _("%(day)s, at about %(time)s") % {
                "day": when,
                "time": f"{visit.starts_at:%H:%M}",
            }
        subject = _("%(commune)s: home visit planned (%(code)s)") % {
            "commune": request.commune.name,
            "code": request.tracking_code,
        }
        body = _(
            "Hello,\n\nAn officer of %(commune)s will come to %(address)s on %(when)s to help "
            "%(person)s. An officer will phone the day before to confirm.\n\nYou can follow "
            "the request with the code %(code)s on the commune's page “Check a request”.\n"
        ) % {
            "commune": request.commune.name,
            "address": request.address,
            "when": when,
            "person": request.person_name,
            "code": request.tracking_code,
        }
    return _send(request, event=f"scheduled:{visit.pk}", subject=subject, body=body)


def notify_done(request: HomeSupportRequest) -> int:
    with translation.override(CITIZEN_LANGUAGE):
        subject = _("%(commune)s: request %(code)s is done") % {
            "commune": request.commune.name,
            "code": request.tracking_code,
        }
        body = _(
            "Hello,\n\nThe request for help at home for %(person)s (code %(code)s) is done. "
            "Thank you.\n\nIf something is not right, please phone %(commune)s.\n"
        ) % {
            "person": request.person_name,
            "code": request.tracking_code,
            "commune": request.commune.name,
        }
    return _send(request, event="completed", subject=subject, body=body)
