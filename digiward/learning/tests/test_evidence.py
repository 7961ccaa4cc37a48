from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning import selectors
from digiward.learning.models import Competence, Evidence, EvidenceKind, Framework
from digiward.learning.services import Learner, evidence_observe
from digiward.registry.journey import MilestoneSource
from digiward.registry.models import Milestone
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essentials(frameworks) -> Framework:
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


def competence(framework: Framework, code: str) -> Competence:
    return framework.competences.get(code=code)


def test_seeing_someone_do_it_records_the_matching_journey_milestone(
    essentials, commune, volunteer
):
    resident = ResidentFactory(commune=commune)
    day = timezone.localdate() - timedelta(days=1)
    evidence_observe(
        access=access_for(volunteer, commune),
        learner=Learner(resident=resident),
        competence=competence(essentials, "ID.1"),
        kind=EvidenceKind.DESK,
        level=2,
        achieved_on=day,
    )
    milestone = Milestone.objects.get(resident=resident)
    assert (milestone.kind, milestone.achieved_on) == ("vneid_level1", day)
    assert milestone.source == MilestoneSource.LEARNING
    resident.refresh_from_db()
    assert resident.journey_last_on == day  # the journey moved


def test_the_same_observation_sent_twice_is_one_row(essentials, commune, volunteer):
    resident = ResidentFactory(commune=commune)
    args = {
        "access": access_for(volunteer, commune),
        "learner": Learner(resident=resident),
        "competence": competence(essentials, "AT.1"),
        "kind": EvidenceKind.OBSERVED,
        "level": 1,
        "achieved_on": timezone.localdate(),
    }
    assert evidence_observe(**args) is not None
    assert evidence_observe(**args) is None
    assert Evidence.objects.count() == 1


def test_a_resident_of_another_commune_is_refused(essentials, commune, other_commune, volunteer):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError, match="không có trong sổ"):
        evidence_observe(
            access=access_for(volunteer, commune),
            learner=Learner(resident=stranger),
            competence=competence(essentials, "AT.1"),
            kind=EvidenceKind.DESK,
            level=1,
            achieved_on=timezone.localdate(),
        )
    assert not Evidence.objects.exists()


def test_a_level_the_framework_does_not_have_and_a_future_date_are_refused(
    essentials, commune, volunteer
):
    base = {
        "access": access_for(volunteer, commune),
        "learner": Learner(resident=ResidentFactory(commune=commune)),
        "competence": competence(essentials, "AT.1"),
        "kind": EvidenceKind.DESK,
    }
    with pytest.raises(DomainError, match="mức 9"):
        evidence_observe(**base, level=9, achieved_on=timezone.localdate())
    with pytest.raises(DomainError, match="tương lai"):
        evidence_observe(**base, level=1, achieved_on=timezone.localdate() + timedelta(days=2))
    assert not Evidence.objects.exists()


def test_a_milestone_reached_elsewhere_counts_as_evidence(essentials, commune, officer):
    resident = ResidentFactory(commune=commune)
    milestone_record(
        acting_user=officer,
        resident=resident,
        kind="first_cashless_payment",
        achieved_on=date(2026, 11, 2),
        source=MilestoneSource.HELP_SESSION,
    )
    rows = {
        row.competence.code: row
        for row in selectors.progress_for(framework=essentials, resident=resident)
    }
    assert rows["TT.2"].reached and rows["TT.2"].evidence[0].kind == EvidenceKind.MILESTONE
    assert not rows["TT.1"].reached


def test_a_milestone_recorded_from_learning_is_not_counted_twice(essentials, commune, volunteer):
    resident = ResidentFactory(commune=commune)
    evidence_observe(
        access=access_for(volunteer, commune),
        learner=Learner(resident=resident),
        competence=competence(essentials, "SM.1"),
        kind=EvidenceKind.DESK,
        level=2,
        achieved_on=timezone.localdate(),
    )
    rows = {
        row.competence.code: row
        for row in selectors.progress_for(framework=essentials, resident=resident)
    }
    assert [e.kind for e in rows["SM.1"].evidence] == [EvidenceKind.DESK]
    assert rows["SM.1"].level == 2


def test_the_progress_page_records_a_skill_and_shows_it(essentials, commune, volunteer):
    resident = ResidentFactory(commune=commune, full_name="Lê Thị Hoa")
    client = client_in(volunteer, commune)
    url = reverse("learning:resident_progress", args=[resident.pk])
    page = client.get(url, {"framework": essentials.pk})
    assert page.status_code == 200 and "Lê Thị Hoa" in page.content.decode()
    response = client.post(
        reverse("learning:resident_evidence", args=[resident.pk]) + f"?framework={essentials.pk}",
        {
            "competence": competence(essentials, "AT.2").pk,
            "level": "2",
            "kind": "desk",
            "achieved_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().competence.code == "AT.2"
    bad = client.post(
        reverse("learning:resident_evidence", args=[resident.pk]) + f"?framework={essentials.pk}",
        {"competence": "", "level": "2", "kind": "desk", "achieved_on": "", "note": "giữ lại"},
    )
    assert bad.status_code == 422 and "giữ lại" in bad.content.decode()


def test_progress_pages_are_scoped(essentials, commune, other_commune, officer, volunteer):
    resident = ResidentFactory(commune=commune)
    assert_view_access(
        url=reverse("learning:resident_progress", args=[resident.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER},
    )
    # An official's progress is for the officers who confirm skills, and for themself.
    url = reverse("learning:member_progress", args=[officer.pk])
    assert client_in(volunteer, commune).get(url).status_code == 404
    assert client_in(officer, commune).get(url).status_code == 200
    assert client_in(volunteer, commune).get(reverse("learning:my_progress")).status_code == 200


def test_the_residents_registry_page_leads_to_their_skills(commune, officer):
    resident = ResidentFactory(commune=commune, full_name="Lê Thị Hoa")
    page = client_in(officer, commune).get(reverse("registry:resident_detail", args=[resident.pk]))
    assert reverse("learning:resident_progress", args=[resident.pk]) in page.content.decode()


def test_the_members_list_comes_in_pages(commune, admin):
    from digiward.core.testing import user_with_role

    for _ in range(55):
        user_with_role(Role.VOLUNTEER, commune)
    client = client_in(admin, commune)
    first = client.get(reverse("learning:people")).content.decode()
    second = client.get(reverse("learning:people"), {"page": 2}).content.decode()
    links = "/app/learning/people/member/"
    assert first.count(links) == 50
    assert second.count(links) == 6  # 55 volunteers and the admin: 56 in all
