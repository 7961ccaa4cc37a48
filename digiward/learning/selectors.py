"""Reads the learning screens share: frameworks, quizzes as shown, progress, certificates."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest

from digiward.core.access import Access
from digiward.core.models import Commune, User
from digiward.core.permissions import Perm
from digiward.learning.models import (
    Attempt,
    Certificate,
    CheckPhase,
    Competence,
    CompetenceMatch,
    Evidence,
    EvidenceKind,
    Framework,
    LearningClass,
    Lesson,
    Participant,
    QuestionKind,
    Quiz,
    QuizQuestion,
    SigningKey,
)
from digiward.registry.models import Milestone, Resident
from digiward.registry.selectors import adults


def frameworks_for(commune: Commune) -> QuerySet[Framework]:
    """The shared frameworks and the commune's own copies (another commune's are hidden)."""
    return (
        Framework.objects.filter(Q(commune__isnull=True) | Q(commune=commune))
        .annotate(competence_count=Count("competences", distinct=True))
        .order_by("commune_id", "code", "version")
    )


def framework_for(access: Access, pk: int) -> Framework | None:
    return frameworks_for(access.commune).filter(pk=pk).first()


def competence_matches(competence: Competence) -> list[tuple[str, Competence]]:
    """The crosswalk read both ways: (relation as seen from `competence`, the other one)."""
    return _matches(
        Q(source=competence), Q(target=competence), competence.framework.commune_id
    ).get(competence.pk, [])


def framework_matches(framework: Framework) -> dict[int, list[tuple[str, Competence]]]:
    """`competence_matches` of every competence of the framework, in two queries."""
    return _matches(
        Q(source__framework=framework), Q(target__framework=framework), framework.commune_id
    )


def _matches(
    outgoing: Q, incoming: Q, commune_id: int | None
) -> dict[int, list[tuple[str, Competence]]]:
    """Matches keyed by our competence's id; another commune's copies are left out."""
    from digiward.learning.models import REVERSE_RELATION, MatchRelation

    found: dict[int, list[tuple[str, Competence]]] = defaultdict(list)
    for m in CompetenceMatch.objects.filter(outgoing).select_related("target__framework"):
        if m.target.framework.commune_id in (None, commune_id):
            found[m.source_id].append((m.relation, m.target))
    for m in CompetenceMatch.objects.filter(incoming).select_related("source__framework"):
        if m.source.framework.commune_id in (None, commune_id):
            found[m.target_id].append((REVERSE_RELATION[MatchRelation(m.relation)].value, m.source))
    return {pk: sorted(pairs, key=lambda pair: pair[1].reference) for pk, pairs in found.items()}


def certificates_for(access: Access) -> QuerySet[Certificate]:
    return Certificate.objects.for_access(access).select_related("framework", "issued_by")


def certificate_by_code(code: str) -> Certificate | None:
    return (
        Certificate.objects.filter(code=code)
        .select_related("framework", "commune")
        .prefetch_related("competences")
        .first()
    )


def published_keys() -> QuerySet[SigningKey]:
    return SigningKey.objects.select_related("commune").order_by("commune__code", "created_at")


def public_base_url(request: HttpRequest | None = None) -> str:
    """Where the verification pages live, for the QR code and the credential."""
    if settings.DIGIWARD_PUBLIC_BASE_URL:
        return str(settings.DIGIWARD_PUBLIC_BASE_URL).rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


# --- Quizzes --------------------------------------------------------------------------


def quizzes_for(access: Access) -> QuerySet[Quiz]:
    quizzes: QuerySet[Quiz] = Quiz.objects.for_access(access).annotate(
        question_count=Count("entries")
    )
    if not access.has(Perm.MANAGE_FRAMEWORKS):
        quizzes = quizzes.filter(published=True)
    return quizzes


@dataclass(frozen=True)
class SheetChoice:
    pk: int
    text: str


@dataclass(frozen=True)
class SheetQuestion:
    """A question as the learner's page shows it: no right answer in it, choices shuffled."""

    pk: int
    number: int
    kind: str
    text: str
    competence: str
    choices: tuple[SheetChoice, ...]


def quiz_sheet(quiz: Quiz, key: str) -> list[SheetQuestion]:
    """The questions in the quiz's order; choices shuffled per attempt (seeded by its key,
    so the page sent again after a refused submission shows them in the same order)."""
    entries = (
        QuizQuestion.objects.filter(quiz=quiz)
        .select_related("question__competence__framework")
        .prefetch_related("question__choices")
        .order_by("position")
    )
    sheet = []
    for number, entry in enumerate(entries, start=1):
        question = entry.question
        choices = [SheetChoice(pk=c.pk, text=c.text) for c in question.choices.all()]
        if question.kind != QuestionKind.TRUE_FALSE:  # "Đúng" before "Sai", always
            random.Random(f"{key}:{question.pk}").shuffle(choices)
        sheet.append(
            SheetQuestion(
                pk=question.pk,
                number=number,
                kind=question.kind,
                text=question.text,
                competence=question.competence.reference,
                choices=tuple(choices),
            )
        )
    return sheet


