"""The requester hears when the visit is planned and when the request is done."""

from __future__ import annotations

import pytest
from django.core import mail

from digiward.core.errors import DomainError
from digiward.core.models import OutboxMessage
from digiward.homecare import services
from digiward.homecare.models import RequestStatus
from digiward.homecare.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db

SENT: list[OutboxMessage] = []


class FakeSms:
    """Stands for the Zalo/SMS channel (tested against fake gateways in digiward/messaging)."""

    def send(self, message):
        SENT.append(message)


def test_booking_emails_the_requester_after_commit(
    commune, officer, officer_profile, officer_access, plan_day, django_capture_on_commit_callbacks
):
    request = RequestFactory(commune=commune, requester_email="con@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(
            access=officer_access, request=request, officer=officer, day=plan_day
        )
    message = OutboxMessage.objects.get(channel="email")
    assert message.recipient == "con@example.vn"
    assert request.tracking_code in message.subject
    assert f"{plan_day:%d/%m/%Y}" in message.body and f"{visit.starts_at:%H:%M}" in message.body
    assert [m.to for m in mail.outbox] == [["con@example.vn"]]


def test_nothing_is_sent_when_the_booking_fails(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(
        commune=commune, requester_email="con@example.vn", status=RequestStatus.RECEIVED
    )
    with pytest.raises(DomainError):
        services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert not OutboxMessage.objects.exists()


def test_a_phone_channel_is_used_as_soon_as_it_is_configured(
    settings,
    commune,
    officer,
    officer_profile,
    officer_access,
    plan_day,
    django_capture_on_commit_callbacks,
):
    settings.DIGIWARD_NOTIFICATION_CHANNELS = {
        **settings.DIGIWARD_NOTIFICATION_CHANNELS,
        "phone": "digiward.homecare.tests.test_notifications.FakeSms",
    }
    settings.DIGIWARD_SMS_API_KEY = "configured"  # the real gateways: digiward/messaging/tests
    SENT.clear()
    request = RequestFactory(commune=commune, requester_phone="0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert [m.recipient for m in SENT] == ["+84912345678"]
    assert not OutboxMessage.objects.filter(channel="email").exists()  # no address given


def test_no_address_and_no_phone_channel_sends_nothing(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert not OutboxMessage.objects.exists()


def test_the_done_message_is_sent_once(commune, officer_access):
    request = RequestFactory(
        commune=commune, status=RequestStatus.VISITED, requester_email="a@b.vn"
    )
    services.request_complete(access=officer_access, request=request)
    from digiward.homecare.notifications import notify_done

    assert notify_done(request) == 0  # the same event again: deduplicated
    assert OutboxMessage.objects.filter(recipient="a@b.vn").count() == 1
