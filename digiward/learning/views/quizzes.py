"""Quizzes: the list, importing a GIFT file, taking one (also offline, also at the desk
for a citizen), and the result with the right answers."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.forms import QuizImportForm
from digiward.learning.models import CheckPhase, LearningClass, Quiz
from digiward.learning.services import (
    QuizFileError,
    answers_from_form,
    attempt_submit,
    quiz_file_header,
    quiz_import_gift,
)
from digiward.learning.views.finding import residents_found
from digiward.registry.models import Resident


@commune_required(Perm.VIEW_LEARNING)
def quiz_list(request: CommuneRequest) -> HttpResponse:
    access = request.access
    quizzes = selectors.quizzes_for(access)
    mine = selectors.attempts_for(access).filter(user=access.user)[:10]
    return render(
        request,
        "learning/quiz_list.html",
        {
            "quizzes": quizzes,
            "mine": mine,
            "can_manage": access.has(Perm.MANAGE_FRAMEWORKS),
            "can_report": access.has(Perm.ISSUE_CERTIFICATES),
        },
    )


@commune_required(Perm.MANAGE_FRAMEWORKS)
def quiz_import(request: CommuneRequest) -> HttpResponseBase:
    form = QuizImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        header_title, header_pass = quiz_file_header(text)
        title = form.cleaned_data["title"] or header_title
        pass_mark = form.cleaned_data["pass_mark"] or header_pass or 70
        try:
            with attempt(request, form=form, success=_("Quiz imported.")) as outcome:
                quiz = quiz_import_gift(
                    access=request.access,
                    text=text,
                    title=title,
                    pass_mark=pass_mark,
                    source=str(getattr(request.FILES.get("file"), "name", "") or ""),
                )
        except QuizFileError as error:  # every problem listed, not just the first
            problems = error.problems
        else:
            if outcome.ok:
                return redirect("learning:quiz", pk=quiz.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "learning/quiz_import.html", {"form": form, "problems": problems}, status=status
    )


def _quiz(request: CommuneRequest, pk: int) -> Quiz:
    quiz = selectors.quizzes_for(request.access).filter(pk=pk).first()
    if quiz is None:
        raise Http404
    return quiz


def _class_check(request: CommuneRequest) -> tuple[LearningClass | None, str]:
    """The class whose check this attempt is (`class`, `phase`), or none."""
    params = request.POST or request.GET
    picked = id_from(params.get("class"))
    if not picked:
        return None, ""
    learning_class = LearningClass.objects.for_access(request.access).filter(pk=picked).first()
    if learning_class is None:
        raise Http404
    phase = params.get("phase", "")
    return learning_class, phase if phase in CheckPhase.values else ""


def _assisted_resident(request: CommuneRequest) -> Resident | None:
    picked = id_from((request.POST or request.GET).get("resident"))
    if not picked:
        return None
    resident: Resident | None = (
        Resident.objects.for_access(request.access).filter(pk=picked).first()
    )
    if resident is None:
        raise Http404
    return resident


@commune_required(Perm.VIEW_LEARNING)
def quiz_take(request: CommuneRequest, pk: int) -> HttpResponse:
    """The answer sheet. `?assisted=1`: a volunteer finds the citizen first."""
    quiz = _quiz(request, pk)
    resident = _assisted_resident(request)
    assisted = resident is not None or request.GET.get("assisted") == "1"
    search = residents_found(
        request, request.access, purpose="learning", allowed=assisted and resident is None
    )
    key = str(uuid.uuid4())
    learning_class, phase = _class_check(request)
    return _sheet(
        request,
        quiz,
        key=key,
        resident=resident,
        assisted=assisted,
        found=search.residents,
        query=search.query,
        refused=search.refused,
        learning_class=learning_class,
        phase=phase,
    )


def _sheet(
    request: CommuneRequest,
    quiz: Quiz,
    *,
    key: str,
    resident: Resident | None,
    assisted: bool,
    found: list[Resident] | None = None,
    query: str = "",
    refused: str = "",
    error: str = "",
    chosen: frozenset[int] = frozenset(),
    places: dict[int, str] | None = None,
    status: int = 200,
    learning_class: LearningClass | None = None,
    phase: str = "",
) -> HttpResponse:
    show_sheet = not assisted or resident is not None
    return render(
        request,
        "learning/quiz_take.html",
        {
            "quiz": quiz,
            "sheet": selectors.quiz_sheet(quiz, key) if show_sheet else [],
            "show_sheet": show_sheet,
            "key": key,
            "started": timezone.now().isoformat(),
            "resident": resident,
            "assisted": assisted,
            "found": found or [],
            "query": query,
            "refused": refused,
            "error": error,
            "chosen": chosen,
            "places": places or {},
            "learning_class": learning_class,
            "phase": phase,
        },
        status=status,
    )


def _key(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _started(value: str | None) -> datetime | None:
    try:
        parsed = parse_datetime(value or "")
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        return None
    return parsed


@require_POST
@commune_required(Perm.VIEW_LEARNING)
def quiz_submit(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """One endpoint for the form and for the offline queue (which asks for JSON)."""
    quiz = _quiz(request, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    resident = _assisted_resident(request)
    learning_class, phase = _class_check(request)
    key = _key(request.POST.get("key"))
    error = ""
    try:
        if key is None:
            raise DomainError(_("The answers could not be read; open the quiz again."))
        answers = answers_from_form(dict(request.POST.lists()))
        submission = attempt_submit(
            access=request.access,
            quiz=quiz,
            key=key,
            answers=answers,
            resident=resident,
            started_at=_started(request.POST.get("started")),
            offline=request.POST.get("offline") == "1",
            learning_class=learning_class,
            phase=phase,
        )
    except DomainError as refusal:
        error = refusal.message
    if error:
        if wants_json:
            return JsonResponse({"ok": False, "error": error}, status=422)
        return _sheet(
            request,
            quiz,
            key=str(key or uuid.uuid4()),
            resident=resident,
            assisted=resident is not None,
            error=error,
            chosen=frozenset(
                id_from(v) or 0 for n, vs in request.POST.lists() if n.startswith("q") for v in vs
            ),
            places={
                id_from(n.rsplit("_", 1)[-1]) or 0: str(v)
                for n, v in request.POST.items()
                if n.startswith("o") and "_" in n
            },
            status=422,
            learning_class=learning_class,
            phase=phase,
        )
    url = reverse("learning:attempt", kwargs={"pk": submission.attempt.pk})
    if wants_json:
        return JsonResponse({"ok": True, "url": url, "duplicate": not submission.created})
    return redirect(url)


@commune_required(Perm.VIEW_LEARNING)
def attempt_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    attempt_row = selectors.attempts_for(request.access).filter(pk=pk).first()
    if attempt_row is None:
        raise Http404
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=attempt_row,
        object_repr=f"{attempt_row.learner_name}: {attempt_row.quiz.title}",
    )
    return render(
        request,
        "learning/attempt_detail.html",
        {"attempt": attempt_row, "review": selectors.attempt_review(attempt_row)},
    )


@commune_required(Perm.VIEW_LEARNING)
def attempt_list(request: CommuneRequest) -> HttpResponse:
    attempts = selectors.attempts_for(request.access)
    page = Paginator(attempts, 50).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="learning.attempt",
        object_repr=_("Quiz attempts"),
        changes={"page": page.number},
    )
    return render(
        request, "learning/attempt_list.html", {"page_obj": page, "attempts": page.object_list}
    )
