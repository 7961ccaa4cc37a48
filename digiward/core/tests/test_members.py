"""The commune administrator manages who signs in, with which role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import AuditAction, AuditEvent, Membership, Role, User
from digiward.core.testing import client_in

pytestmark = pytest.mark.django_db


def test_admin_creates_a_volunteer_who_can_then_sign_in(commune, admin, client):
    response = client_in(admin, commune).post(
        reverse("core:member_add"),
        {
            "create": "1",
            "new-username": "tnv.an",
            "new-full_name": "Phan Văn An",
            "new-email": "",
            "new-phone": "0912.345.678",
            "new-role": "volunteer",
            "new-password": "tam-thoi-123456",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="tnv.an")
    assert user.phone == "0912345678"
    assert Membership.objects.filter(user=user, commune=commune, role=Role.VOLUNTEER).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ROLE_GRANTED, object_id=str(user.pk)
    ).exists()
    signed = client.post(reverse("login"), {"username": "tnv.an", "password": "tam-thoi-123456"})
    assert signed.status_code == 302


def test_bad_input_keeps_what_was_typed(commune, admin, officer):
    response = client_in(admin, commune).post(
        reverse("core:member_add"),
        {
            "create": "1",
            "new-username": "hung",
            "new-full_name": "Người Mới",
            "new-phone": "12345",
            "new-role": "officer",
            "new-password": "ngan",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Người Mới"' in page
    assert "số điện thoại" in page.lower()
    assert User.objects.filter(full_name="Người Mới").count() == 0


def test_the_last_admin_cannot_be_removed(commune, admin):
    membership = Membership.objects.get(user=admin, role=Role.COMMUNE_ADMIN)
    response = client_in(admin, commune).post(
        reverse("core:membership_revoke", args=[membership.pk]), follow=True
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "ít nhất một" in response.content.decode()


def test_revoking_another_communes_role_is_a_404(commune, admin, other_officer):
    membership = Membership.objects.get(user=other_officer)
    response = client_in(admin, commune).post(
        reverse("core:membership_revoke", args=[membership.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_cannot_reset_the_password_of_someone_who_also_works_elsewhere(
    commune, admin, other_officer
):
    Membership.objects.create(user=other_officer, role=Role.VOLUNTEER, commune=commune)
    client_in(admin, commune).post(
        reverse("core:member_detail", args=[other_officer.pk]),
        {"password": "1", "password-password": "mat-khau-moi-123"},
    )
    other_officer.refresh_from_db()
    assert not other_officer.check_password("mat-khau-moi-123")


def test_deactivated_member_cannot_sign_in(commune, admin, officer, client):
    client_in(admin, commune).post(
        reverse("core:member_detail", args=[officer.pk]), {"deactivate": "1"}
    )
    officer.refresh_from_db()
    assert officer.is_active is False
    response = client.post(
        reverse("login"), {"username": "hung", "password": "mat-khau-thu-nghiem"}
    )
    assert response.status_code == 200  # the form again, not a redirect