def attempts_for(access: Access) -> QuerySet[Attempt]:
    """Attempts a user may read: their own and those they helped with; an officer all."""
    attempts = Attempt.objects.for_access(access).select_related("quiz", "user", "resident")
    if access.has(Perm.ISSUE_CERTIFICATES):
        return attempts
    return attempts.filter(Q(user=access.user) | Q(submitted_by=access.user))


@dataclass(frozen=True)
class ReviewedQuestion:
    number: int
    text: str
    kind: str
    right: bool
    chosen: tuple[str, ...]
    expected: tuple[str, ...]
    feedback: tuple[str, ...]


def attempt_review(attempt: Attempt) -> list[ReviewedQuestion]:
    """After submission: each question with the answer given, the right one, the why."""
    entries = (
        QuizQuestion.objects.filter(quiz_id=attempt.quiz_id)
        .select_related("question")
        .prefetch_related("question__choices")
        .order_by("position")
    )
    review = []
    for number, entry in enumerate(entries, start=1):
        question = entry.question
        choices = {c.pk: c for c in question.choices.all()}
        chosen_ids = [int(pk) for pk in attempt.answers.get(str(question.pk), [])]
        chosen = [choices[pk] for pk in chosen_ids if pk in choices]
        if question.kind == QuestionKind.ORDERING:
            expected = sorted(choices.values(), key=lambda c: c.position)
        else:
            expected = [c for c in choices.values() if c.correct]
        notes = [c.feedback for c in chosen if c.feedback and not c.correct]
        if question.feedback:
            notes.append(question.feedback)
        review.append(
            ReviewedQuestion(
                number=number,
                text=question.text,
                kind=question.kind,
                right=bool(attempt.results.get(str(question.pk))),
                chosen=tuple(c.text for c in chosen),
                expected=tuple(c.text for c in expected),
                feedback=tuple(notes),
            )
        )
    return review


# --- Progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    kind: str
    label: str
    level: int
    achieved_on: date
    note: str


@dataclass
class CompetenceProgress:
    competence: Competence
    level: int = 0
    evidence: list[EvidenceItem] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.level > 0


def default_framework(access: Access) -> Framework | None:
    """The citizen essentials, the commune's copy if it has one."""
    return (
        frameworks_for(access.commune)
        .filter(code="DW-ESSENTIALS")
        .order_by(F("commune_id").desc(nulls_last=True), "-version")
        .first()
    )


def practice_skill_choices(access: Access) -> list[tuple[int, str]]:
    """The skills a helper can tick as "did it alone" on a help session or a home visit:
    the citizen essentials (the commune's copy if it has one), in the framework's order."""
    framework = default_framework(access)
    if framework is None:
        return []
    return [
        (competence.pk, f"{competence.code} · {competence.name}")
        for competence in framework.competences.order_by("position", "pk")
    ]


def progress_for(
    *, framework: Framework, resident: Resident | None = None, user: User | None = None
) -> list[CompetenceProgress]:
    """Each competence of the framework with the evidence behind it and the level reached.

    Evidence counts by framework and competence code (`same_competence`), so what was
    recorded on the shared framework counts for the commune's copy of it and back. A
    journey milestone counts as evidence (level 1) for the competence that names it,
    unless the milestone was itself recorded from a learning evidence (already listed).
    """
    competences = list(framework.competences.select_related("area").order_by("position"))
    rows = {c.code: CompetenceProgress(competence=c) for c in competences}
    person = Q(resident=resident) if resident is not None else Q(user=user)
    found = Evidence.objects.filter(person, same_competence(framework, list(rows)))
    for evidence in found.select_related("competence").order_by("achieved_on", "pk"):
        row = rows[evidence.competence.code]
        row.evidence.append(
            EvidenceItem(
                kind=evidence.kind,
                label=evidence.get_kind_display(),
                level=evidence.level,
                achieved_on=evidence.achieved_on,
                note=evidence.note,
            )
        )
        row.level = max(row.level, evidence.level)
    if resident is not None:
        by_milestone = {c.milestone: rows[c.code] for c in competences if c.milestone}
        milestones = Milestone.objects.filter(
            resident=resident, kind__in=list(by_milestone)
        ).exclude(source_ref__startswith="learning-evidence:")
        for milestone in milestones:
            row = by_milestone[milestone.kind]
            row.evidence.append(
                EvidenceItem(
                    kind=EvidenceKind.MILESTONE,
                    label=str(EvidenceKind.MILESTONE.label),
                    level=1,
                    achieved_on=milestone.achieved_on,
                    note=milestone.get_source_display(),
                )
            )
            row.level = max(row.level, 1)
    return [rows[c.code] for c in competences]


