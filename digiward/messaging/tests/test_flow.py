"""Webhooks, the admin's pages, and the issue's "done when": public form → tracking code
by ZNS (or SMS), scheduled visit, day-before confirmation, receipts on the admin page."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from digiward.core.models import OutboxMessage, OutboxStatus, Role
from digiward.core.outbox import outbox_deliver
from digiward.core.testing import assert_view_access, client_in
from digiward.homecare import services as homecare
from digiward.homecare.models import HomeSupportRequest
from digiward.homecare.tests.factories import CENTER
from digiward.messaging.models import Consent, Delivery, DeliveryStatus, Provider, ZnsTemplate
from digiward.messaging.zns import webhook_signature
from digiward.public import views as public_views

pytestmark = pytest.mark.django_db

FORM = {
    "requester_relation": "relative",
    "person_name": "Nguyễn Thị Năm",
    "requester_name": "Lê Văn Con",
    "phone": "0912 345 678",
    "address": "12/3 Hẻm 5 Trần Hưng Đạo",
    "procedure": "",
    "procedure_other": "Chứng thực giấy ủy quyền",
    "reason": "elderly",
    "preferred_times": "Buổi sáng",
    "consent": "on",
    "website": "",
}


def _zalo_event(body: dict, *, secret: str = "oa-secret") -> dict:
    raw = json.dumps(body)
    signature = webhook_signature(
        app_id="4321", body=raw, timestamp=str(body["timestamp"]), secret=secret
    )
    return {"data": raw, "content_type": "application/json", "HTTP_X_ZEVENT_SIGNATURE": signature}


def _received(tracking_id: int, msg_id: str = "") -> dict:
    return {
        "app_id": "4321",
        "event_name": "user_received_message",
        "timestamp": "1733300000000",
        "message": {"msg_id": msg_id, "tracking_id": str(tracking_id)},
    }


def _deliver_all():
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        outbox_deliver(pk)


@pytest.fixture
def public_form(commune):
    public_views._public_commune.cache_clear()
    yield
    public_views._public_commune.cache_clear()


def test_forged_zalo_signature_is_refused(gateways, client):
    url = "/hooks/zalo/"
    assert client.post(url, **_zalo_event(_received(1), secret="guessed")).status_code == 403
    kwargs = _zalo_event(_received(1))
    kwargs["data"] = kwargs["data"].replace('"1"', '"2"')  # body changed after signing
    assert client.post(url, **kwargs).status_code == 403
    assert client.post(url, data="{}", content_type="application/json").status_code == 403
    assert client.post(url, **_zalo_event(_received(1))).status_code == 200


def test_sms_callback_needs_the_secret_token(gateways, client):
    assert client.get("/hooks/sms/wrong/", {"SMSID": "1", "SendStatus": "5"}).status_code == 403
    assert client.get("/hooks/sms/cb-token/", {"SMSID": "1", "SendStatus": "5"}).status_code == 200


def test_done_when_public_form_visit_confirmation_and_receipts(
    gateways,
    public_form,
    commune,
    admin,
    officer,
    officer_profile,
    officer_access,
    plan_day,
    django_capture_on_commit_callbacks,
):
    zalo, esms = gateways
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("public:help_at_home"), FORM)
    assert response.status_code == 302
    request = HomeSupportRequest.objects.get()
    # the tracking code went by ZNS, with the outbox row as tracking id
    [code_msg] = zalo.handset
    assert code_msg["template_id"] == str(ZnsTemplate.objects.get(kind="tracking_code").template_id)
    assert code_msg["template_data"]["code"] == request.tracking_code
    consent = Consent.objects.get(phone="+84912345678", provider=Provider.ZNS)
    assert consent.basis == "request" and request.tracking_code in consent.source

    # a receipt from Zalo marks it delivered
    first = Delivery.objects.get(provider=Provider.ZNS)
    response = Client().post("/hooks/zalo/", **_zalo_event(_received(first.outbox_id, "zmsg-1")))
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == DeliveryStatus.DELIVERED

    # the visit is scheduled: day, time window and officer
    homecare.request_override_eligibility(
        access=officer_access, request=request, eligible=True, reason="Cao tuổi, ở một mình"
    )
    homecare.request_accept(access=officer_access, request=request)
    HomeSupportRequest.objects.filter(pk=request.pk).update(  # the officer places the house
        latitude=CENTER[0] + Decimal("0.003"), longitude=CENTER[1] - Decimal("0.004")
    )
    request.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        visit = homecare.visit_book(
            access=officer_access,
            request=request,
            officer=officer,
            day=plan_day,
            times_agreed=True,  # "Buổi sáng" agreed by phone with the family
        )
    scheduled = zalo.handset[-1]
    assert scheduled["template_data"]["officer"] == officer.get_full_name()
    assert scheduled["template_data"]["day"] == f"{plan_day:%d/%m/%Y}"
    assert scheduled["template_data"]["window"].startswith(f"{visit.starts_at:%H:%M}")

    # the day before: a confirmation with the commune's phone — by SMS this time (not on Zalo)
    zalo.mode = "not_on_zalo"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_visit_confirmations", "--today", str(plan_day - timedelta(days=1)))
        call_command("send_visit_confirmations", "--today", str(plan_day - timedelta(days=1)))
    _deliver_all()
    [sms] = esms.handset  # once, however often cron runs
    assert "0292 3123 456" in sms["Content"] and request.tracking_code in sms["Content"]
    assert "ngay mai" in sms["Content"].lower()
    # the gateway's callback: delivered
    Client().get("/hooks/sms/cb-token/", {"SMSID": sms["SMSID"], "SendStatus": "5"})

    page = client_in(admin, commune).get(reverse("messaging:outbox"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Delivered") + html.count("Đã tới người nhận") >= 2
    assert "-118" in html  # the reason Zalo refused is shown
    assert "SMS" in html and "GSM-7" in html


def test_a_message_is_for_its_communes_admin_only(commune, other_commune):
    message = OutboxMessage.objects.create(
        commune=commune, channel="phone", recipient="+84912345678", subject="Lịch hẹn", body="x"
    )
    assert_view_access(
        url=reverse("messaging:message_detail", args=[message.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
    )


def test_admin_pages_access(commune, other_commune):
    for name in ("messaging:outbox", "messaging:settings"):
        assert_view_access(
            url=reverse(name),
            commune=commune,
            other_commune=other_commune,
            allowed={Role.COMMUNE_ADMIN},
            scoped=False,
        )
    assert_view_access(
        url=reverse("messaging:opt_out"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        method="post",
        data={"phone": "0912345678", "source": "gọi điện"},
        ok_status=302,
        scoped=False,
    )


def test_another_communes_admin_does_not_see_our_messages(commune, other_commune, admin):
    from digiward.core.testing import user_with_role

    OutboxMessage.objects.create(
        commune=commune, channel="phone", recipient="+84912345678", subject="Bí mật", body="x"
    )
    other_admin = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    html = client_in(other_admin, other_commune).get(reverse("messaging:outbox")).content.decode()
    assert "+84912345678" not in html and "Bí mật" not in html
    html = client_in(admin, commune).get(reverse("messaging:outbox")).content.decode()
    assert "+84912345678" in html


def test_settings_page_saves_template_ids_and_keeps_bad_input(commune, admin):
    client = client_in(admin, commune)
    url = reverse("messaging:settings")
    response = client.post(url, {"template_tracking_code": "abc"})
    assert response.status_code == 200 and "abc" in response.content.decode()
    assert not ZnsTemplate.objects.exists()
    response = client.post(url, {"template_tracking_code": "2345"})
    assert response.status_code == 302
    saved = ZnsTemplate.objects.get(kind="tracking_code")
    assert (saved.commune, saved.template_id) == (commune, "2345")


def test_opt_out_from_the_page(commune, admin):
    client_in(admin, commune).post(
        reverse("messaging:opt_out"), {"phone": "0912 345 678", "source": "gọi điện"}
    )
    assert set(Consent.objects.filter(phone="+84912345678").values_list("provider", "granted")) == {
        ("zns", False),
        ("sms", False),
    }


def test_the_message_page_shows_body_and_receipts_and_is_audited(commune, admin):
    from digiward.core.models import AuditAction, AuditEvent

    message = OutboxMessage.objects.create(
        commune=commune,
        channel="phone",
        recipient="+84912345678",
        subject="Lịch hẹn",
        body="Nội dung",
    )
    Delivery.objects.create(
        outbox=message,
        commune=commune,
        provider=Provider.ZNS,
        status=DeliveryStatus.REFUSED,
        reason="ZNS -118: not on Zalo",
    )
    html = (
        client_in(admin, commune)
        .get(reverse("messaging:message_detail", args=[message.pk]))
        .content.decode()
    )
    assert "Nội dung" in html and "ZNS -118" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="core.outboxmessage", object_id=str(message.pk)
    ).exists()


def test_the_outbox_page_filters_by_status(commune, admin):
    OutboxMessage.objects.create(
        commune=commune,
        channel="email",
        recipient="a@x.vn",
        subject="Gửi rồi",
        body="x",
        status=OutboxStatus.SENT,
    )
    OutboxMessage.objects.create(
        commune=commune,
        channel="phone",
        recipient="+84912345678",
        subject="Hỏng",
        body="x",
        status=OutboxStatus.FAILED,
        last_error="stale: not sent within 48 h",
    )
    client = client_in(admin, commune)
    html = client.get(reverse("messaging:outbox"), {"status": "failed"}).content.decode()
    assert "Hỏng" in html and "stale" in html and "Gửi rồi" not in html
    html = client.get(reverse("messaging:outbox"), {"status": "nonsense"}).content.decode()
    assert "Hỏng" in html and "Gửi rồi" in html


def test_an_invalid_opt_out_keeps_what_was_typed_and_writes_nothing(commune, admin):
    response = client_in(admin, commune).post(
        reverse("messaging:opt_out"), {"phone": "0292 3123 456", "source": "gọi điện"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "gọi điện" in html and "errorlist" in html
    assert not Consent.objects.exists()


def test_opt_outs_are_listed_with_date_and_source_and_audited(commune, admin):
    from digiward.core.models import AuditAction, AuditEvent

    client = client_in(admin, commune)
    client.post(reverse("messaging:opt_out"), {"phone": "0912 345 678", "source": "gọi điện 04/12"})
    html = client.get(reverse("messaging:outbox")).content.decode()
    assert "+84912345678" in html and "gọi điện 04/12" in html
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="messaging.consent")
    assert event.changes["granted"] is False


def test_settings_change_only_our_communes_ids(commune, other_commune, admin):
    from digiward.core.testing import user_with_role

    ZnsTemplate.objects.create(kind="tracking_code", template_id="1000")  # the installation's
    other_admin = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    client_in(other_admin, other_commune).post(
        reverse("messaging:settings"), {"template_tracking_code": "7"}
    )
    client_in(admin, commune).post(reverse("messaging:settings"), {"template_visit_done": "8"})
    rows = set(ZnsTemplate.objects.values_list("commune_id", "kind", "template_id"))
    assert rows == {
        (None, "tracking_code", "1000"),
        (other_commune.pk, "tracking_code", "7"),
        (commune.pk, "visit_done", "8"),
    }
