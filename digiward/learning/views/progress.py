"""A person's progress: the competences reached, the evidence behind each, and recording
what an official or volunteer saw the person do."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, User
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.forms import EvidenceForm
from digiward.learning.models import Framework
from digiward.learning.services import Learner, evidence_observe
from digiward.learning.views.finding import residents_found
from digiward.registry.models import Resident


def _framework(request: CommuneRequest) -> Framework:
    picked = id_from(request.GET.get("framework"))
    framework = (
        selectors.framework_for(request.access, picked)
        if picked
        else selectors.default_framework(request.access)
    )
    if framework is None:
        raise Http404
    return framework


def _learner(request: CommuneRequest, kind: str, pk: int) -> Learner:
    access = request.access
    if kind == "resident":
        resident = Resident.objects.for_access(access).filter(pk=pk).first()
        if resident is None:
            raise Http404
        return Learner(resident=resident)
    # Someone else's progress is for the officers who confirm skills; one's own for all.
    if pk != access.user.pk and not access.has(Perm.ISSUE_CERTIFICATES):
        raise Http404
    member = User.objects.filter(pk=pk, memberships__commune=access.commune).first()
    if member is None:
        raise Http404
    return Learner(user=member)


def _page(
    request: CommuneRequest, learner: Learner, framework: Framework, form: EvidenceForm | None
) -> HttpResponse:
    progress = selectors.progress_for(
        framework=framework, resident=learner.resident, user=learner.user
    )
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=learner.resident or learner.user,
        object_repr=_("Skills progress of %(name)s") % {"name": learner.name},
    )
    can_record = request.access.has(Perm.RECORD_SKILLS) and framework.levels.exists()
    if form is None and can_record:
        form = EvidenceForm(framework=framework)
    return render(
        request,
        "learning/progress.html",
        {
            "learner": learner,
            "framework": framework,
            "frameworks": selectors.frameworks_for(request.access.commune),
            "progress": progress,
            "reached": sum(1 for row in progress if row.reached),
            "form": form if can_record else None,
            "kind": "resident" if learner.resident else "member",
            "person_pk": (learner.resident or learner.user).pk,  # type: ignore[union-attr]
        },
        status=422 if form is not None and form.is_bound else 200,
    )


@commune_required(Perm.VIEW_LEARNING)
def my_progress(request: CommuneRequest) -> HttpResponse:
    return _page(request, Learner(user=request.access.user), _framework(request), None)


@commune_required(Perm.VIEW_LEARNING)
def person_progress(request: CommuneRequest, kind: str, pk: int) -> HttpResponse:
    return _page(request, _learner(request, kind, pk), _framework(request), None)


@commune_required(Perm.RECORD_SKILLS)
def evidence_add(request: CommuneRequest, kind: str, pk: int) -> HttpResponseBase:
    learner = _learner(request, kind, pk)
    framework = _framework(request)
    form = EvidenceForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Recorded.")) as outcome:
            evidence_observe(
                access=request.access,
                learner=learner,
                competence=form.cleaned_data["competence"],
                kind=form.cleaned_data["kind"],
                level=form.cleaned_data["level"],
                achieved_on=form.cleaned_data["achieved_on"],
                note=form.cleaned_data["note"],
            )
        if outcome.ok:
            url = request.path.removesuffix("evidence/") + f"?framework={framework.pk}"
            return redirect(url)
    if request.method != "POST":
        return redirect(request.path.removesuffix("evidence/"))
    return _page(request, learner, framework, form)


@commune_required(Perm.VIEW_LEARNING)
def people(request: CommuneRequest) -> HttpResponse:
    """Find whose progress to open: residents by name, and the commune's members."""
    access = request.access
    search = residents_found(request, access, purpose="learning", page_size=20)
    members = (
        User.objects.filter(memberships__commune=access.commune, is_active=True)
        .distinct()
        .order_by("full_name", "username")
        if access.has(Perm.ISSUE_CERTIFICATES)
        else User.objects.none()
    )
    # A commune's team is tens of people, a large ward's a few hundred: pages of 50.
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/people.html",
        {
            "query": search.query,
            "found": search.residents,
            "refused": search.refused,
            "members": page.object_list,
            "page_obj": page,
        },
    )
