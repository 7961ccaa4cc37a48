"""Quizzes: importing a GIFT question file, scoring and recording an attempt.

A submission is all or nothing: an answer for a question that is not in the quiz, or a
choice that is not the question's, refuses the whole submission and writes nothing. The
attempt's key makes a second submission of the same answers (the offline queue sending
again after the online one got through) return the first attempt instead of a new one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.learning.gift import GiftError, GiftQuestion, gift_parse
from digiward.learning.models import (
    Attempt,
    AttemptMode,
    CheckPhase,
    Choice,
    Competence,
    EvidenceKind,
    LearningClass,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
)
from digiward.learning.services.evidence import Learner, evidence_record, learner_check
from digiward.registry.models import Resident

MAX_QUESTIONS = 100
# The first line of a shipped or shared quiz file: "// quiz: Title | pass: 70".
FILE_HEADER = re.compile(
    r"^\s*//\s*quiz:\s*(?P<title>[^|\n]+?)\s*(?:\|\s*pass:\s*(?P<pass>\d+))?\s*$"
)


def quiz_file_header(text: str) -> tuple[str, int | None]:
    """The title and pass mark a GIFT file names on its first line, if it does."""
    match = FILE_HEADER.match(text.lstrip("\ufeff").split("\n", 1)[0])
    if not match:
        return "", None
    return match["title"].strip(), int(match["pass"]) if match["pass"] else None


class QuizFileError(DomainError):
    """A GIFT file with problems; every problem, so the trainer fixes them in one go."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _competence_by_reference(access: Access) -> dict[str, Competence]:
    """`FRAMEWORK/CODE` (or `FRAMEWORK:CODE`) → competence, the commune's copy first."""
    found: dict[str, Competence] = {}
    rows = (
        Competence.objects.filter(
            Q(framework__commune__isnull=True) | Q(framework__commune=access.commune)
        )
        .select_related("framework")
        .order_by("framework__commune_id", "framework__version")
    )
    for competence in rows:  # shared first, so the commune's copy overwrites them
        found[f"{competence.framework.code}/{competence.code}".upper()] = competence
    return found


def _reference_key(category: str) -> str:
    return category.strip().replace(":", "/").upper()


@transaction.atomic
def quiz_import_gift(
    *, access: Access, text: str, title: str, pass_mark: int, source: str = ""
) -> Quiz:
    """A quiz and its questions from a GIFT file; each question's `$CATEGORY` names its
    competence (`DW-ESSENTIALS/AT.2`). Nothing is written unless the whole file is right."""
    access.require(Perm.MANAGE_FRAMEWORKS)
    if not title.strip():
        raise DomainError(_("Give the quiz a title."), field="title")
    if not 1 <= pass_mark <= 100:
        raise DomainError(_("The pass mark is a share between 1 and 100."), field="pass_mark")
    try:
        parsed = gift_parse(text)
    except GiftError as error:
        raise QuizFileError([problem.message for problem in error.problems]) from error
    competences = _competence_by_reference(access)
    problems: list[str] = []
    if len(parsed) > MAX_QUESTIONS:
        problems.append(
            _("A quiz has at most %(max)s questions; this file has %(count)s.")
            % {"max": MAX_QUESTIONS, "count": len(parsed)}
        )
    for question in parsed:
        if not question.category:
            problems.append(
                _("Line %(line)s: say which competence the question tests ($CATEGORY: …).")
                % {"line": question.line}
            )
        elif _reference_key(question.category) not in competences:
            problems.append(
                _("Line %(line)s: there is no competence %(ref)s.")
                % {"line": question.line, "ref": question.category}
            )
    if problems:
        raise QuizFileError(problems)
    quiz = Quiz.objects.create(
        commune=access.commune,
        title=title.strip()[:200],
        pass_mark=pass_mark,
        created_by=access.user,
    )
    for position, item in enumerate(parsed, start=1):
        row = _question_create(access, item, competences[_reference_key(item.category)], source)
        QuizQuestion.objects.create(quiz=quiz, question=row, position=position)
    audit_record(
        action=AuditAction.IMPORT,
        commune=access.commune,
        obj=quiz,
        object_repr=quiz.title,
        changes={"questions": [None, len(parsed)], "source": [None, source[:200]]},
    )
    return quiz


def _question_create(
    access: Access, parsed: GiftQuestion, competence: Competence, source: str
) -> Question:
    question = Question.objects.create(
        commune=access.commune,
        competence=competence,
        kind=parsed.kind,
        text=parsed.text,
        feedback=parsed.feedback,
        source=source[:200],
        created_by=access.user,
    )
    Choice.objects.bulk_create(
        Choice(
            question=question,
            position=position,
            text=choice.text[:500],
            correct=choice.correct,
            feedback=choice.feedback[:500],
        )
        for position, choice in enumerate(parsed.choices, start=1)
    )
    return question


# --- Answers and scoring --------------------------------------------------------------

Answers = dict[int, list[int]]  # question id → choice ids (in the learner's order)


