from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning import selectors
from digiward.learning.models import (
    CheckPhase,
    Evidence,
    EvidenceKind,
    Framework,
    LearningClass,
    Participant,
)
from digiward.learning.seed import quiz_files
from digiward.learning.services import (
    ClassDetails,
    attempt_submit,
    attendance_mark,
    class_save,
    participant_add,
    quiz_import_gift,
)
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import AreaFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essentials(frameworks) -> Framework:
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


@pytest.fixture
def learning_class(essentials, commune, officer, volunteer) -> LearningClass:
    return class_save(
        access=access_for(officer, commune),
        details=ClassDetails(
            topic="Cài và kích hoạt VNeID",
            held_on=timezone.localdate(),
            place="Nhà văn hóa khu vực 3",
            track="citizen",
            trainer=volunteer,
            competences=list(essentials.competences.filter(code__in=["ID.1", "AT.2"])),
        ),
    )


def test_scheduling_checks_what_belongs_to_the_commune(
    essentials, commune, other_commune, officer, other_officer
):
    access = access_for(officer, commune)
    base = {"topic": "Lớp", "held_on": timezone.localdate(), "place": "Trụ sở", "track": "citizen"}
    with pytest.raises(DomainError, match="Khu vực"):
        class_save(
            access=access,
            details=ClassDetails(**base, trainer=officer, area=AreaFactory(commune=other_commune)),
        )
    with pytest.raises(DomainError, match="Người hướng dẫn"):
        class_save(access=access, details=ClassDetails(**base, trainer=other_officer))
    with pytest.raises(DomainError):
        class_save(access=access, details=ClassDetails(**base))  # no trainer at all
    outside = class_save(access=access, details=ClassDetails(**base, trainer_name="Cô Lan, VNPT"))
    assert outside.trainer_label == "Cô Lan, VNPT"


def test_attendance_records_class_evidence_and_undoing_takes_it_back(
    learning_class, commune, volunteer
):
    resident = ResidentFactory(commune=commune)
    access = access_for(volunteer, commune)
    participant, created = participant_add(
        access=access, learning_class=learning_class, resident=resident
    )
    again, created_again = participant_add(
        access=access, learning_class=learning_class, resident=resident
    )
    assert created and not created_again and again.pk == participant.pk
    attendance_mark(access=access, participant=participant, attended=True)
    attendance_mark(access=access, participant=participant, attended=True)  # a double tap
    kinds = set(Evidence.objects.filter(resident=resident).values_list("kind", "competence__code"))
    assert kinds == {(EvidenceKind.CLASS, "ID.1"), (EvidenceKind.CLASS, "AT.2")}
    # Coming to a class about VNeID is not having VNeID: no journey milestone.
    assert not Milestone.objects.filter(resident=resident).exists()
    attendance_mark(access=access, participant=participant, attended=False)
    assert not Evidence.objects.filter(resident=resident).exists()


