"""Signing in and out, throttling, expired sessions, forged forms: clear Vietnamese answers."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from digiward.core.middleware import IdleTimeoutMiddleware

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"


def test_sign_in_lands_on_the_home_page_in_vietnamese(client, volunteer):
    # A volunteer sees no citizen ID, so a password is enough (officers: test_two_step.py).
    response = client.post(reverse("login"), {"username": "thu", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:home")
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Xin chào, Thư" in page


def test_wrong_password_gets_a_vietnamese_message_and_keeps_the_username(client, officer):
    response = client.post(reverse("login"), {"username": "hung", "password": "sai"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "mật khẩu" in page.lower()
    assert 'value="hung"' in page


def test_five_failures_lock_the_account_for_a_while(client, officer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "hung", "password": "sai"})
    response = client.post(reverse("login"), {"username": "hung", "password": PASSWORD})
    assert response.status_code == 429
    assert "15 phút" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("reports:home")).status_code == 302


def test_idle_session_is_ended_with_a_message(client_for, officer, settings):
    client = client_for(officer)
    client.get(reverse("reports:home"))
    session = client.session
    session[IdleTimeoutMiddleware.SESSION_KEY] = (
        int(time.time()) - settings.DIGIWARD_IDLE_TIMEOUT_MINUTES * 60 - 5
    )
    session.save()
    response = client.get(reverse("reports:home"), follow=True)
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_forged_form_gets_the_friendly_page_not_a_trace():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page and "Traceback" not in page


def test_unknown_page_is_a_404_in_the_site_layout(client):
    response = client.get("/app/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and 'class="site-header"' in page


def test_password_change(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-dai",
            "new_password2": "mot-mat-khau-moi-dai",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("mot-mat-khau-moi-dai")


def test_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_english_can_be_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Sign in to DigiWard" in page
