"""Classes: the list, scheduling one, its page (the class list with one tap per person for
attendance, adding people, the check before and after)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, User
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.forms import ClassForm, WalkInForm
from digiward.learning.models import Competence, LearningClass, Participant
from digiward.learning.services import ClassDetails, attendance_mark, class_save, participant_add
from digiward.learning.views.finding import residents_found
from digiward.registry.models import Area, Resident


@commune_required(Perm.VIEW_LEARNING)
def class_list(request: CommuneRequest) -> HttpResponse:
    today = timezone.localdate()
    classes = selectors.classes_for(request.access)
    upcoming = classes.filter(held_on__gte=today).order_by("held_on", "starts_at", "pk")
    past = Paginator(classes.filter(held_on__lt=today).order_by("-held_on", "-pk"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "learning/class_list.html",
        {
            "upcoming": upcoming,
            "past": past.object_list,
            "page_obj": past,
            "can_manage": request.access.has(Perm.MANAGE_CLASSES),
        },
    )


def _class_form(request: CommuneRequest, learning_class: LearningClass | None) -> ClassForm:
    access = request.access
    framework = selectors.default_framework(access)
    initial = {}
    if learning_class is not None:
        initial = {
            "topic": learning_class.topic,
            "held_on": learning_class.held_on,
            "starts_at": learning_class.starts_at,
            "place": learning_class.place,
            "area": learning_class.area_id,
            "track": learning_class.track,
            "trainer": learning_class.trainer_id,
            "trainer_name": learning_class.trainer_name,
            "competences": list(learning_class.competences.values_list("pk", flat=True)),
            "check_quiz": learning_class.check_quiz_id,
        }
    return ClassForm(
        request.POST or None,
        initial=initial,
        areas=Area.objects.for_access(access).order_by("name"),
        members=User.objects.filter(memberships__commune=access.commune, is_active=True)
        .distinct()
        .order_by("full_name", "username"),
        competences=framework.competences.order_by("position")
        if framework is not None
        else Competence.objects.none(),
        quizzes=selectors.quizzes_for(access),
    )


def _class_edit(request: CommuneRequest, learning_class: LearningClass | None) -> HttpResponseBase:
    form = _class_form(request, learning_class)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with attempt(request, form=form, success=_("Class saved.")) as outcome:
            saved = class_save(
                access=request.access,
                learning_class=learning_class,
                details=ClassDetails(
                    topic=data["topic"],
                    held_on=data["held_on"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    area=data["area"],
                    track=data["track"],
                    trainer=data["trainer"],
                    trainer_name=data["trainer_name"],
                    competences=list(data["competences"]),
                    check_quiz=data["check_quiz"],
                ),
            )
        if outcome.ok:
            return redirect("learning:class", pk=saved.pk)
    return render(
        request,
        "learning/class_form.html",
        {"form": form, "learning_class": learning_class},
        status=422 if request.method == "POST" else 200,
    )


@commune_required(Perm.MANAGE_CLASSES)
def class_create(request: CommuneRequest) -> HttpResponseBase:
    return _class_edit(request, None)


@commune_required(Perm.MANAGE_CLASSES)
def class_edit(request: CommuneRequest, pk: int) -> HttpResponseBase:
    return _class_edit(request, _class(request, pk))


def _class(request: CommuneRequest, pk: int) -> LearningClass:
    found = selectors.classes_for(request.access).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@commune_required(Perm.VIEW_LEARNING)
def class_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    learning_class = _class(request, pk)
    access = request.access
    participants = list(
        learning_class.participants.select_related("resident", "user").order_by("pk")
    )
    search = residents_found(
        request, access, purpose="class", allowed=access.has(Perm.RECORD_SKILLS)
    )
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        obj=learning_class,
        object_repr=str(learning_class),
    )
    return render(
        request,
        "learning/class_detail.html",
        {
            "learning_class": learning_class,
            "participants": participants,
            "attended": sum(1 for p in participants if p.attended),
            "check": selectors.class_check(learning_class, participants)
            if learning_class.check_quiz_id
            else None,
            "can_mark": access.has(Perm.RECORD_SKILLS),
            "can_manage": access.has(Perm.MANAGE_CLASSES),
            "held": learning_class.held_on <= timezone.localdate(),
            "query": search.query,
            "found": search.residents,
            "refused": search.refused,
            "walk_in": WalkInForm(),
            "competences": learning_class.competences.order_by("position"),
        },
    )


@require_POST
@commune_required(Perm.RECORD_SKILLS)
def participant_add_view(request: CommuneRequest, pk: int) -> HttpResponseBase:
    learning_class = _class(request, pk)
    access = request.access
    resident_id = id_from(request.POST.get("resident"))
    with attempt(request) as outcome:
        if resident_id:
            # A resident of another commune is the same "not in your registry" refusal as
            # an unknown id: the page never offers one, and nothing is added.
            resident = Resident.objects.filter(pk=resident_id).first()
            if resident is None:
                raise DomainError(_("This person is not in your commune's registry."))
            _participant, created = participant_add(
                access=access, learning_class=learning_class, resident=resident
            )
        else:
            form = WalkInForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Type the person's name."))
            _participant, created = participant_add(
                access=access,
                learning_class=learning_class,
                walk_in_name=form.cleaned_data["walk_in_name"],
            )
    if outcome.ok:
        messages.success(
            request, _("Added to the class.") if created else _("Already on the class list.")
        )
    return redirect(reverse("learning:class", kwargs={"pk": learning_class.pk}) + "#people")


@require_POST
@commune_required(Perm.RECORD_SKILLS)
def attendance_view(request: CommuneRequest, pk: int, participant_pk: int) -> HttpResponseBase:
    """One tap: sets the state the button shows next (came / not came), never a toggle,
    so a tap sent twice sets the same thing twice."""
    learning_class = _class(request, pk)
    participant = Participant.objects.filter(
        pk=participant_pk, learning_class=learning_class
    ).first()
    if participant is None:
        raise Http404
    error = ""
    try:
        participant = attendance_mark(
            access=request.access,
            participant=participant,
            attended=request.POST.get("attended") == "1",
        )
    except DomainError as refusal:
        error = refusal.message
    if getattr(request, "htmx", False):
        return render(
            request,
            "learning/partials/attendance_button.html",
            {
                "learning_class": learning_class,
                "p": participant,
                "error": error,
                "attended": learning_class.participants.filter(attended=True).count(),
                "total": learning_class.participants.count(),
            },
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect(
        reverse("learning:class", kwargs={"pk": learning_class.pk}) + f"#p{participant.pk}"
    )
