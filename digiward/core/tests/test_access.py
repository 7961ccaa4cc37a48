"""Roles, the active commune and scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.access import SESSION_KEY, access_for, accessible_communes
from digiward.core.models import Job, Membership, Role
from digiward.core.permissions import ROLE_PERMISSIONS, Perm
from digiward.core.testing import assert_view_access, client_in
from digiward.core.tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert ROLE_PERMISSIONS[Role.COMMUNE_ADMIN] == frozenset(Perm)


def test_volunteer_sees_masked_ids_and_cannot_export(commune, volunteer):
    access = access_for(volunteer, commune)
    assert access is not None
    assert access.has(Perm.VIEW_REGISTRY)
    assert not access.has(Perm.VIEW_FULL_CITIZEN_ID)
    assert not access.has(Perm.EXPORT_REGISTRY)


def test_no_role_means_no_access(commune, other_officer):
    assert access_for(other_officer, commune) is None


def test_province_viewer_reaches_every_commune_of_the_province_only(
    commune, other_commune, far_commune, province_viewer
):
    assert set(accessible_communes(province_viewer)) == {commune, other_commune}
    access = access_for(province_viewer, other_commune)
    assert access is not None and access.roles == {Role.PROVINCE_VIEWER}
    assert access.has(Perm.VIEW_STATISTICS) and not access.has(Perm.VIEW_REGISTRY)
    assert access_for(province_viewer, far_commune) is None


def test_deactivated_user_has_no_access(commune, officer):
    officer.is_active = False
    officer.save()
    assert access_for(officer, commune) is None


def test_roles_in_two_communes_are_kept_apart(commune, other_commune):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.COMMUNE_ADMIN, commune=commune)
    Membership.objects.create(user=user, role=Role.VOLUNTEER, commune=other_commune)
    assert access_for(user, commune).roles == {Role.COMMUNE_ADMIN}
    assert access_for(user, other_commune).roles == {Role.VOLUNTEER}


def test_single_commune_user_never_chooses(client_for, officer):
    response = client_for(officer).get(reverse("reports:home"))
    assert response.status_code == 200
    assert "Phường Ninh Kiều" in response.content.decode()


def test_user_of_two_communes_chooses_then_works_there(client_for, commune, other_commune):
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.OFFICER, commune=commune)
    Membership.objects.create(user=user, role=Role.OFFICER, commune=other_commune)
    client = client_for(user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:choose_commune"))
    response = client.post(
        reverse("core:choose_commune"), {"commune": other_commune.code, "next": "/app/"}
    )
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.session[SESSION_KEY] == other_commune.pk
    assert "Phường Cái Răng" in client.get(reverse("reports:home")).content.decode()


def test_choosing_a_commune_without_a_role_or_unknown_code_is_refused(
    client_for, officer, other_commune
):
    client = client_for(officer)
    for code in (other_commune.code, "99999", "abc"):
        response = client.post(reverse("core:choose_commune"), {"commune": code})
        assert response.status_code == 404
        assert "không có quyền làm việc" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_revoked_role_stops_working_at_once(client_for, commune, officer):
    client = client_in(officer, commune)
    assert client.get(reverse("reports:home")).status_code == 200
    Membership.objects.filter(user=officer).delete()
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:choose_commune"))


def test_queryset_scoping_returns_only_the_active_commune(commune, other_commune, officer):
    mine = Job.objects.create(commune=commune, kind="test", title="A")
    Job.objects.create(commune=other_commune, kind="test", title="B")
    access = access_for(officer, commune)
    assert list(Job.objects.for_access(access)) == [mine]


def test_permission_helper_on_the_members_page(commune, other_commune):
    assert_view_access(
        url=reverse("core:member_list"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
        scoped=False,  # a page of the active commune, not an object
    )


def test_permission_helper_on_a_member_of_another_commune(commune, other_commune, officer):
    assert_view_access(
        url=reverse("core:member_detail", args=[officer.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN},
    )


def test_commune_codes_are_normalised():
    assert CommuneFactory.build().code.isdigit()
    from digiward.core.models import Commune

    assert Commune.normalize_code(" 31135 ") == "31135"
    assert Commune.normalize_code(4) == "00004"
    assert Commune.normalize_code("31135x") is None
    assert Commune.normalize_code("123456") is None
