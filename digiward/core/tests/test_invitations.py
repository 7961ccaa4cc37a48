"""An existing account joins a commune only if it accepts (security test finding 3).

Before: a commune administrator typed another commune's username and the account was
pulled in at once, and the answer told whether the username existed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.models import AuditAction, AuditEvent, Invitation, Membership, Role
from digiward.core.testing import client_in

pytestmark = pytest.mark.django_db


def _invite(client, username, role="volunteer"):
    return client.post(
        reverse("core:member_add"),
        {"existing": "1", "existing-username": username, "existing-role": role},
        follow=True,
    )


def _notice(response):
    page = response.content.decode()
    start = page.index('class="messages')
    return page[start : page.index("</", start + 200)]


def test_another_communes_account_is_not_pulled_in(commune, admin, other_officer):
    _invite(client_in(admin, commune), "lan")
    assert not Membership.objects.filter(user=other_officer, commune=commune).exists()
    assert Invitation.objects.get(username="lan").user == other_officer


def test_the_answer_is_the_same_whether_or_not_the_username_exists(commune, admin, other_officer):
    client = client_in(admin, commune)
    existing = _invite(client, "lan")
    missing = _invite(client, "khong-ai-ca")
    assert existing.status_code == missing.status_code == 200
    assert existing.redirect_chain[-1][0] == missing.redirect_chain[-1][0]
    assert _notice(existing).replace("lan", "X") == _notice(missing).replace("khong-ai-ca", "X")
    # The list of invitations looks the same for both, and so does the audit log.
    page = client.get(reverse("core:member_list")).content.decode()
    assert page.count("Đang chờ trả lời") == 2
    reprs = set(
        AuditEvent.objects.filter(object_type="core.invitation").values_list("object_id", flat=True)
    )
    assert len(reprs) == 2  # one row each, both about an invitation


def test_the_invited_person_accepts_and_then_holds_the_role(commune, admin, other_officer):
    _invite(client_in(admin, commune), "lan")
    invitation = Invitation.objects.get(username="lan")
    guest = client_in(other_officer, invitation.commune)
    page = guest.get(reverse("core:invitations")).content.decode()
    assert "Phường Ninh Kiều" in page
    guest.post(reverse("core:invitations"), {"invitation": invitation.pk, "answer": "accept"})
    assert Membership.objects.filter(
        user=other_officer, commune=commune, role=Role.VOLUNTEER, granted_by=admin
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANTED, commune=commune, object_id=str(other_officer.pk)
    ).exists()


def test_nobody_else_can_accept_and_an_expired_invitation_cannot_be(
    commune, admin, other_officer, officer
):
    _invite(client_in(admin, commune), "lan")
    invitation = Invitation.objects.get(username="lan")
    # Someone else answering it: nothing happens.
    client_in(officer, commune).post(
        reverse("core:invitations"), {"invitation": invitation.pk, "answer": "accept"}
    )
    assert not Membership.objects.filter(user=officer, role=Role.VOLUNTEER).exists()
    assert not Membership.objects.filter(user=other_officer, commune=commune).exists()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client_in(other_officer, invitation.commune).post(
        reverse("core:invitations"), {"invitation": invitation.pk, "answer": "accept"}
    )
    assert not Membership.objects.filter(user=other_officer, commune=commune).exists()


def test_a_declined_or_withdrawn_invitation_grants_nothing(commune, admin, other_officer):
    client = client_in(admin, commune)
    _invite(client, "lan")
    invitation = Invitation.objects.get(username="lan")
    client.post(reverse("core:invitation_withdraw", args=[invitation.pk]))
    guest = client_in(other_officer, invitation.commune)
    guest.post(reverse("core:invitations"), {"invitation": invitation.pk, "answer": "accept"})
    assert not Membership.objects.filter(user=other_officer, commune=commune).exists()
    _invite(client, "lan", role="officer")
    second = Invitation.objects.get(username="lan", role="officer")
    guest.post(reverse("core:invitations"), {"invitation": second.pk, "answer": "decline"})
    assert not Membership.objects.filter(user=other_officer, commune=commune).exists()


def test_an_admin_cannot_withdraw_another_communes_invitation(
    commune, other_commune, admin, other_officer
):
    other_admin = Membership.objects.create(
        user=other_officer, role=Role.COMMUNE_ADMIN, commune=other_commune
    ).user
    _invite(client_in(other_admin, other_commune), "mai")
    invitation = Invitation.objects.get(username="mai")
    response = client_in(admin, commune).post(
        reverse("core:invitation_withdraw", args=[invitation.pk])
    )
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert response.status_code == 404
