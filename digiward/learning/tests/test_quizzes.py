from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning.models import Attempt, AttemptMode, Choice, Evidence, Question, Quiz
from digiward.learning.services import (
    QuizFileError,
    answers_from_form,
    attempt_submit,
    quiz_import_gift,
)
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

GIFT = """// quiz: An toàn trên mạng | pass: 60
$CATEGORY: DW-ESSENTIALS/AT.2
::OTP:: Có nên đọc mã OTP cho người gọi xưng là nhân viên ngân hàng không? {
  =Không, không bao giờ
  ~Có, nếu họ nói đúng tên mình#Kẻ gian thường biết tên bạn.
}

::Đúng sai:: Mật khẩu có thể cho người thân mượn. {F}

$CATEGORY: DW-ESSENTIALS/AT.3
::Dấu hiệu:: Dấu hiệu nào cho thấy đường link là giả? {
  ~%50%Địa chỉ không có đuôi .gov.vn
  ~%50%Yêu cầu cài tệp APK
  ~%-100%Trang có biểu tượng quốc huy
}

::Thứ tự:: Xếp các bước khi nhận cuộc gọi lạ đòi chuyển tiền {>Không làm theo >Cúp máy >Báo công an xã}
"""


@pytest.fixture
def quiz(frameworks, commune, admin) -> Quiz:
    return quiz_import_gift(
        access=access_for(admin, commune), text=GIFT, title="An toàn trên mạng", pass_mark=60
    )


def questions(quiz: Quiz) -> dict[str, Question]:
    return {q.kind: q for q in Question.objects.filter(quizzes=quiz)}


def right_answers(quiz: Quiz) -> dict[int, list[int]]:
    out = {}
    for question in Question.objects.filter(quizzes=quiz):
        choices = list(question.choices.order_by("position"))
        if question.kind == "ordering":
            out[question.pk] = [c.pk for c in choices]
        else:
            out[question.pk] = [c.pk for c in choices if c.correct]
    return out


def test_gift_import_makes_the_quiz_with_competences_and_choices(quiz):
    by_kind = questions(quiz)
    assert set(by_kind) == {"single", "true_false", "multiple", "ordering"}
    assert by_kind["single"].competence.reference == "DW-ESSENTIALS:AT.2"
    assert by_kind["multiple"].competence.reference == "DW-ESSENTIALS:AT.3"
    assert [c.text for c in by_kind["ordering"].choices.all()] == [
        "Không làm theo",
        "Cúp máy",
        "Báo công an xã",
    ]
    assert sum(c.correct for c in by_kind["multiple"].choices.all()) == 2
    assert quiz.pass_mark == 60


def test_a_broken_gift_file_is_refused_whole_with_every_problem(frameworks, commune, admin):
    broken = GIFT + "\n$CATEGORY: DW-ESSENTIALS/XX.9\n::Hỏng:: Câu này thiếu đáp án đúng {~a ~b}\n"
    with pytest.raises(QuizFileError) as refused:
        quiz_import_gift(access=access_for(admin, commune), text=broken, title="X", pass_mark=70)
    assert any("đáp án đúng" in problem for problem in refused.value.problems)
    assert Quiz.objects.count() == 0 and Question.objects.count() == 0


def test_an_unknown_competence_is_named_and_nothing_is_written(frameworks, commune, admin):
    text = "$CATEGORY: DW-ESSENTIALS/ZZ.1\n::A:: Câu hỏi {=Đúng ~Sai}\n"
    with pytest.raises(QuizFileError) as refused:
        quiz_import_gift(access=access_for(admin, commune), text=text, title="X", pass_mark=70)
    assert refused.value.problems == ["Dòng 2: không có năng lực DW-ESSENTIALS/ZZ.1."]
    assert not Quiz.objects.exists()


def test_only_the_admin_imports_questions(frameworks, commune, officer):
    with pytest.raises(PermissionDenied):
        quiz_import_gift(access=access_for(officer, commune), text=GIFT, title="X", pass_mark=70)


def test_all_right_passes_and_records_quiz_evidence_but_no_milestone(quiz, commune, volunteer):
    resident = ResidentFactory(commune=commune)
    submission = attempt_submit(
        access=access_for(volunteer, commune),
        quiz=quiz,
        key=uuid.uuid4(),
        answers=right_answers(quiz),
        resident=resident,
    )
    attempt = submission.attempt
    assert (attempt.score, attempt.max_score, attempt.passed) == (4, 4, True)
    assert attempt.mode == AttemptMode.ASSISTED and attempt.submitted_by == volunteer
    codes = set(
        Evidence.objects.filter(resident=resident).values_list("competence__code", flat=True)
    )
    assert codes == {"AT.2", "AT.3"}
    # Knowing about a step is not having done it: a quiz records no journey milestone.
    assert not Milestone.objects.filter(resident=resident).exists()


