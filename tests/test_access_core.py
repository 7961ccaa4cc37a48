"""Access tables of the core and home pages that had none (found by test_url_coverage.py).

Roles from `digiward/core/permissions.py`: MANAGE_MEMBERS, VIEW_AUDIT_LOG and
EXPORT_AUDIT_LOG belong to the commune administrator only; VIEW_JOBS to the administrator,
officers and volunteers; VIEW_HOME to every role.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import Invitation, InvitationStatus, Job, Membership, Role, User
from digiward.core.testing import assert_view_access, client_in, user_with_role

pytestmark = pytest.mark.django_db

ADMIN = {Role.COMMUNE_ADMIN}
EVERYONE = set(Role)


def test_home_page_is_for_every_role_of_the_commune(commune, other_commune):
    assert_view_access(
        url=reverse("reports:home"),
        commune=commune,
        other_commune=other_commune,
        allowed=EVERYONE,
        scoped=False,  # the active commune's own page
    )


def test_adding_a_member_is_for_the_administrator(commune, other_commune):
    assert_view_access(
        url=reverse("core:member_add"),
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        scoped=False,
    )


def test_revoking_a_role_is_for_the_administrator_of_that_commune(
    commune, other_commune, core_objects
):
    assert_view_access(
        url=reverse("core:membership_revoke", args=[core_objects["membership"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        ok_status=302,
    )
    assert not Membership.objects.filter(pk=core_objects["membership"]).exists()


def test_withdrawing_an_invitation_is_for_the_administrator(commune, other_commune, core_objects):
    assert_view_access(
        url=reverse("core:invitation_withdraw", args=[core_objects["invitation"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        ok_status=302,
        scoped=False,  # see the test below: another commune is answered with a message
    )


def test_another_communes_administrator_cannot_withdraw_our_invitation(
    commune, other_commune, core_objects
):
    url = reverse("core:invitation_withdraw", args=[core_objects["invitation"]])
    elsewhere = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    client_in(elsewhere, other_commune).post(url)
    invitation = Invitation.objects.get(pk=core_objects["invitation"])
    assert invitation.status == InvitationStatus.PENDING


def test_another_communes_invitation_is_not_found(commune, other_commune, core_objects):
    url = reverse("core:invitation_withdraw", args=[core_objects["invitation"]])
    elsewhere = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    assert client_in(elsewhere, other_commune).post(url).status_code == 404


def test_audit_export_is_for_the_administrator(commune, other_commune):
    assert_view_access(
        url=reverse("core:audit_export"),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        ok_status=302,
        scoped=False,
    )
    assert Job.objects.filter(kind="core.audit_export", commune=commune).exists()


def test_job_list_is_for_the_desk_and_staff(commune, other_commune):
    assert_view_access(
        url=reverse("core:job_list"),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER},
        scoped=False,
    )


def test_job_list_shows_only_ones_own_jobs_to_an_officer(commune, core_objects):
    """The administrator's export is not listed for another officer (it holds personal data)."""
    other = user_with_role(Role.OFFICER, commune)
    page = client_in(other, commune).get(reverse("core:job_list")).content.decode()
    assert "Xuất danh sách" not in page
    admin = User.objects.get(memberships__role=Role.COMMUNE_ADMIN, memberships__commune=commune)
    assert (
        "Xuất danh sách" in client_in(admin, commune).get(reverse("core:job_list")).content.decode()
    )


def test_a_jobs_file_is_for_its_creator_and_the_administrators(
    commune, other_commune, core_objects
):
    assert_view_access(
        url=reverse("core:job_download", args=[core_objects["job"]]),
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        hidden_from={Role.OFFICER, Role.VOLUNTEER},  # hold VIEW_JOBS, not this job
    )


def test_running_a_job_again_is_for_its_creator_and_the_administrators(
    commune, other_commune, core_objects
):
    assert_view_access(
        url=reverse("core:job_rerun", args=[core_objects["job"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=ADMIN,
        hidden_from={Role.OFFICER, Role.VOLUNTEER},
        ok_status=302,
    )
