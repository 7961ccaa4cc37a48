"""The phone channel against the fake Zalo and eSMS gateways (on loopback)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from digiward.core import crypto
from digiward.core.models import AuditAction, AuditEvent, OutboxMessage, OutboxStatus
from digiward.core.outbox import outbox_deliver, outbox_run_sweeps
from digiward.messaging.models import (
    ChannelCredential,
    ConsentBasis,
    Delivery,
    DeliveryStatus,
    Provider,
)
from digiward.messaging.services import consent_record, consent_withdraw, phone_queue

pytestmark = pytest.mark.django_db

PHONE = "+84912345678"


def _queue(commune, *, kind="followup", params=None, text="Nhắc lịch: hẹn gặp tại UBND xã."):
    consent_record(commune=commune, phone=PHONE, basis=ConsentBasis.CONSENT, source="test")
    message = phone_queue(
        kind=kind,
        phone="0912 345 678",
        params=params or {"name": "Năm", "text": "Hẹn gặp tại UBND xã"},
        subject="Nhắc lịch",
        text=text,
        commune=commune,
        dedupe_key=f"test:{kind}:{len(text)}:{text[:40]}",
    )
    assert message is not None
    return message


def _deliveries(message):
    return {d.provider: d for d in Delivery.objects.filter(outbox=message)}


def _due_now(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_success_goes_by_zns_with_the_outbox_id_as_tracking_id(gateways, commune):
    zalo, esms = gateways
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    [sent] = zalo.handset
    assert sent["phone"] == "84912345678" and sent["template_id"] == "107"
    assert sent["tracking_id"] == str(message.pk)
    assert sent["template_data"]["name"] == "Năm"
    assert sent["template_data"]["stop_phone"] == "0292 3123 456"
    zns = _deliveries(message)[Provider.ZNS]
    assert zns.status == DeliveryStatus.SENT and zns.provider_id == "zmsg-1"
    assert ChannelCredential.objects.get().remaining_quota == 499
    assert esms.handset == []


def test_phone_not_on_zalo_falls_back_to_sms_without_diacritics(gateways, commune):
    zalo, esms = gateways
    zalo.mode = "not_on_zalo"
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    assert zalo.handset == []
    [sms] = esms.handset
    assert sms["Phone"] == "0912345678" and sms["RequestId"] == str(message.pk)
    assert sms["Brandname"] == "UBND-XA" and sms["SmsType"] == "2"
    assert sms["Content"].startswith("Nhac lich: hen gap tai UBND xa.")
    assert "De ngung nhan tin, goi 0292 3123 456." in sms["Content"]  # how to stop, always
    assert sms["CallbackUrl"] == "https://digiward.example.vn/hooks/sms/cb-token/"
    rows = _deliveries(message)
    assert rows[Provider.ZNS].status == DeliveryStatus.REFUSED
    assert "-118" in rows[Provider.ZNS].reason
    assert rows[Provider.SMS].status == DeliveryStatus.SENT


def test_rejected_template_falls_back_to_sms(gateways, commune):
    zalo, esms = gateways
    zalo.mode = "template"
    message = _queue(commune)
    outbox_deliver(message.pk)
    assert len(esms.handset) == 1 and "-131" in _deliveries(message)[Provider.ZNS].reason


def test_a_parameter_too_long_for_the_template_goes_by_sms(gateways, commune):
    zalo, esms = gateways
    message = _queue(commune, params={"name": "N" * 31, "text": "x"})
    outbox_deliver(message.pk)
    assert zalo.requests[-1]["path"].startswith("/oauth")  # ZNS never called
    assert len(esms.handset) == 1
    assert "at most 30" in _deliveries(message)[Provider.ZNS].reason


def test_expired_access_token_is_refreshed_and_the_new_refresh_token_stored(gateways, commune):
    zalo, _esms = gateways
    before = ChannelCredential.objects.get()
    zalo.expire_access_token()
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    assert len(zalo.handset) == 1
    after = ChannelCredential.objects.get()
    assert crypto.decrypt(after.refresh_token_encrypted) == zalo.refresh_token == "refresh-2"
    assert after.refresh_token_encrypted != before.refresh_token_encrypted
    assert "refresh-2" not in after.refresh_token_encrypted  # stored encrypted


def test_a_failed_refresh_alerts_the_admins_and_goes_by_sms(gateways, commune, admin):
    zalo, esms = gateways
    zalo.expire_access_token()
    zalo.mode = "refresh_fails"
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    assert len(esms.handset) == 1
    assert "token refresh failed" in _deliveries(message)[Provider.ZNS].reason
    alert = AuditEvent.objects.get(action=AuditAction.SECURITY_ALERT)
    assert "zns-token" in alert.note
    assert OutboxMessage.objects.filter(channel="email", recipient=admin.email).exists()


def test_quota_exhausted_falls_back_and_later_messages_skip_zalo(gateways, commune):
    zalo, esms = gateways
    zalo.remaining = 0
    first = _queue(commune, text="Một")
    outbox_deliver(first.pk)
    assert "-144" in _deliveries(first)[Provider.ZNS].reason
    calls = len(zalo.requests)
    second = _queue(commune, text="Hai")
    outbox_deliver(second.pk)
    assert len(zalo.requests) == calls  # stopped before asking Zalo again
    assert "quota" in _deliveries(second)[Provider.ZNS].reason
    assert len(esms.handset) == 2


def test_5xx_is_retried_with_back_off_and_never_sent_twice(gateways, commune):
    zalo, esms = gateways
    zalo.modes = ["5xx"]
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.PENDING
    message.refresh_from_db()
    assert message.next_attempt_at > timezone.now() and "HTTP 502" in message.last_error
    assert outbox_deliver(message.pk) is None  # not due yet
    _due_now(message)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    _due_now(message)
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT  # a retry after success…
    assert len(zalo.handset) == 1 and esms.handset == []  # …sends nothing again


def test_zns_time_out_is_not_resent_and_becomes_an_sms_without_receipt(gateways, commune, settings):
    zalo, esms = gateways
    zalo.modes = ["slow"]
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    zns = _deliveries(message)[Provider.ZNS]
    assert zns.status == DeliveryStatus.UNKNOWN
    counts = outbox_run_sweeps()
    assert counts["sms_fallback"] == 0  # still within the receipt wait
    Delivery.objects.filter(pk=zns.pk).update(sent_at=timezone.now() - timedelta(hours=1))
    assert outbox_run_sweeps()["sms_fallback"] == 1
    assert outbox_run_sweeps()["sms_fallback"] == 0
    assert len(esms.handset) == 1
    sends = [r for r in zalo.requests if r["path"] == "/message/template"]
    assert len(sends) == 1


def test_sms_time_out_is_retried_with_the_same_request_id_once_on_the_handset(gateways, commune):
    zalo, esms = gateways
    zalo.mode = "not_on_zalo"
    esms.modes = ["slow_after_send"]
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.PENDING
    _due_now(message)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    assert len(esms.requests) == 2 and len(esms.handset) == 1
    assert {r["body"]["RequestId"] for r in esms.requests} == {str(message.pk)}


def test_an_sms_over_one_segment_is_counted(gateways, commune):
    zalo, _esms = gateways
    zalo.mode = "not_on_zalo"
    long_text = "Nhắc lịch trực bàn hướng dẫn dịch vụ công trực tuyến tại UBND xã. " * 3
    message = _queue(commune, text=long_text)
    outbox_deliver(message.pk)
    sms = _deliveries(message)[Provider.SMS]
    assert sms.segments == 2
    assert sms.cost_vnd == 2 * 800


def test_no_consent_or_opt_out_sends_nothing(gateways, commune):
    consent_withdraw(commune=commune, phone=PHONE, source="called the commune")
    message = phone_queue(
        kind="followup",
        phone=PHONE,
        params={"name": "A", "text": "B"},
        subject="s",
        text="t",
        commune=commune,
        dedupe_key="x",
    )
    assert message is None
    consent_record(commune=commune, phone=PHONE, basis=ConsentBasis.REQUEST, source="again")
    assert not phone_queue(
        kind="followup",
        phone=PHONE,
        params={"name": "A", "text": "B"},
        subject="s",
        text="t",
        commune=commune,
        dedupe_key="y",
    )  # a later request does not undo an opt-out


def test_without_configuration_nothing_goes_by_phone(settings, commune):
    consent_record(commune=commune, phone=PHONE, basis=ConsentBasis.CONSENT, source="test")
    settings.DIGIWARD_ZNS_APP_ID = ""
    settings.DIGIWARD_SMS_API_KEY = ""
    assert (
        phone_queue(
            kind="followup",
            phone=PHONE,
            params={},
            subject="s",
            text="t",
            commune=commune,
            dedupe_key="z",
        )
        is None
    )


def test_both_refusing_fails_at_once(gateways, commune):
    zalo, esms = gateways
    zalo.mode = "not_on_zalo"
    esms.mode = "refused"
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert "-118" in message.last_error and "eSMS 104" in message.last_error


def test_stale_phone_messages_are_marked_failed(gateways, commune, settings):
    zalo, _esms = gateways
    zalo.modes = ["5xx"]
    message = _queue(commune)
    outbox_deliver(message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )
    assert outbox_run_sweeps()["stale"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and "stale" in message.last_error


def test_zns_connect_and_templates_commands(gateways, capsys):
    zalo, _esms = gateways
    call_command("zns_connect", "--refresh-token", zalo.refresh_token)
    assert crypto.decrypt(ChannelCredential.objects.get().refresh_token_encrypted) == (
        zalo.refresh_token
    )
    call_command("zns_templates", "--set", "tracking_code=999")
    out = capsys.readouterr().out
    assert "tracking_code=999" in out and "code(12)" in out


def test_deliver_outbox_command_prints_the_sweep(gateways, commune, capsys):
    message = _queue(commune)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
    call_command("deliver_outbox")
    out = capsys.readouterr().out
    assert "sent=1" in out and "sms_fallback=0" in out and "stale=0" in out


def test_a_refused_refresh_alerts_once_and_zalo_is_not_asked_again(gateways, commune, admin):
    zalo, esms = gateways
    zalo.expire_access_token()
    ChannelCredential.objects.update(access_expires_at=timezone.now())  # due for a refresh
    zalo.mode = "refresh_fails"
    first = _queue(commune, text="Một")
    outbox_deliver(first.pk)
    calls = len(zalo.requests)
    second = _queue(commune, text="Hai")
    assert outbox_deliver(second.pk) == OutboxStatus.SENT
    assert len(zalo.requests) == calls  # the spent refresh token is not tried again
    assert len(esms.handset) == 2
    assert AuditEvent.objects.filter(action=AuditAction.SECURITY_ALERT).count() == 1
    assert "Invalid refresh token" in ChannelCredential.objects.get().last_error
    # A new refresh token from the OA's authorisation puts Zalo back in use.
    zalo.mode = "ok"
    call_command("zns_connect", "--refresh-token", zalo.refresh_token)
    third = _queue(commune, text="Ba")
    outbox_deliver(third.pk)
    assert _deliveries(third)[Provider.ZNS].status == DeliveryStatus.SENT
    assert ChannelCredential.objects.get().last_error == ""


def test_zalo_down_for_three_tries_goes_by_sms_once(gateways, commune):
    zalo, esms = gateways
    zalo.mode = "5xx"
    message = _queue(commune)
    assert outbox_deliver(message.pk) == OutboxStatus.PENDING
    _due_now(message)
    assert outbox_deliver(message.pk) == OutboxStatus.PENDING
    _due_now(message)
    assert outbox_deliver(message.pk) == OutboxStatus.SENT
    zns = _deliveries(message)[Provider.ZNS]
    assert zns.status == DeliveryStatus.FAILED and "after 3 tries" in zns.reason
    assert zalo.handset == [] and len(esms.handset) == 1


def test_a_communes_own_template_id_wins_over_the_installations(gateways, commune, other_commune):
    from digiward.messaging.models import ZnsTemplate
    from digiward.messaging.services import template_id_for

    zalo, _esms = gateways
    ZnsTemplate.objects.create(commune=commune, kind="followup", template_id="555")
    assert template_id_for(commune, "followup") == "555"
    assert template_id_for(other_commune, "followup") == "107"
    message = _queue(commune)
    outbox_deliver(message.pk)
    assert zalo.handset[-1]["template_id"] == "555"


def test_cost_per_month_of_the_commune_only(gateways, commune, other_commune):
    from digiward.messaging.selectors import cost_by_month

    zalo, _esms = gateways
    outbox_deliver(_queue(commune, text="Một").pk)
    zalo.mode = "not_on_zalo"
    outbox_deliver(_queue(commune, text="Hai").pk)
    last_month = timezone.now() - timedelta(days=40)
    Delivery.objects.filter(provider=Provider.ZNS, status=DeliveryStatus.SENT).update(
        sent_at=last_month
    )
    [now, before] = cost_by_month(commune)
    assert (now.zns_count, now.sms_count, now.sms_segments, now.total_vnd) == (0, 1, 1, 800)
    assert (before.zns_count, before.zns_vnd, before.sms_count) == (1, 300, 0)
    assert now.month == timezone.localdate().replace(day=1)
    assert cost_by_month(other_commune) == []


class WorkerKilled(BaseException):
    """Stands for SIGKILL inside the Zalo call: nothing after it runs in that worker."""


def test_a_worker_killed_during_the_zalo_call_never_sends_through_zalo_again(
    gateways, commune, monkeypatch
):
    zalo, esms = gateways
    message = _queue(commune)
    seen = []

    def killed(**kwargs):
        row = Delivery.objects.get(outbox=message, provider=Provider.ZNS)
        seen.append(row.status)  # what a crash at this instant leaves in the database
        raise WorkerKilled

    monkeypatch.setattr("digiward.messaging.channels.zns_send", killed)
    with pytest.raises(WorkerKilled):
        outbox_deliver(message.pk)
    assert seen == [DeliveryStatus.UNKNOWN]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    # The claim's lease runs out; the next pass resumes it (the phone channel is resend-safe)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    monkeypatch.undo()
    from digiward.core.outbox import outbox_deliver_due

    assert outbox_deliver_due()["sent"] == 1
    assert zalo.handset == [] and esms.handset == []  # Zalo may have it: wait for a receipt
    assert _deliveries(message)[Provider.ZNS].status == DeliveryStatus.UNKNOWN