def test_each_kind_is_scored_strictly(quiz, commune, officer):
    by_kind = questions(quiz)
    answers = right_answers(quiz)
    multiple = by_kind["multiple"]
    ordering = by_kind["ordering"]
    answers[multiple.pk] = answers[multiple.pk][:1]  # one of the two right ones: not right
    answers[ordering.pk] = list(reversed(answers[ordering.pk]))
    attempt = attempt_submit(
        access=access_for(officer, commune), quiz=quiz, key=uuid.uuid4(), answers=answers
    ).attempt
    assert attempt.results == {
        str(by_kind["single"].pk): True,
        str(by_kind["true_false"].pk): True,
        str(multiple.pk): False,
        str(ordering.pk): False,
    }
    assert (attempt.score, attempt.passed) == (2, False)  # 50% < 60%
    assert not Evidence.objects.filter(user=officer).exists()


def test_the_same_key_twice_is_one_attempt(quiz, commune, officer):
    key = uuid.uuid4()
    access = access_for(officer, commune)
    first = attempt_submit(access=access, quiz=quiz, key=key, answers=right_answers(quiz))
    again = attempt_submit(access=access, quiz=quiz, key=key, answers={}, offline=True)
    assert first.created and not again.created
    assert again.attempt.pk == first.attempt.pk and again.attempt.score == 4
    assert Attempt.objects.count() == 1
    assert Evidence.objects.filter(user=officer).count() == 2


def test_a_key_of_someone_elses_attempt_is_refused(quiz, commune, officer, volunteer):
    key = uuid.uuid4()
    attempt_submit(access=access_for(officer, commune), quiz=quiz, key=key, answers={})
    with pytest.raises(DomainError, match="tài khoản"):
        attempt_submit(access=access_for(volunteer, commune), quiz=quiz, key=key, answers={})


def test_an_answer_for_a_question_not_in_the_quiz_refuses_the_whole_submission(
    quiz, commune, officer
):
    stray = Question.objects.create(
        commune=commune, competence=questions(quiz)["single"].competence, kind="single", text="?"
    )
    answers = right_answers(quiz) | {stray.pk: []}
    with pytest.raises(DomainError, match="không thuộc bài"):
        attempt_submit(
            access=access_for(officer, commune), quiz=quiz, key=uuid.uuid4(), answers=answers
        )
    assert not Attempt.objects.exists() and not Evidence.objects.exists()


def test_a_choice_of_another_question_is_refused(quiz, commune, officer):
    by_kind = questions(quiz)
    answers = {by_kind["single"].pk: [by_kind["multiple"].choices.first().pk]}
    with pytest.raises(DomainError, match="lựa chọn"):
        attempt_submit(
            access=access_for(officer, commune), quiz=quiz, key=uuid.uuid4(), answers=answers
        )


def test_a_resident_of_another_commune_cannot_take_it_here(quiz, commune, other_commune, officer):
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError):
        attempt_submit(
            access=access_for(officer, commune),
            quiz=quiz,
            key=uuid.uuid4(),
            answers={},
            resident=stranger,
        )
    assert not Attempt.objects.exists()


def test_form_answers_are_read_and_junk_is_refused():
    data = {"q5": ["12"], "q6": ["3", "4"], "o7_30": ["2"], "o7_31": ["1"], "key": ["x"]}
    assert answers_from_form(data) == {5: [12], 6: [3, 4], 7: [31, 30]}
    with pytest.raises(DomainError):
        answers_from_form({"q5": ["1 OR 1=1"]})
    with pytest.raises(DomainError):
        answers_from_form({"o7_x": ["1"]})


def _sheet_html(client, quiz: Quiz, key: str) -> str:
    response = client.get(reverse("learning:quiz", args=[quiz.pk]))
    html = response.content.decode()
    # The page's own key and start time differ per load; the rest must not.
    html = re.sub(r'name="key" value="[^"]+"', "", html)
    html = re.sub(r'name="started" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_answer_sheet_does_not_carry_the_right_answers(quiz, commune, officer, monkeypatch):
    # Same shuffle on both loads: the page depends on the key only through the shuffle.
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=7))
    client = client_in(officer, commune)
    before = _sheet_html(client, quiz, "")
    single = questions(quiz)["single"]
    Choice.objects.filter(question=single).update(correct=False)
    Choice.objects.filter(question=single, position=2).update(correct=True)
    for choice in Choice.objects.filter(question__kind="true_false"):
        choice.correct = not choice.correct
        choice.save()
    after = _sheet_html(client, quiz, "")
    assert before == after
    assert "Kẻ gian thường biết tên bạn" not in before  # feedback comes after submission