def test_a_person_of_another_commune_cannot_be_put_on_the_list(
    learning_class, commune, other_commune, volunteer
):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError, match="không có trong sổ"):
        participant_add(
            access=access_for(volunteer, commune), learning_class=learning_class, resident=stranger
        )
    client = client_in(volunteer, commune)
    response = client.post(
        reverse("learning:participant_add", args=[learning_class.pk]),
        {"resident": stranger.pk},
        follow=True,
    )
    assert "không có trong sổ" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_participant_of_another_class_cannot_be_ticked_here(
    learning_class, commune, other_commune, other_officer, volunteer
):
    elsewhere = class_save(
        access=access_for(other_officer, other_commune),
        details=ClassDetails(
            topic="Lớp khác",
            held_on=timezone.localdate(),
            place="X",
            track="citizen",
            trainer=other_officer,
        ),
    )
    theirs, _ = participant_add(
        access=access_for(other_officer, other_commune),
        learning_class=elsewhere,
        walk_in_name="Người khác",
    )
    client = client_in(volunteer, commune)
    url = reverse("learning:attendance", args=[learning_class.pk, theirs.pk])
    assert client.post(url, {"attended": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.attended


def test_attendance_waits_for_the_day(essentials, commune, officer, volunteer):
    future = class_save(
        access=access_for(officer, commune),
        details=ClassDetails(
            topic="Lớp sau",
            held_on=timezone.localdate() + timedelta(days=3),
            place="X",
            track="citizen",
            trainer=volunteer,
        ),
    )
    participant, _ = participant_add(
        access=access_for(volunteer, commune), learning_class=future, walk_in_name="Bà Tư"
    )
    with pytest.raises(DomainError, match="chưa diễn ra"):
        attendance_mark(
            access=access_for(volunteer, commune), participant=participant, attended=True
        )


def test_one_tap_on_the_page_sets_attendance_and_answers_the_button(
    learning_class, commune, volunteer
):
    participant, _ = participant_add(
        access=access_for(volunteer, commune), learning_class=learning_class, walk_in_name="Ông Sáu"
    )
    client = client_in(volunteer, commune)
    url = reverse("learning:attendance", args=[learning_class.pk, participant.pk])
    response = client.post(url, {"attended": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in html and 'hx-swap-oob="true">1/1<' in html
    participant.refresh_from_db()
    assert participant.attended and participant.marked_by == volunteer


def test_the_check_before_and_after_shows_what_people_learned(
    learning_class, commune, admin, volunteer
):
    quiz = quiz_import_gift(
        access=access_for(admin, commune),
        text=quiz_files()[0].read_text(encoding="utf-8"),
        title="Kiểm tra VNeID",
        pass_mark=70,
    )
    learning_class.check_quiz = quiz
    learning_class.save()
    resident = ResidentFactory(commune=commune)
    access = access_for(volunteer, commune)
    participant, _ = participant_add(
        access=access, learning_class=learning_class, resident=resident
    )
    right = {}
    for question in quiz.questions.all():
        choices = list(question.choices.order_by("position"))
        right[question.pk] = [c.pk for c in choices if question.kind == "ordering" or c.correct]
    for phase, answers in ((CheckPhase.BEFORE, {}), (CheckPhase.AFTER, right)):
        attempt_submit(
            access=access,
            quiz=quiz,
            key=uuid.uuid4(),
            answers=answers,
            resident=resident,
            learning_class=learning_class,
            phase=phase,
        )
    check = selectors.class_check(learning_class, [participant])
    assert (check.before_average, check.after_average, check.improved) == (0, 100, 1)
    page = client_in(volunteer, commune).get(reverse("learning:class", args=[learning_class.pk]))
    assert "100%" in page.content.decode()


def test_a_check_for_someone_not_on_the_list_is_refused(learning_class, commune, admin, volunteer):
    quiz = quiz_import_gift(
        access=access_for(admin, commune),
        text=quiz_files()[0].read_text(encoding="utf-8"),
        title="Q",
        pass_mark=70,
    )
    learning_class.check_quiz = quiz
    learning_class.save()
    with pytest.raises(DomainError, match="danh sách lớp"):
        attempt_submit(
            access=access_for(volunteer, commune),
            quiz=quiz,
            key=uuid.uuid4(),
            answers={},
            resident=ResidentFactory(commune=commune),
            learning_class=learning_class,
            phase=CheckPhase.BEFORE,
        )


def test_class_pages_access(learning_class, commune, other_commune, volunteer):
    participant, _ = participant_add(
        access=access_for(volunteer, commune), learning_class=learning_class, walk_in_name="Chị Ba"
    )
    staff = [Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER]
    assert_view_access(
        url=reverse("learning:classes"),
        commune=commune,
        other_commune=other_commune,
        allowed=staff,
        scoped=False,
    )
    assert_view_access(
        url=reverse("learning:class", args=[learning_class.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=staff,
    )
    assert_view_access(
        url=reverse("learning:class_create"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        scoped=False,
    )
    assert_view_access(
        url=reverse("learning:class_edit", args=[learning_class.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
    )
    assert_view_access(
        url=reverse("learning:participant_add", args=[learning_class.pk]),
        method="post",
        data={"walk_in_name": "Anh Tám"},
        commune=commune,
        other_commune=other_commune,
        allowed=staff,
        ok_status=302,
    )
    assert_view_access(
        url=reverse("learning:attendance", args=[learning_class.pk, participant.pk]),
        method="post",
        data={"attended": "1"},
        commune=commune,
        other_commune=other_commune,
        allowed=staff,
        ok_status=302,
    )
