"""Sign-in hardening: two-step sign-in (TOTP and recovery codes) for the roles that need
it, temporary passwords changed at once, limits on guessing, Vietnamese password rules."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiward.core.models import AuditAction, AuditEvent, Membership, Role, User
from digiward.core.passwords import VietnamesePasswordValidator
from digiward.core.testing import client_in

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def enrol(client: Client, user: User) -> list[str]:
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("mfa_setup"), {"code": code_for(device)}).content.decode()
    return re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)


def test_an_officer_must_set_up_two_step_sign_in_before_any_staff_page(client, officer):
    sign_in(client, "hung")
    response = client.get(reverse("registry:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    setup = client.get(response["Location"]).content.decode()
    assert "data:image/svg+xml" in setup and "Bật đăng nhập hai bước" in setup
    codes = enrol(client, officer)
    assert len(codes) == 10
    assert client.get(reverse("registry:home")).status_code == 200
    assert AuditEvent.objects.filter(
        object_id=str(officer.pk), changes__two_factor=[None, "enabled"]
    ).exists()


def test_every_later_sign_in_asks_for_the_code(client, officer, settings):
    # django-otp makes each wrong code cost a growing wait (1 s, 2 s, 4 s…); not here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(client, "hung")
    enrol(client, officer)
    client.post(reverse("logout"))
    again = Client()
    sign_in(again, "hung")
    response = again.get(reverse("registry:home"))
    assert response["Location"].startswith(reverse("mfa_verify"))
    wrong = again.post(reverse("mfa_verify"), {"code": "000000", "next": "/app/registry/"})
    assert wrong.status_code == 200 and "Mã này không đúng" in wrong.content.decode()
    assert again.get(reverse("registry:home")).status_code == 302
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    right = again.post(
        reverse("mfa_verify"), {"code": code_for(device, steps_ahead=1), "next": "/app/registry/"}
    )
    assert right.status_code == 302 and right["Location"] == "/app/registry/"
    assert again.get(reverse("registry:home")).status_code == 200


def test_a_recovery_code_works_once_and_is_not_stored_in_clear(client, officer):
    from django_otp.plugins.otp_static.models import StaticToken

    sign_in(client, "hung")
    codes = enrol(client, officer)
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert not {c.replace("-", "") for c in codes} & stored
    for attempt in (1, 2):
        other = Client()
        sign_in(other, "hung")
        response = other.post(reverse("mfa_verify"), {"code": codes[0].upper()})
        if attempt == 1:
            assert response.status_code == 302
        else:
            assert response.status_code == 200  # used already


def test_an_admin_and_a_province_viewer_need_it_too(client, admin, province_viewer):
    for user in (admin, province_viewer):
        browser = Client()
        sign_in(browser, user.username)
        assert browser.get(reverse("reports:home"))["Location"].startswith(reverse("mfa_setup"))


def test_a_volunteer_may_go_without_but_once_on_it_is_asked(client, volunteer):
    sign_in(client, "thu")
    assert client.get(reverse("reports:home")).status_code == 200
    enrol(client, volunteer)
    other = Client()
    sign_in(other, "thu")
    assert other.get(reverse("reports:home"))["Location"].startswith(reverse("mfa_verify"))


def test_htmx_requests_are_sent_to_the_code_page_too(client, officer):
    sign_in(client, "hung")
    response = client.get(reverse("registry:home"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("mfa_setup"))


def test_a_lost_phone_is_reset_by_another_admin_and_audited(commune, admin, officer):
    TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    client = client_in(admin, commune)
    refused = client.post(
        reverse("core:member_detail", args=[officer.pk]), {"reset_two_step": "1", "reason": ""}
    )
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=officer).exists()
    client.post(
        reverse("core:member_detail", args=[officer.pk]),
        {"reset_two_step": "1", "reason": "mất điện thoại 3/12"},
    )
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.SECURITY_ALERT, object_id=str(officer.pk)
    ).exists()
    # Nobody resets their own.
    TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
    client.post(
        reverse("core:member_detail", args=[admin.pk]), {"reset_two_step": "1", "reason": "x"}
    )
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_a_temporary_password_is_changed_at_the_next_sign_in(commune, admin, client):
    client_in(admin, commune).post(
        reverse("core:member_add"),
        {
            "create": "1",
            "new-username": "tnv.an",
            "new-full_name": "Phan Văn An",
            "new-role": "volunteer",
            "new-password": "tam-thoi-123456",
        },
    )
    sign_in(client, "tnv.an", "tam-thoi-123456")
    response = client.get(reverse("reports:home"))
    assert response["Location"].startswith(reverse("password_change"))
    page = client.get(response["Location"]).content.decode()
    assert "mật khẩu tạm" in page
    client.post(
        reverse("password_change"),
        {
            "old_password": "tam-thoi-123456",
            "new_password1": "cay-bang-truoc-ngo-7",
            "new_password2": "cay-bang-truoc-ngo-7",
        },
    )
    assert client.get(reverse("reports:home")).status_code == 200
    assert User.objects.get(username="tnv.an").must_change_password is False


def test_one_account_tried_from_many_addresses_is_locked(officer):
    for n in range(10):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            reverse("login"), {"username": "hung", "password": f"sai-{n}"}
        )
    late = Client(REMOTE_ADDR="198.51.100.77").post(
        reverse("login"), {"username": "hung", "password": PASSWORD}
    )
    assert late.status_code == 429
    assert "quá nhiều lần" in late.content.decode()


def test_many_accounts_tried_from_one_address_are_refused(commune):
    for n in range(10):
        user = User.objects.create_user(username=f"nguoi{n}", password=PASSWORD, full_name="X")
        Membership.objects.create(user=user, role=Role.VOLUNTEER, commune=commune)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    answers = [
        guesser.post(
            reverse("login"), {"username": f"nguoi{n % 10}", "password": f"doan-{n}"}
        ).status_code
        for n in range(40)
    ]
    assert answers[:20] == [200] * 20 and set(answers[20:]) == {429}
    assert AuditEvent.objects.filter(action=AuditAction.SECURITY_ALERT).exists()
    # Even the right password from that address waits.
    assert (
        guesser.post(reverse("login"), {"username": "nguoi1", "password": PASSWORD}).status_code
        == 429
    )


@pytest.mark.parametrize(
    "password",
    ["digiward-demo", "DigiWard2026!", "matkhau2025", "anhyeuem123", "68686868", "Ninh-Kieu-2025"],
)
def test_passwords_a_ward_guesses_first_are_refused(commune, officer, password):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        VietnamesePasswordValidator().validate(password, officer)


def test_an_admin_cannot_set_a_temporary_password_with_the_commune_name(commune, admin, volunteer):
    response = client_in(admin, commune).post(
        reverse("core:member_detail", args=[volunteer.pk]),
        {"password": "1", "password-password": "phuongninhkieu99"},
    )
    volunteer.refresh_from_db()
    assert not volunteer.check_password("phuongninhkieu99")
    assert response.status_code in (200, 302)
