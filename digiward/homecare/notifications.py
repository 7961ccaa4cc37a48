"""Telling the requester: the tracking code, the visit planned, the day before, done.

Through the core outbox, in the caller's transaction (a rolled-back booking tells
nobody). E-mail when the requester gave an address; Zalo (ZNS) then SMS to the contact
phone when the messaging channels are configured (digiward.messaging). The lawful basis
for these care messages is the person's own request (recorded per phone with its
source); an opt-out recorded on the messages page stops them. Messages are written in
Vietnamese, the citizens' language, whatever language the officer's screen is in.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from digiward.core.dates import day_text
from digiward.core.outbox import notification_queue
from digiward.homecare.models import HomeSupportRequest, HomeVisit, RequestSource, VisitStatus
from digiward.messaging.models import ConsentBasis
from digiward.messaging.services import consent_record, mobile_e164, phone_queue, ward_phone

logger = logging.getLogger(__name__)

EMAIL_CHANNEL = "email"
CITIZEN_LANGUAGE = "vi"


def _send(
    request: HomeSupportRequest,
    *,
    event: str,
    subject: str,
    body: str,
    kind: str,
    params: dict[str, str],
    sms: str,
) -> int:
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
    phone = mobile_e164(request.contact_phone or "")
    if phone:
        source = "public form" if request.source == RequestSource.PUBLIC_FORM else "intake"
        consent_record(
            commune=request.commune,
            phone=phone,
            basis=ConsentBasis.REQUEST,
            source=f"request {request.tracking_code} ({source})",
        )
        queued += (
            phone_queue(
                kind=kind,
                phone=phone,
                params={"code": request.tracking_code, **params},
                subject=subject,
                text=sms,
                commune=request.commune,
                dedupe_key=f"homecare:{request.pk}:{event}:phone",
            )
            is not None
        )
    return queued


def _window(visit: HomeVisit) -> str:
    if visit.starts_at is None:
        return _("during the day")
    if visit.ends_at is None:
        return _("about %(time)s") % {"time": f"{visit.starts_at:%H:%M}"}
    return f"{visit.starts_at:%H:%M}–{visit.ends_at:%H:%M}"


def notify_received(request: HomeSupportRequest) -> int:
    """The tracking code, right after a request is made (public form or phone intake)."""
    with translation.override(CITIZEN_LANGUAGE):
        subject = _("%(commune)s: request received (%(code)s)") % {
            "commune": request.commune.name,
            "code": request.tracking_code,
        }
        body = _(
            "Hello,\n\n%(commune)s received the request for help at home for %(person)s. "
            "Its code is %(code)s: check it on the commune's page “Check a request” with the "
            "code and the last 4 digits of your phone.\n"
        ) % {
            "commune": request.commune.name,
            "person": request.person_name,
            "code": request.tracking_code,
        }
        sms = _(
            "%(commune)s received your request for help at home, code %(code)s. Check it "
            "on the commune's page with this code."
        ) % {"commune": request.commune.name, "code": request.tracking_code}
    try:
        # A savepoint: called inside the request's transaction (the outbox row is written
        # with the request, delivered after commit); a failure here must not undo it.
        with transaction.atomic():
            return _send(
                request,
                event="received",
                subject=subject,
                body=body,
                kind="tracking_code",
                params={"person": request.person_name[:50]},
                sms=sms,
            )
    except Exception:  # a message must never cost the citizen the confirmation screen
        logger.exception("could not queue the tracking code of request %s", request.pk)
        return 0


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
        officer = visit.officer.get_full_name()
        sms = _(
            "%(commune)s: home visit for request %(code)s on %(day)s, %(window)s, "
            "officer %(officer)s."
        ) % {
            "commune": request.commune.name,
            "code": request.tracking_code,
            "day": day_text(visit.day),
            "window": _window(visit),
            "officer": officer,
        }
        params = {"day": day_text(visit.day), "window": _window(visit), "officer": officer[:50]}
    return _send(
        request,
        event=f"scheduled:{visit.pk}",
        subject=subject,
        body=body,
        kind="visit_scheduled",
        params=params,
        sms=sms,
    )


def notify_confirm(visit: HomeVisit) -> int:
    """The day before: the visit is tomorrow; call the commune to change the day."""
    request = visit.request
    phone = ward_phone(request.commune) or "-"
    with translation.override(CITIZEN_LANGUAGE):
        subject = _("%(commune)s: home visit tomorrow (%(code)s)") % {
            "commune": request.commune.name,
            "code": request.tracking_code,
        }
        sms = _(
            "%(commune)s: reminder, home visit tomorrow %(day)s, %(window)s (request %(code)s). "
            "To change the day, call %(phone)s."
        ) % {
            "commune": request.commune.name,
            "day": day_text(visit.day),
            "window": _window(visit),
            "code": request.tracking_code,
            "phone": phone,
        }
        params = {"day": day_text(visit.day), "window": _window(visit), "ward_phone": phone}
        hello = _("Hello,")
    return _send(
        request,
        event=f"confirm:{visit.pk}",
        subject=subject,
        body=f"{hello}\n\n{sms}\n",
        kind="visit_confirm",
        params=params,
        sms=sms,
    )


def visit_confirmations_queue(*, today: date) -> int:
    """Queue the confirmation of every visit planned for tomorrow (idempotent, for cron)."""
    visits = HomeVisit.objects.filter(
        day=today + timedelta(days=1), status=VisitStatus.PLANNED
    ).select_related("request__commune", "officer")
    return sum(notify_confirm(visit) for visit in visits)


def notify_done(request: HomeSupportRequest) -> int:
    visit = request.visits.filter(status=VisitStatus.DONE).order_by("-day").first()
    with translation.override(CITIZEN_LANGUAGE):
        what = visit.get_outcome_display() if visit is not None and visit.outcome else _("Done")
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
        sms = _("%(commune)s: request %(code)s is done: %(what)s. Thank you.") % {
            "commune": request.commune.name,
            "code": request.tracking_code,
            "what": what,
        }
    return _send(
        request,
        event="completed",
        subject=subject,
        body=body,
        kind="visit_done",
        params={"what": str(what)[:200]},
        sms=sms,
    )
