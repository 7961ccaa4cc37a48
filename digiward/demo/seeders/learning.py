"""Demo digital-skills data: the shipped frameworks and lessons, the ward's own copy of the
citizen essentials, the three shipped quizzes with attempts (one answered offline, one at
the desk for a citizen), skills seen at the desk, officials with partial progress, and a
few certificates (one revoked) so the verification page has something to show. Runs
after the registry and users seeders. Idempotent."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from digiward.core.access import Access, access_for
from digiward.core.models import Commune, User
from digiward.learning.models import (
    Certificate,
    CheckPhase,
    Evidence,
    EvidenceKind,
    Framework,
    Question,
    Quiz,
)
from digiward.learning.seed import frameworks_load, lessons_load, quiz_files
from digiward.learning.selectors import public_base_url
from digiward.learning.services import (
    Answers,
    ClassDetails,
    Holder,
    Learner,
    attempt_submit,
    attendance_mark,
    certificate_issue,
    certificate_revoke,
    class_save,
    evidence_observe,
    framework_copy,
    participant_add,
    quiz_file_header,
    quiz_import_gift,
)
from digiward.registry.models import Area, Resident

# (competence codes of DW-ESSENTIALS, basis)
CITIZEN_CERTIFICATES = [
    (
        ["DT.1", "ID.1", "ID.2"],
        "Tự kích hoạt VNeID mức 2 tại quầy hướng dẫn, có tình nguyện viên quan sát.",
    ),
    (
        ["ID.1", "DV.1", "TT.2"],
        "Đạt bài kiểm tra dịch vụ công trực tuyến; tự nộp hồ sơ và lệ phí tại quầy.",
    ),
    (["DT.1", "AT.1"], "Hoàn thành lớp Bình dân học vụ số tại nhà văn hóa khu vực 1."),
]


@transaction.atomic
def seed_learning(*, commune: Commune) -> str:
    frameworks_load()
    lessons_load()
    quizzes_note = _seed_quizzes(commune)
    if Certificate.objects.filter(commune=commune).exists():
        return f"Học kỹ năng số: đã có dữ liệu mẫu. {quizzes_note}"
    admin = User.objects.get(username="quantri")
    access = access_for(admin, commune)
    assert access is not None
    shared = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    essentials = Framework.objects.filter(
        code="DW-ESSENTIALS", commune=commune
    ).first() or framework_copy(access=access, framework=shared)
    by_code = {c.code: c for c in essentials.competences.all()}
    residents = Resident.objects.filter(commune=commune, birth_year__lte=1975).order_by("pk")[:3]
    issued: list[Certificate] = []
    for resident, (codes, basis) in zip(residents, CITIZEN_CERTIFICATES, strict=False):
        issued.append(
            certificate_issue(
                access=access,
                holder=Holder(name=resident.full_name, resident=resident),
                framework=essentials,
                competences=[by_code[code] for code in codes if code in by_code],
                track="citizen",
                basis=basis,
                base_url=public_base_url(),
            )
        )
    official = User.objects.filter(username="canbo").first()
    if official is not None:
        issued.append(
            certificate_issue(
                access=access,
                holder=Holder(name=official.full_name or official.username, user=official),
                framework=essentials,
                competences=[by_code[c] for c in ("DV.1", "TT.2", "AT.1") if c in by_code],
                track="official",
                basis="Hoàn thành lớp bồi dưỡng kỹ năng số cho cán bộ ngày 28/11.",
                base_url=public_base_url(),
            )
        )
    if len(issued) > 2:
        certificate_revoke(
            access=access, certificate=issued[2], reason="Cấp nhầm người: trùng tên trong sổ."
        )
    _seed_ready(access, essentials)
    return (
        f"Học kỹ năng số: 4 khung năng lực, {len(issued)} giấy chứng nhận (1 đã thu hồi). "
        f"{quizzes_note}"
    )


def _answers(quiz: Quiz, *, wrong: int = 0) -> Answers:
    """The right answers, with the first `wrong` questions left unanswered."""
    answers: Answers = {}
    for number, question in enumerate(Question.objects.filter(quizzes=quiz).order_by("pk")):
        if number < wrong:
            continue
        choices = list(question.choices.order_by("position"))
        answers[question.pk] = [c.pk for c in choices if question.kind == "ordering" or c.correct]
    return answers


def _seed_quizzes(commune: Commune) -> str:
    if Quiz.objects.filter(commune=commune).exists():
        return "Bài kiểm tra: đã có."
    admin = User.objects.get(username="quantri")
    access = access_for(admin, commune)
    assert access is not None
    quizzes = []
    for path in quiz_files():
        text = path.read_text(encoding="utf-8")
        title, pass_mark = quiz_file_header(text)
        quizzes.append(
            quiz_import_gift(
                access=access, text=text, title=title, pass_mark=pass_mark or 70, source=path.name
            )
        )
    accesses = {
        name: found
        for name in ("canbo", "tinhnguyen")
        if (user := User.objects.filter(username=name).first()) is not None
        and (found := access_for(user, commune)) is not None
    }
    attempts = 0
    official = accesses.get("canbo")
    if official is not None:
        # The officer passed the first two (one answered offline) and not the third yet.
        for quiz, wrong, offline in zip(quizzes, (0, 1, 5), (False, True, False), strict=False):
            attempt_submit(
                access=official,
                quiz=quiz,
                key=uuid.uuid4(),
                answers=_answers(quiz, wrong=wrong),
                offline=offline,
                started_at=timezone.now() - timedelta(days=2),
            )
            attempts += 1
    volunteer = accesses.get("tinhnguyen")
    residents = list(Resident.objects.filter(commune=commune, birth_year__lte=1965)[:2])
    if volunteer is not None and residents and quizzes:
        attempt_submit(
            access=volunteer,
            quiz=quizzes[-1],
            key=uuid.uuid4(),
            answers=_answers(quizzes[-1], wrong=1),
            resident=residents[0],
        )
        attempts += 1
        _seed_observations(volunteer, residents)
    classes = _seed_classes(access, quizzes[0] if quizzes else None)
    return f"Bài kiểm tra: {len(quizzes)} bài, {attempts} lượt làm bài; {classes} lớp học."


def _seed_classes(access: Access, check_quiz: Quiz | None) -> int:
    """A class held last week at the cultural house (most came; a check before and
    after), and one next week in a khu vực, its list not ticked yet."""
    essentials = Framework.objects.filter(code="DW-ESSENTIALS", commune=access.commune).first()
    if essentials is None:
        essentials = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    trainer = User.objects.filter(username="tinhnguyen").first() or access.user
    today = timezone.localdate()
    area = Area.objects.filter(commune=access.commune).order_by("name").first()
    held = class_save(
        access=access,
        details=ClassDetails(
            topic="Cài đặt, kích hoạt VNeID và giữ an toàn tài khoản",
            held_on=today - timedelta(days=6),
            starts_at=time(8, 0),
            place="Nhà văn hóa khu vực 1",
            area=area,
            track="citizen",
            trainer=trainer,
            competences=list(essentials.competences.filter(code__in=["ID.1", "ID.2", "AT.2"])),
            check_quiz=check_quiz,
        ),
    )
    residents = list(
        Resident.objects.filter(commune=access.commune, birth_year__lte=1970).order_by("pk")[:12]
    )
    for index, resident in enumerate(residents):
        participant, _created = participant_add(
            access=access, learning_class=held, resident=resident
        )
        if index < 9:
            attendance_mark(access=access, participant=participant, attended=True)
        if check_quiz is not None and index < 4:
            for phase, wrong in ((CheckPhase.BEFORE, 5), (CheckPhase.AFTER, 1)):
                attempt_submit(
                    access=access,
                    quiz=check_quiz,
                    key=uuid.uuid4(),
                    answers=_answers(check_quiz, wrong=wrong + index % 2),
                    resident=resident,
                    learning_class=held,
                    phase=phase,
                )
    participant_add(
        access=access, learning_class=held, walk_in_name="Bà Năm (khách của hội phụ nữ)"
    )
    coming = class_save(
        access=access,
        details=ClassDetails(
            topic="Thanh toán bằng mã QR và nhận biết cuộc gọi lừa đảo",
            held_on=today + timedelta(days=7),
            starts_at=time(14, 0),
            place="Trụ sở ấp, khu vực 2",
            track="citizen",
            trainer_name="Anh Quân, Viettel Cần Thơ",
            competences=list(essentials.competences.filter(code__in=["TT.2", "AT.1", "AT.3"])),
        ),
    )
    for resident in residents[6:]:
        participant_add(access=access, learning_class=coming, resident=resident)
    return 2


def _seed_observations(volunteer: Access, residents: list[Resident]) -> None:
    """Skills a volunteer saw at the desk; the VNeID one also moves the journey."""
    essentials = Framework.objects.filter(code="DW-ESSENTIALS", commune=volunteer.commune).first()
    if essentials is None:
        essentials = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    by_code = {c.code: c for c in essentials.competences.all()}
    today = timezone.localdate()
    for resident, codes in zip(residents, (("DT.1", "AT.2"), ("DT.1", "ID.1")), strict=False):
        for offset, code in enumerate(codes):
            evidence_observe(
                access=volunteer,
                learner=Learner(resident=resident),
                competence=by_code[code],
                kind=EvidenceKind.DESK,
                level=2,
                achieved_on=today - timedelta(days=3 - offset),
            )


def _seed_ready(access: Access, essentials: Framework) -> None:
    """Something on "Ready to confirm": a volunteer seen doing every competence of the
    essentials (ready), and a citizen who still misses the last two (nearly ready)."""
    codes = list(essentials.competences.order_by("position").values_list("code", flat=True))
    by_code = {c.code: c for c in essentials.competences.all()}
    today = timezone.localdate()
    volunteer = User.objects.filter(username="tinhnguyen").first()
    # An adult with no evidence or certificate yet, so the last two stay missing.
    citizen = (
        Resident.objects.filter(commune=access.commune, birth_year__lte=1975)
        .exclude(pk__in=Evidence.objects.filter(resident__isnull=False).values("resident_id"))
        .exclude(certificates__isnull=False)
        .order_by("pk")
        .first()
    )
    people = [(Learner(user=volunteer), codes, EvidenceKind.OBSERVED)] if volunteer else []
    if citizen is not None:
        people.append((Learner(resident=citizen), codes[:-2], EvidenceKind.DESK))
    for learner, shown, kind in people:
        for offset, code in enumerate(shown):
            evidence_observe(
                access=access,
                learner=learner,
                competence=by_code[code],
                kind=kind,
                level=1,
                achieved_on=today - timedelta(days=20 - offset),
            )
