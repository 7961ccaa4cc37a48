"""Staff screens of the catalog: find a procedure (the desk), the commune's own
procedures, notes, guides and their versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.params import search_text
from digiward.core.permissions import Perm
from digiward.procedures import services
from digiward.procedures.forms import GuideForm, GuidePictureForm, ProcedureForm, ProcedureNoteForm
from digiward.procedures.models import Guide, GuideImage, GuideVersion, Procedure
from digiward.procedures.selectors import commune_note, search_procedures, shortlist


def _procedure(request: CommuneRequest, pk: int) -> Procedure:
    procedure = Procedure.objects.visible_in(request.access.commune).filter(pk=pk).first()
    if procedure is None:
        raise Http404
    return procedure


@commune_required(Perm.VIEW_HOME)
def catalog(request: CommuneRequest) -> HttpResponse:
    """The same search as the public pages, for volunteers at the desk."""
    query = search_text(request.GET.get("q"))
    commune = request.access.commune
    hits = search_procedures(query, commune=commune, limit=30) if query else []
    context = {
        "query": query,
        "hits": hits,
        "popular": [] if query else shortlist(commune, limit=30),
    }
    template = (
        "procedures/partials/_catalog_results.html" if request.htmx else "procedures/catalog.html"
    )
    return render(request, template, context)


@commune_required(Perm.VIEW_HOME)
@require_http_methods(["GET", "POST"])
def procedure_detail(request: CommuneRequest, pk: int) -> HttpResponseBase:
    procedure = _procedure(request, pk)
    note = commune_note(procedure, request.access.commune)
    form = ProcedureNoteForm(request.POST or None, initial={"note": note.note if note else ""})
    if request.method == "POST":
        request.access.require(Perm.MANAGE_PROCEDURES)
        if form.is_valid():
            with attempt(request, form=form, success=_("Note saved.")) as outcome:
                services.procedure_note_save(
                    access=request.access, procedure=procedure, note=form.cleaned_data["note"]
                )
            if outcome.ok:
                return redirect("procedures:detail", pk=procedure.pk)
    guides = procedure.guides.select_related("current")
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "note": note,
            "note_form": form,
            "guides": guides,
            "can_edit": services.can_edit(request.access, procedure),
        },
    )


@commune_required(Perm.MANAGE_PROCEDURES)
@require_http_methods(["GET", "POST"])
def procedure_form(request: CommuneRequest, pk: int | None = None) -> HttpResponseBase:
    """Add a procedure to the commune's own catalog, or change its facts. The national
    catalog is shared: a commune adds a note to it instead."""
    procedure = Procedure() if pk is None else _procedure(request, pk)
    if procedure.pk is not None and not services.can_edit(request.access, procedure):
        messages.info(request, services.SHARED_CATALOG)
        return redirect("procedures:detail", pk=procedure.pk)
    form = ProcedureForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            saved = services.procedure_save(
                access=request.access,
                procedure=form.save(commit=False),
                source=form.cleaned_data.get("source", ""),
            )
        if outcome.ok:
            if pk is None:
                messages.success(request, _("Procedure added. Now write its guide."))
                guide = saved.guides.first()
                if guide is not None:
                    return redirect("procedures:guide_edit", slug=guide.slug)
            else:
                messages.success(request, _("Procedure saved."))
            return redirect("procedures:detail", pk=saved.pk)
    return render(request, "procedures/procedure_form.html", {"form": form, "procedure": procedure})


@commune_required(Perm.MANAGE_PROCEDURES)
@require_http_methods(["GET", "POST"])
def guide_edit(request: CommuneRequest, slug: str) -> HttpResponseBase:
    guide = get_object_or_404(
        Guide.objects.visible_in(request.access.commune).select_related("procedure", "current"),
        slug=slug,
    )
    if not services.can_edit(request.access, guide.procedure):
        messages.info(request, services.SHARED_CATALOG)
        return redirect("procedures:detail", pk=guide.procedure_id)
    form = GuideForm(request.POST or None, initial=_guide_initial(guide))
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            version = services.guide_edit(
                access=request.access,
                guide=guide,
                content=form.content(),
                change_note=form.cleaned_data["change_note"],
                base_version=form.cleaned_data["base_version"],
            )
        if outcome.ok:
            if version is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(
                    request,
                    _("Version %(n)s saved; the old versions are kept.") % {"n": version.number},
                )
            return redirect("procedures:detail", pk=guide.procedure_id)
    return render(
        request,
        "procedures/guide_form.html",
        {"form": form, "guide": guide, "picture_form": _picture_form(guide)},
    )


def _guide_initial(guide: Guide) -> dict[str, str | int]:
    current = guide.current
    if current is None:
        return {"base_version": 0}
    return {
        "base_version": current.number,
        "title": current.title,
        "audience": current.audience,
        "steps": GuideForm.step_lines(current.steps),
        "common_mistakes": "\n".join(current.common_mistakes),
        "what_to_bring": "\n".join(current.what_to_bring),
    }


def _picture_form(guide: Guide, data: Any = None, files: Any = None) -> GuidePictureForm | None:
    if guide.current is None:
        return None
    return GuidePictureForm(data, files, steps=len(guide.current.steps))


@commune_required(Perm.MANAGE_PROCEDURES)
@require_http_methods(["POST"])
def guide_picture(request: CommuneRequest, slug: str) -> HttpResponseBase:
    """Put a picture on a step of the guide, or take it off (a new version each time)."""
    guide = get_object_or_404(
        Guide.objects.visible_in(request.access.commune).select_related("procedure", "current"),
        slug=slug,
    )
    form = _picture_form(guide, request.POST, request.FILES)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        with attempt(request, form=form) as outcome:
            services.guide_picture_set(
                access=request.access,
                guide=guide,
                step=data["step"],
                upload=None if data["remove"] else data["picture"],
                alt=data["alt"],
            )
        if outcome.ok:
            messages.success(request, _("Picture saved in a new version."))
            return redirect("procedures:guide_edit", slug=guide.slug)
    return render(
        request,
        "procedures/guide_form.html",
        {"form": GuideForm(initial=_guide_initial(guide)), "guide": guide, "picture_form": form},
    )


@commune_required(Perm.VIEW_HOME)
@cache_control(max_age=3600, private=True)
def guide_picture_file(request: CommuneRequest, pk: int) -> FileResponse:
    """A step picture for staff: any version's, of a procedure this commune sees
    (published or not), so the history and drafts show their pictures."""
    picture = get_object_or_404(GuideImage.objects.visible_in(request.access.commune), pk=pk)
    return FileResponse(picture.image.open("rb"), content_type="image/jpeg")


@commune_required(Perm.VIEW_HOME)
def guide_versions(request: CommuneRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(
        Guide.objects.visible_in(request.access.commune).select_related("procedure"), slug=slug
    )
    versions = GuideVersion.objects.filter(guide=guide).select_related("created_by")
    return render(request, "procedures/guide_versions.html", {"guide": guide, "versions": versions})
