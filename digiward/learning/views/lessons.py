"""Lessons for the signed-in learner, readable offline after one visit (the service
worker keeps the lesson pages and their styles on the phone)."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.models import Quiz
from digiward.procedures.models import Guide

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "learning" / "sw.js"


@commune_required(Perm.VIEW_LEARNING)
def lesson_list(request: CommuneRequest) -> HttpResponse:
    return render(
        request,
        "learning/lesson_list.html",
        {"lessons": selectors.lessons_for(request.access.commune)},
    )


@commune_required(Perm.VIEW_LEARNING)
def lesson_detail(request: CommuneRequest, slug: str) -> HttpResponse:
    commune = request.access.commune
    lesson = selectors.lesson_for(commune, slug)
    if lesson is None:
        raise Http404
    guides = (
        Guide.objects.visible_in(commune)
        .filter(Q(slug__in=lesson.procedures) | Q(procedure__slug__in=lesson.procedures))
        .filter(current__isnull=False, procedure__is_published=True)
        .select_related("procedure")
    )
    return render(
        request,
        "learning/lesson_detail.html",
        {
            "lesson": lesson,
            "blocks": lesson.blocks_shown(),
            "competences": selectors.competences_named(commune, lesson.competences),
            "guides": guides,
            "quizzes": _quizzes_on(request, lesson.competences),
        },
    )


def _quizzes_on(request: CommuneRequest, references: list[str]) -> QuerySet[Quiz]:
    """The commune's quizzes that test one of these competences."""
    match = Q(pk__in=[])
    for reference in references:
        framework_code, _sep, code = reference.partition(":")
        match |= Q(
            questions__competence__framework__code=framework_code, questions__competence__code=code
        )
    return selectors.quizzes_for(request.access).filter(match).distinct()


@cache_control(max_age=0, no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /app/learning/ so its scope is the learning pages, and no wider."""
    return HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
