"""The tokens page: a token is shown once, stored hashed, listed with its last use and
revoked by its owner only; the API refuses it once revoked, expired or without a role."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.api.models import ApiToken, TokenScope
from digiward.api.tokens import MAX_ACTIVE_TOKENS
from digiward.core.models import AuditAction, AuditEvent, Membership, Role
from digiward.core.testing import assert_view_access, client_in

pytestmark = pytest.mark.django_db


def test_the_tokens_page_is_for_every_role_in_their_commune(commune, other_commune):
    assert_view_access(
        url=reverse("api:tokens"),
        commune=commune,
        other_commune=other_commune,
        allowed=list(Role),
        scoped=False,  # one's own tokens, whatever the commune
    )


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(commune, officer):
    client = client_in(officer, commune)
    response = client.post(
        reverse("api:tokens"), {"name": "Báo cáo tỉnh", "scope": "read", "days": "90"}
    )
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret.startswith("dw_") and secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=officer)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.commune == commune and token.scope == TokenScope.READ
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    again = client.get(reverse("api:tokens"))
    assert secret not in again.content.decode()  # never shown again
    assert "Báo cáo tỉnh" in again.content.decode()
    event = AuditEvent.objects.get(object_type="api.apitoken", action=AuditAction.CREATE)
    assert secret not in str(event.changes) and event.actor == officer


def test_a_bad_form_says_what_is_wrong_and_keeps_what_was_typed(commune, officer, vietnamese):
    response = client_in(officer, commune).post(
        reverse("api:tokens"), {"name": "Bảng tính", "scope": "everything", "days": "7"}
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"scope", "days"}
    assert 'value="Bảng tính"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_at_most_ten_active_tokens(commune, officer, api_for):
    for _ in range(MAX_ACTIVE_TOKENS):
        api_for(officer, commune)
    response = client_in(officer, commune).post(
        reverse("api:tokens"), {"name": "one more", "scope": "read", "days": "30"}
    )
    assert response.status_code == 422
    assert ApiToken.objects.filter(user=officer).count() == MAX_ACTIVE_TOKENS


def test_revoking_stops_the_token_and_only_the_owner_may(commune, officer, admin, api_for):
    api = api_for(officer, commune)
    assert api.get("/me").status_code == 200
    token = ApiToken.objects.get(user=officer)
    stranger = client_in(admin, commune).post(reverse("api:token_revoke", args=[token.pk]))
    assert stranger.status_code == 404
    response = client_in(officer, commune).post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api.get("/me")
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"


def test_the_list_shows_the_last_use(commune, officer, api_for):
    api = api_for(officer, commune)
    api.get("/me")
    token = ApiToken.objects.get(user=officer)
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"
    page = client_in(officer, commune).get(reverse("api:tokens")).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%d/%m/%Y %H:%M") in page


def test_an_expired_token_is_refused(commune, officer, api_for):
    api = api_for(officer, commune)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get("/me")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_a_token_loses_the_power_of_a_role_taken_away(commune, officer, api_for):
    api = api_for(officer, commune)
    Membership.objects.filter(user=officer).delete()
    response = api.get("/me")
    assert response.status_code == 403 and response.json()["code"] == "no_role"


def test_a_wrong_or_missing_token_is_a_problem_not_a_page(commune, officer, api_for, client):
    api = api_for(officer, commune)
    tampered = api.secret[:-2] + ("AA" if not api.secret.endswith("AA") else "BB")
    for headers, code in (
        ({}, "token_missing"),
        ({"HTTP_AUTHORIZATION": f"Bearer {tampered}"}, "token_invalid"),
        ({"HTTP_AUTHORIZATION": "Bearer dw_nothing"}, "token_invalid"),
        ({"HTTP_AUTHORIZATION": f"Basic {api.secret}"}, "token_missing"),
    ):
        response = client.get("/api/v1/me", **headers)
        assert response.status_code == 401, headers
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == code and body["status"] == 401
        assert body["type"] == f"urn:digiward:problem:{code}"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("language", "words"), [("en", "90 days"), ("vi", "90 ngày")])
def test_the_expiry_choices_are_in_the_page_language(commune, officer, language, words):
    # They were worded once, at import, in the default language: "90 ngày" on English pages.
    client = client_in(officer, commune)
    page = client.get(reverse("api:tokens"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f">{words}</option>" in page
