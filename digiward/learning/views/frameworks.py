"""The competence frameworks: list, one framework with its crosswalk, the commune's copy."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.forms import CompetenceForm
from digiward.learning.models import Competence
from digiward.learning.services import competence_update, framework_copy


@commune_required(Perm.VIEW_LEARNING)
def framework_list(request: CommuneRequest) -> HttpResponse:
    frameworks = list(selectors.frameworks_for(request.access.commune))
    copied = {(f.code, f.version) for f in frameworks if f.commune_id}
    return render(
        request,
        "learning/framework_list.html",
        {"frameworks": frameworks, "copied": copied},
    )


@commune_required(Perm.VIEW_LEARNING)
def framework_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    framework = selectors.framework_for(request.access, pk)
    if framework is None:
        raise Http404
    areas = list(framework.areas.prefetch_related("competences"))
    matches = selectors.framework_matches(framework)
    return render(
        request,
        "learning/framework_detail.html",
        {
            "framework": framework,
            "areas": areas,
            "levels": framework.levels.all(),
            "matches": matches,
            "editable": framework.commune_id == request.access.commune.pk
            and request.access.has(Perm.MANAGE_FRAMEWORKS),
        },
    )


@require_POST
@commune_required(Perm.MANAGE_FRAMEWORKS)
def framework_copy_view(request: CommuneRequest, pk: int) -> HttpResponseBase:
    framework = selectors.framework_for(request.access, pk)
    if framework is None:
        raise Http404
    with attempt(request, success=_("The commune now has its own copy to edit.")) as outcome:
        copy = framework_copy(access=request.access, framework=framework)
    if outcome.ok:
        return redirect("learning:framework", pk=copy.pk)
    return redirect("learning:framework", pk=framework.pk)


@commune_required(Perm.MANAGE_FRAMEWORKS)
def competence_edit(request: CommuneRequest, pk: int) -> HttpResponseBase:
    competence = (
        Competence.objects.select_related("framework", "area")
        .filter(pk=pk, framework__commune=request.access.commune)
        .first()
    )
    if competence is None:  # a shared framework's competence, or another commune's
        raise Http404
    initial = {
        "name_vi": competence.name_vi,
        "name_en": competence.name_en,
        "description_vi": competence.description_vi,
        "description_en": competence.description_en,
        "tracks": competence.tracks,
        "milestone": competence.milestone,
    }
    form = CompetenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Competence saved.")) as outcome:
            competence_update(
                access=request.access, competence=competence, changes=form.cleaned_data
            )
        if outcome.ok:
            return redirect("learning:framework", pk=competence.framework_id)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "learning/competence_form.html",
        {"form": form, "competence": competence},
        status=status,
    )