def answers_from_form(data: Mapping[str, Sequence[str]]) -> Answers:
    """Read `q<question>` (the choices ticked) and `o<question>_<choice>` (a step's place).

    Anything that is not a number is refused: the page never sends it, so it is tampering
    or a broken client, and guessing would score the wrong thing.
    """
    answers: Answers = {}
    places: dict[int, list[tuple[int, int]]] = {}
    for name, values in data.items():
        try:
            if name.startswith("q") and name[1:].isdigit():
                answers[int(name[1:])] = [int(value) for value in values if value != ""]
            elif name.startswith("o") and "_" in name:
                question_id, choice_id = (int(part) for part in name[1:].split("_", 1))
                for value in values:
                    if value != "":
                        places.setdefault(question_id, []).append((int(value), choice_id))
        except ValueError as error:
            raise DomainError(_("The answers could not be read; open the quiz again.")) from error
    for question_id, pairs in places.items():
        # Places the learner gave (1, 2, 3…); a repeated place keeps both, so it scores
        # as a wrong order rather than silently picking one.
        answers[question_id] = [choice for _place, choice in sorted(pairs)]
    return answers


def _is_right(question: Question, chosen: list[int]) -> bool:
    choices = list(question.choices.all())
    if question.kind == QuestionKind.ORDERING:
        return chosen == [c.pk for c in sorted(choices, key=lambda c: c.position)]
    right = {c.pk for c in choices if c.correct}
    if question.kind == QuestionKind.MULTIPLE:
        return len(chosen) == len(set(chosen)) and set(chosen) == right
    return len(chosen) == 1 and chosen[0] in right


def _answers_check(questions: Sequence[Question], answers: Answers) -> None:
    by_id = {question.pk: question for question in questions}
    for question_id, chosen in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise DomainError(_("There is an answer for a question that is not in this quiz."))
        offered = {choice.pk for choice in question.choices.all()}
        if not set(chosen) <= offered:
            raise DomainError(_("There is an answer that is not one of the question's choices."))
        if question.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(chosen) > 1:
            raise DomainError(_("A question with one right answer got several."))


@dataclass(frozen=True)
class Submission:
    attempt: Attempt
    created: bool  # False: this key was already submitted; the first attempt stands


def _started(value: datetime | None, now: datetime) -> datetime:
    """The page's start time, kept within reason: a phone's clock can be anything."""
    if value is None or value > now or value < now - timedelta(days=30):
        return now
    return value


@transaction.atomic
def attempt_submit(
    *,
    access: Access,
    quiz: Quiz,
    key: uuid.UUID,
    answers: Answers,
    resident: Resident | None = None,
    started_at: datetime | None = None,
    offline: bool = False,
    learning_class: LearningClass | None = None,
    phase: str = "",
) -> Submission:
    """Score a submission and record it once; passing records evidence of the quiz's
    competences for the learner (the signed-in user, or the resident at the desk)."""
    access.require(Perm.VIEW_LEARNING)
    if quiz.commune_id != access.commune.pk or not quiz.published:
        raise DomainError(_("This quiz is not open."))
    existing = Attempt.objects.filter(key=key).select_related("quiz").first()
    if existing is not None:
        return _replayed(access, quiz, existing)
    learner = Learner(resident=resident) if resident is not None else Learner(user=access.user)
    learner_check(access, learner)
    if learning_class is not None:
        _check_of_class(learning_class, quiz, learner, phase)
    questions = list(
        Question.objects.filter(quizzes=quiz).prefetch_related("choices").order_by("pk")
    )
    _answers_check(questions, answers)
    results = {str(q.pk): _is_right(q, answers.get(q.pk, [])) for q in questions}
    score = sum(results.values())
    now = timezone.now()
    passed = bool(questions) and 100 * score >= quiz.pass_mark * len(questions)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                commune=access.commune,
                quiz=quiz,
                key=key,
                user=learner.user,
                resident=learner.resident,
                mode=AttemptMode.ASSISTED if resident is not None else AttemptMode.SELF,
                submitted_by=access.user,
                started_at=_started(started_at, now),
                offline=offline,
                answers={str(q): chosen for q, chosen in answers.items()},
                results=results,
                score=score,
                max_score=len(questions),
                passed=passed,
                learning_class=learning_class,
                phase=phase if learning_class is not None else "",
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request recorded it.
        return _replayed(access, quiz, Attempt.objects.get(key=key))
    if passed:
        for competence in {q.competence for q in questions}:
            evidence_record(
                actor=access.user,
                commune=access.commune,
                learner=learner,
                competence=competence,
                kind=EvidenceKind.QUIZ,
                source_ref=f"attempt:{attempt.pk}",
                achieved_on=timezone.localdate(),
            )
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=attempt,
        object_repr=f"{learner.name}: {quiz.title} {score}/{len(questions)}",
        changes={"score": [None, score], "passed": [None, passed], "mode": [None, attempt.mode]},
    )
    return Submission(attempt=attempt, created=True)


def _check_of_class(
    learning_class: LearningClass, quiz: Quiz, learner: Learner, phase: str
) -> None:
    if learning_class.commune_id != quiz.commune_id or learning_class.check_quiz_id != quiz.pk:
        raise DomainError(_("This quiz is not the check of this class."))
    if phase not in CheckPhase.values:
        raise DomainError(_("Say whether this is the check before or after the class."))
    on_list = learning_class.participants.filter(
        resident=learner.resident, user=learner.user
    ).exists()
    if not on_list:
        raise DomainError(_("This person is not on the class list."))


def _replayed(access: Access, quiz: Quiz, existing: Attempt) -> Submission:
    if (
        existing.commune_id != access.commune.pk
        or existing.quiz_id != quiz.pk
        or existing.submitted_by_id != access.user.pk
    ):
        raise DomainError(_("This attempt was already sent from another account or quiz."))
    return Submission(attempt=existing, created=False)
