"""A help session records the skills the person did alone as evidence of digital skills
(issue 14): through the learning app's service, scoped to the commune, all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.models import Role
from digiward.core.testing import client_in, user_with_role
from digiward.guidance import services
from digiward.guidance.models import HelpSession
from digiward.guidance.services import SessionInput
from digiward.guidance.tests.conftest import access_of
from digiward.learning.models import Competence, Evidence, EvidenceKind, Framework
from digiward.learning.seed import frameworks_load
from digiward.learning.selectors import default_framework, progress_for
from digiward.learning.services import framework_copy
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essentials(db):
    frameworks_load()
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


@pytest.fixture
def resident(commune):
    return ResidentFactory(commune=commune, full_name="Trần Thị Tám", birth_year=1956)


def skill(framework: Framework, code: str) -> Competence:
    return framework.competences.get(code=code)


def session_input(**overrides) -> SessionInput:
    values = {
        "outcome": "done",
        "minutes": 15,
        "helped_on": timezone.localdate(),
        "topic": "Cài VNeID",
    }
    values.update(overrides)
    return SessionInput(**values)  # type: ignore[arg-type]


def test_skills_done_alone_become_evidence_and_move_the_journey(
    commune, volunteer, resident, essentials
):
    access = access_of(volunteer, commune)
    vneid, otp = skill(essentials, "ID.1"), skill(essentials, "AT.2")
    session, _reached = services.help_session_log(
        access=access,
        data=session_input(resident_id=resident.pk, skills=[vneid.pk, otp.pk, otp.pk]),
    )
    assert sorted(session.skills) == sorted([vneid.pk, otp.pk])
    evidence = Evidence.objects.filter(resident=resident).order_by("competence__code")
    assert [(e.competence.code, e.kind, e.level) for e in evidence] == [
        ("AT.2", EvidenceKind.DESK, 1),
        ("ID.1", EvidenceKind.DESK, 1),
    ]
    assert {e.source_ref for e in evidence} == {f"help_session:{session.pk}"}
    assert all(e.recorded_by == volunteer for e in evidence)
    # VNeID level 1 is tied to a journey step: it reaches the journey through the registry.
    milestone = Milestone.objects.get(resident=resident)
    assert (milestone.kind, milestone.source) == (
        MilestoneKind.VNEID_LEVEL1,
        MilestoneSource.LEARNING,
    )
    # The person's progress (on the learning pages) shows the desk as the evidence.
    progress = {
        row.competence.code: row for row in progress_for(framework=essentials, resident=resident)
    }
    assert progress["ID.1"].reached and progress["AT.2"].reached
    assert not progress["TT.2"].reached


def test_a_home_visit_session_records_home_visit_evidence(commune, volunteer, resident, essentials):
    services.help_session_log(
        access=access_of(volunteer, commune),
        data=session_input(
            resident_id=resident.pk, channel="home_visit", skills=[skill(essentials, "DT.2").pk]
        ),
    )
    assert Evidence.objects.get(resident=resident).kind == EvidenceKind.HOME_VISIT


def test_a_skill_of_another_communes_framework_refuses_the_whole_session(
    commune, other_commune, volunteer, resident, essentials
):
    other_admin = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    theirs = framework_copy(
        access=access_of(other_admin, other_commune, Role.COMMUNE_ADMIN), framework=essentials
    )
    with pytest.raises(DomainError) as refused:
        services.help_session_log(
            access=access_of(volunteer, commune),
            data=session_input(
                resident_id=resident.pk,
                milestones=["has_sim"],
                skills=[skill(essentials, "ID.1").pk, skill(theirs, "ID.2").pk],
            ),
        )
    assert refused.value.field == "skills"
    assert not HelpSession.objects.exists()
    assert not Evidence.objects.exists() and not Milestone.objects.exists()


def test_the_communes_own_copy_is_offered_and_accepted(
    commune, admin, volunteer, resident, essentials
):
    ours = framework_copy(
        access=access_of(admin, commune, Role.COMMUNE_ADMIN), framework=essentials
    )
    access = access_of(volunteer, commune)
    assert default_framework(access) == ours
    services.help_session_log(
        access=access, data=session_input(resident_id=resident.pk, skills=[skill(ours, "TT.2").pk])
    )
    assert Evidence.objects.get(resident=resident).competence.framework == ours


def test_a_walk_ins_skills_wait_until_the_session_is_linked(
    commune, volunteer, resident, essentials
):
    access = access_of(volunteer, commune)
    session, _reached = services.help_session_log(
        access=access,
        data=session_input(
            age_band="60-74", visitor_name="Bà Tám", skills=[skill(essentials, "SM.1").pk]
        ),
    )
    assert not Evidence.objects.exists()
    services.help_session_link(access=access, session=session, resident_id=resident.pk)
    evidence = Evidence.objects.get(resident=resident)
    assert (evidence.competence.code, evidence.source_ref) == ("SM.1", f"help_session:{session.pk}")
    assert Milestone.objects.get(resident=resident).kind == MilestoneKind.HAS_SIM


def test_the_phone_form_offers_the_skills_and_keeps_them_on_an_error(
    commune, volunteer, resident, essentials
):
    client = client_in(volunteer, commune)
    url = reverse("guidance:session_log")
    page = client.get(url).content.decode()
    otp = skill(essentials, "AT.2")
    assert f'name="skills" value="{otp.pk}"' in page and "Kỹ năng người dân tự làm được" in page
    # A made-up skill id: the form comes back in Vietnamese with what was typed.
    response = client.post(
        url,
        {
            "resident": resident.pk,
            "topic": "Giữ mã OTP",
            "outcome": "done",
            "minutes": "10",
            "channel": "desk",
            "skills": [str(otp.pk), "999999"],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Kỹ năng không có trong danh sách" in body
    assert 'value="Giữ mã OTP"' in body and f'value="{otp.pk}" checked' in body
    assert not HelpSession.objects.exists()
    response = client.post(
        url,
        {
            "resident": resident.pk,
            "topic": "Giữ mã OTP",
            "outcome": "done",
            "minutes": "10",
            "channel": "desk",
            "skills": [str(otp.pk)],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Evidence.objects.get(resident=resident).competence == otp
    assert "ghi nhận là minh chứng kỹ năng số" in response.content.decode()