def same_competence(framework: Framework, codes: list[str], prefix: str = "competence__") -> Q:
    """Evidence (or anything tied to a competence) on these codes of this framework, in
    the shared framework or any copy of it: a commune's copy keeps the codes, and the
    evidence recorded before the copy was made must still count."""
    return Q(**{f"{prefix}framework__code": framework.code, f"{prefix}code__in": codes}) & (
        Q(**{f"{prefix}framework__commune__isnull": True})
        | Q(**{f"{prefix}framework__commune_id": framework.commune_id})
    )


# --- Lessons --------------------------------------------------------------------------


def lessons_for(commune: Commune) -> list[Lesson]:
    """The shipped lessons and the commune's own; the commune's wins on the same slug."""
    rows = Lesson.objects.filter(Q(commune__isnull=True) | Q(commune=commune), published=True)
    by_slug: dict[str, Lesson] = {}
    for lesson in rows.order_by(F("commune_id").asc(nulls_first=True)):
        by_slug[lesson.slug] = lesson
    return sorted(by_slug.values(), key=lambda lesson: (lesson.position, lesson.slug))


def lesson_for(commune: Commune, slug: str) -> Lesson | None:
    return next((lesson for lesson in lessons_for(commune) if lesson.slug == slug), None)


def competences_named(commune: Commune, references: list[str]) -> list[Competence]:
    """Competences by `FRAMEWORK:CODE`, the commune's copy of a framework first."""
    wanted = {tuple(ref.split(":", 1)) for ref in references if ":" in ref}
    found: dict[tuple[str, str], Competence] = {}
    rows = (
        Competence.objects.filter(
            Q(framework__commune__isnull=True) | Q(framework__commune=commune),
            code__in=[code for _fw, code in wanted],
        )
        .select_related("framework")
        .order_by(F("framework__commune_id").asc(nulls_first=True))
    )
    for competence in rows:
        key = (competence.framework.code, competence.code)
        if key in wanted:
            found[key] = competence
    return [found[key] for key in sorted(found)]


# --- Classes --------------------------------------------------------------------------


def classes_for(access: Access) -> QuerySet[LearningClass]:
    classes: QuerySet[LearningClass] = (
        LearningClass.objects.for_access(access)
        .select_related("area", "trainer")
        .annotate(
            participant_count=Count("participants", distinct=True),
            attended_count=Count(
                "participants", filter=Q(participants__attended=True), distinct=True
            ),
        )
    )
    return classes


@dataclass(frozen=True)
class CheckRow:
    participant: Participant
    before: Attempt | None
    after: Attempt | None

    @property
    def gain(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after.percent - self.before.percent


@dataclass(frozen=True)
class ClassCheck:
    rows: list[CheckRow]
    before_average: int | None
    after_average: int | None
    improved: int


def class_check(learning_class: LearningClass, participants: list[Participant]) -> ClassCheck:
    """Each participant's check before and after (their latest attempt of each), and the
    class's averages over the people who took both."""
    latest: dict[tuple[str, int | None, int | None], Attempt] = {}
    for attempt in learning_class.checks.order_by("submitted_at", "pk"):
        latest[(attempt.phase, attempt.resident_id, attempt.user_id)] = attempt
    rows = []
    for participant in participants:
        person = (participant.resident_id, participant.user_id)
        rows.append(
            CheckRow(
                participant=participant,
                before=latest.get((CheckPhase.BEFORE, *person)),
                after=latest.get((CheckPhase.AFTER, *person)),
            )
        )
    pairs = [(r.before, r.after) for r in rows if r.before is not None and r.after is not None]
    return ClassCheck(
        rows=rows,
        before_average=round(sum(b.percent for b, _a in pairs) / len(pairs)) if pairs else None,
        after_average=round(sum(a.percent for _b, a in pairs) / len(pairs)) if pairs else None,
        improved=sum(1 for b, a in pairs if a.percent > b.percent),
    )


# ---- The Bình dân học vụ số figure for the dashboard and the province roll-up ---------------


def skills_confirmed_among(commune: Commune, residents: QuerySet[Resident]) -> int:
    """How many of these residents of `commune` hold a valid (not revoked) certificate: the people whose
    basic digital skills the commune confirmed (Decision 757, Annex II). One query on the
    certificates, which stay few; the breakdown by competence is the skills report's.

    The residents are counted among the holders, not the holders among the residents:
    SQLite builds the list of the subquery first, and the holders' list is short where
    the commune's adults are 100,000 (100 ms to 13 ms, bench/bench_dashboard.py)."""
    holders = Certificate.objects.filter(revoked_at__isnull=True, commune=commune).values(
        "resident_id"
    )
    return residents.filter(pk__in=holders).count()


def skills_confirmed_by_commune(
    commune_ids: list[int], today: date | None = None
) -> dict[int, int]:
    """Per commune, its adults (as the journey's rates count them) holding a valid
    certificate, in one grouped query."""
    people = adults(Resident.objects.filter(commune_id__in=commune_ids), today)
    return dict(
        Certificate.objects.filter(
            commune_id__in=commune_ids, revoked_at__isnull=True, resident__in=people.values("pk")
        )
        .values_list("commune_id")
        .annotate(n=Count("resident_id", distinct=True))
        .order_by()
    )
