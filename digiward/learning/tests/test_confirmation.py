"""Certificates proposed from the evidence (issue 14): who has shown every competence of a
track, who is missing one or two, and the certificate form filled in from it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.models import Role
from digiward.core.testing import assert_view_access, client_in, user_with_role
from digiward.learning.confirmation import confirmation_candidates
from digiward.learning.models import Certificate, EvidenceKind, Framework
from digiward.learning.services import Holder, Learner, certificate_issue, evidence_record
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essentials(frameworks) -> Framework:
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


def show(commune, learner: Learner, framework: Framework, codes, kind=EvidenceKind.QUIZ):
    day = timezone.localdate() - timedelta(days=3)
    for code in codes:
        evidence_record(
            actor=None,
            commune=commune,
            learner=learner,
            competence=framework.competences.get(code=code),
            kind=kind,
            source_ref=f"test:{code}",
            achieved_on=day,
        )


def all_codes(framework: Framework) -> list[str]:
    return list(framework.competences.order_by("position").values_list("code", flat=True))


@pytest.fixture
def people(commune, other_commune, admin, volunteer, essentials):
    codes = all_codes(essentials)
    ready = ResidentFactory(commune=commune, full_name="Lê Thị Sáu")
    show(commune, Learner(resident=ready), essentials, codes)
    # Every code but TT.2, which a journey milestone (first cashless payment) stands for.
    by_milestone = ResidentFactory(commune=commune, full_name="Trần Văn Bảy")
    show(commune, Learner(resident=by_milestone), essentials, [c for c in codes if c != "TT.2"])
    milestone_record(
        acting_user=admin,
        resident=by_milestone,
        kind=MilestoneKind.FIRST_CASHLESS_PAYMENT,
        achieved_on=timezone.localdate(),
        source=MilestoneSource.HELP_SESSION,
        source_ref="help_session:1",
    )
    nearly = ResidentFactory(commune=commune, full_name="Phạm Thị Chín")
    show(commune, Learner(resident=nearly), essentials, codes[:-2])
    far = ResidentFactory(commune=commune, full_name="Ngô Văn Mười")
    show(commune, Learner(resident=far), essentials, codes[:5])
    certified = ResidentFactory(commune=commune, full_name="Đỗ Thị Tư")
    show(commune, Learner(resident=certified), essentials, codes)
    certificate_issue(
        access=access_for(admin, commune),
        holder=Holder(name=certified.full_name, resident=certified),
        framework=essentials,
        competences=list(essentials.competences.all()),
        track="citizen",
        basis="Đã xác nhận trước đây",
        base_url="http://testserver",
    )
    show(commune, Learner(user=volunteer), essentials, codes, kind=EvidenceKind.OBSERVED)
    stranger = ResidentFactory(commune=other_commune, full_name="Người Xã Khác")
    show(other_commune, Learner(resident=stranger), essentials, codes)
    return {"ready": ready, "by_milestone": by_milestone, "nearly": nearly}


def test_ready_then_nearly_ready_from_the_evidence(commune, admin, volunteer, essentials, people):
    found = confirmation_candidates(access_for(admin, commune), essentials, "citizen")
    names = sorted(p.name for p in found.ready)
    assert names == sorted(["Lê Thị Sáu", "Trần Văn Bảy"])
    # The volunteers' track lists the commune's members, not its residents.
    members = confirmation_candidates(access_for(admin, commune), essentials, "volunteer")
    assert [p.user for p in members.people] == [volunteer]
    [nearly] = found.nearly
    assert nearly.name == "Phạm Thị Chín"
    assert [c.code for c in nearly.missing] == all_codes(essentials)[-2:]
    # Neither the certified, the far-off nor another commune's people are proposed.
    shown = {p.name for p in found.people}
    assert not shown & {"Ngô Văn Mười", "Đỗ Thị Tư", "Người Xã Khác"}
    by_milestone = next(p for p in found.ready if p.name == "Trần Văn Bảy")
    assert f"TT.2: {EvidenceKind.MILESTONE.label}" in by_milestone.basis


def test_the_page_and_the_form_filled_in_from_the_evidence(commune, admin, essentials, people):
    client = client_in(admin, commune)
    page = client.get(reverse("learning:certificate_ready")).content.decode()
    assert "Lê Thị Sáu" in page and "Phạm Thị Chín" in page and "Ngô Văn Mười" not in page
    ready = people["ready"]
    link = f"?from=evidence&amp;track=citizen&amp;resident={ready.pk}"
    assert link in page
    form = client.get(
        reverse("learning:certificate_issue"),
        {"from": "evidence", "track": "citizen", "resident": ready.pk},
    ).content.decode()
    assert "Minh chứng ghi nhận trong DigiWard" in form
    checked = {
        int(pk)
        for pk in re.findall(
            r'<input type="checkbox" name="competences" value="(\d+)"[^>]*checked', form
        )
    }
    assert checked == set(essentials.competences.values_list("pk", flat=True))
    response = client.post(
        reverse("learning:certificate_issue"),
        {
            "resident": ready.pk,
            "framework": essentials.pk,
            "track": "citizen",
            "competences": [c.pk for c in essentials.competences.all()],
            "basis": "Minh chứng ghi nhận trong DigiWard: đủ 14 năng lực.",
        },
    )
    assert response.status_code == 302
    assert Certificate.objects.filter(resident=ready, revoked_at__isnull=True).exists()
    again = client.get(reverse("learning:certificate_ready")).content.decode()
    assert "Lê Thị Sáu" not in again


def test_only_officers_and_the_admin_see_who_is_ready(commune, other_commune, people):
    assert_view_access(
        url=reverse("learning:certificate_ready"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        scoped=False,
    )
    volunteer = user_with_role(Role.VOLUNTEER, commune)
    assert (
        client_in(volunteer, commune).get(reverse("learning:certificate_ready")).status_code == 403
    )