def test_submitting_the_page_shows_the_result_and_right_answers(quiz, commune, officer):
    client = client_in(officer, commune)
    by_kind = questions(quiz)
    wrong = by_kind["single"].choices.get(correct=False)
    response = client.post(
        reverse("learning:quiz_submit", args=[quiz.pk]),
        {"key": str(uuid.uuid4()), f"q{by_kind['single'].pk}": str(wrong.pk)},
    )
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:attempt", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert "0/4" in page or "0 trên 4" in page
    assert "Không, không bao giờ" in page  # the right answer, shown after submission
    assert "Kẻ gian thường biết tên bạn" in page  # the wrong choice's explanation
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(attempt.pk)).exists()


def test_the_offline_queue_gets_json_and_a_replay_is_marked_duplicate(quiz, commune, officer):
    client = client_in(officer, commune)
    url = reverse("learning:quiz_submit", args=[quiz.pk])
    body = {"key": str(uuid.uuid4()), "offline": "1"}
    first = client.post(url, body, headers={"Accept": "application/json"}).json()
    again = client.post(url, body, headers={"Accept": "application/json"}).json()
    assert first["ok"] and not first["duplicate"] and again["duplicate"]
    assert first["url"] == again["url"]
    assert Attempt.objects.get().offline is True


def test_a_refused_submission_answers_422_and_keeps_the_ticked_answers(quiz, commune, officer):
    client = client_in(officer, commune)
    single = questions(quiz)["single"]
    ticked = single.choices.first()
    response = client.post(
        reverse("learning:quiz_submit", args=[quiz.pk]),
        {"key": str(uuid.uuid4()), f"q{single.pk}": str(ticked.pk), "q999999": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "không thuộc bài kiểm tra" in html
    assert re.search(rf'value="{ticked.pk}"\s+checked', html)
    json_refusal = client.post(
        reverse("learning:quiz_submit", args=[quiz.pk]),
        {"key": "not-a-key"},
        headers={"Accept": "application/json"},
    )
    assert json_refusal.status_code == 422 and not json_refusal.json()["ok"]


def test_assisted_mode_records_the_resident_and_who_helped(quiz, commune, volunteer):
    resident = ResidentFactory(commune=commune, full_name="Trần Văn Út")
    client = client_in(volunteer, commune)
    page = client.get(reverse("learning:quiz", args=[quiz.pk]), {"resident": resident.pk})
    assert "Trần Văn Út" in page.content.decode()
    client.post(
        reverse("learning:quiz_submit", args=[quiz.pk]),
        {"key": str(uuid.uuid4()), "resident": str(resident.pk)},
    )
    attempt = Attempt.objects.get()
    assert attempt.resident == resident and attempt.user is None
    assert attempt.mode == AttemptMode.ASSISTED and attempt.submitted_by == volunteer


def test_quiz_pages_are_scoped_to_the_commune(quiz, commune, other_commune):
    for name in ("learning:quiz", "learning:quiz_submit"):
        assert_view_access(
            url=reverse(name, args=[quiz.pk]),
            commune=commune,
            other_commune=other_commune,
            allowed={Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER},
            method="get" if name == "learning:quiz" else "post",
            data={"key": str(uuid.uuid4())} if name != "learning:quiz" else None,
            ok_status={200, 302},
        )


def test_a_volunteer_sees_only_the_attempts_they_took_or_helped_with(
    quiz, commune, officer, volunteer
):
    theirs = attempt_submit(
        access=access_for(officer, commune), quiz=quiz, key=uuid.uuid4(), answers={}
    ).attempt
    client = client_in(volunteer, commune)
    assert client.get(reverse("learning:attempt", args=[theirs.pk])).status_code == 404
    assert (
        client_in(officer, commune).get(reverse("learning:attempt", args=[theirs.pk])).status_code
        == 200
    )


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_key_at_once_make_one_attempt(frameworks, commune, officer, admin):
    quiz = quiz_import_gift(access=access_for(admin, commune), text=GIFT, title="Q", pass_mark=60)
    key = uuid.uuid4()
    results: list[bool] = []

    def submit() -> None:
        try:
            outcome = attempt_submit(
                access=access_for(officer, commune), quiz=quiz, key=key, answers={}
            )
            results.append(outcome.created)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert Attempt.objects.filter(key=key).count() == 1
