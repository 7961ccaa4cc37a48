"""Desk screens: the help-session log (one hand, 20 seconds), sessions, the queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.params import id_from, search_text
from digiward.core.permissions import Perm
from digiward.guidance import selectors, services
from digiward.guidance.forms import SessionForm
from digiward.guidance.models import (
    Channel,
    HelpSession,
    Outcome,
    QueuePriority,
    QueueService,
    QueueTicket,
)
from digiward.learning.selectors import practice_skill_choices
from digiward.procedures.models import Procedure
from digiward.procedures.selectors import search_procedures, shortlist
from digiward.registry.journey import LADDER, next_step
from digiward.registry.models import Milestone, Resident
from digiward.registry.search import SearchRefused, resident_search_for

MINUTE_CHOICES = (5, 10, 15, 20, 30, 45)
SHORTLIST_SIZE = 8


@commune_required(Perm.LOG_HELP_SESSION)
@require_http_methods(["GET", "POST"])
def session_log(request: CommuneRequest) -> HttpResponseBase:
    """The help-session log, built for a phone held in one hand.

    Every choice is a big tap target (radio "chips") and everything but who and what has
    a default, so the common case is ≤ 4 taps: age (or a resident), procedure, [sex or
    milestone], Save. Details are in docs/notes/guidance.md.
    """
    access = request.access
    ticket = None
    ticket_id = id_from(request.GET.get("ticket") or request.POST.get("ticket"))
    if ticket_id is not None:
        ticket = QueueTicket.objects.for_access(access).filter(pk=ticket_id).first()
    initial: dict[str, object] = {"outcome": Outcome.DONE, "minutes": 10, "channel": Channel.DESK}
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        initial["channel"] = channel
    if ticket is not None:
        initial["ticket"] = ticket.pk
        if ticket.called_at:
            elapsed = (timezone.now() - ticket.called_at).total_seconds() / 60
            initial["minutes"] = max(5, int(round(elapsed / 5) * 5))
    skill_choices = practice_skill_choices(access)
    form = SessionForm(request.POST or None, initial=initial, skill_choices=skill_choices)
    resident = None
    if request.method == "POST":
        if form.is_valid():
            with attempt(request, form=form) as outcome:
                session, reached = services.help_session_log(access=access, data=form.to_input())
            if outcome.ok:
                messages.success(request, _saved_text(session, reached))
                return redirect("guidance:session_log")
        picked = id_from(form.data.get("resident"))
        if picked is not None:
            resident = Resident.objects.for_access(access).filter(pk=picked).first()
    commune = access.commune
    procedures = shortlist(commune, limit=SHORTLIST_SIZE)
    chosen_procedure = id_from(form.data.get("procedure")) if form.is_bound else None
    extra = None
    if chosen_procedure is not None and chosen_procedure not in {p.pk for p in procedures}:
        # Picked from search, so not on the short list: read it from the catalog this
        # commune sees (national + its own), or the choice is lost when the form comes back.
        extra = (
            Procedure.objects.published().visible_in(commune).filter(pk=chosen_procedure).first()
        )
    today = timezone.localdate()
    mine_today = (
        HelpSession.objects.for_access(access)
        .filter(helper=access.user, helped_on=today)
        .select_related("resident", "procedure")
        .order_by("-created_at")
    )
    context = {
        "form": form,
        "ticket": ticket,
        "procedures": procedures,
        "extra_procedure": extra,
        "picked_resident": resident,
        "minute_choices": MINUTE_CHOICES,
        **SessionForm.chips(),
        "ladder": LADDER,
        "skill_choices": skill_choices,
        "value": _values(form, initial),
        "mine_today": list(mine_today[:5]),
        "count_today": mine_today.count(),
    }
    return render(request, "guidance/session_log.html", context)


def _saved_text(session: HelpSession, reached: int) -> str:
    """What the officer reads after saving: who, what, and where the milestones went."""
    text = _("Saved: %(who)s · %(what)s.") % {"who": session.person_label, "what": session.what}
    if reached:
        text += " " + _("%(n)s milestone(s) added to the digital journey.") % {"n": reached}
    elif session.milestones and not session.resident_id:
        text += " " + _(
            "The milestones will reach a journey once the visit is linked to the registry."
        )
    if session.skills:
        text += " " + (
            _("%(n)s skill(s) done alone recorded as evidence of digital skills.")
            if session.resident_id
            else _("The skills done alone will be recorded once the visit is linked.")
        ) % {"n": len(session.skills)}
    return text


def _values(form: SessionForm, initial: dict[str, object]) -> dict[str, object]:
    """What each chip group shows as chosen: the posted value, else the default."""
    if form.is_bound:
        data = form.data
        return {
            "age_band": data.get("age_band", ""),
            "sex": data.get("sex", ""),
            "procedure": data.get("procedure", ""),
            "outcome": data.get("outcome", ""),
            "minutes": data.get("minutes", ""),
            "channel": data.get("channel", ""),
            "alone_next_time": data.get("alone_next_time", ""),
            "milestones": data.getlist("milestones"),  # type: ignore[attr-defined]
            "skills": [int(v) for v in data.getlist("skills") if v.isdigit()],  # type: ignore[attr-defined]
            "resident": data.get("resident", ""),
            "ticket": data.get("ticket", ""),
        }
    return {
        "outcome": str(initial["outcome"]),
        "minutes": str(initial["minutes"]),
        "channel": str(initial["channel"]),
        "milestones": [],
        "skills": [],
        "ticket": str(initial.get("ticket", "")),
    }


@commune_required(Perm.LOG_HELP_SESSION)
def session_residents(request: CommuneRequest) -> HttpResponse:
    """htmx: residents matching the search, as big radio rows, with their next step."""
    query = search_text(request.GET.get("q"))
    found: list[Resident] = []
    next_steps: dict[int, object] = {}
    refused = ""
    if len(query) >= 2:
        try:
            found = resident_search_for(
                request.access, query, purpose="help-session log", page_size=6
            ).residents
        except SearchRefused as error:
            refused = error.message
        reached: dict[int, set[str]] = {r.pk: set() for r in found}
        for resident_id, kind in Milestone.objects.filter(resident__in=found).values_list(
            "resident_id", "kind"
        ):
            reached[resident_id].add(kind)
        next_steps = {pk: next_step(kinds) for pk, kinds in reached.items()}
    return render(
        request,
        "guidance/partials/_resident_choices.html",
        {"residents": found, "query": query, "next_steps": next_steps, "refused": refused},
    )


@commune_required(Perm.LOG_HELP_SESSION)
def session_procedures(request: CommuneRequest) -> HttpResponse:
    """htmx: procedures matching the search (diacritics optional), as radio chips."""
    query = request.GET.get("pq", "").strip()[:100]
    hits = search_procedures(query, commune=request.access.commune, limit=6) if query else []
    return render(
        request,
        "guidance/partials/_procedure_choices.html",
        {"procedures": [h.procedure for h in hits], "query": query},
    )


@commune_required(Perm.LOG_HELP_SESSION)
def session_list(request: CommuneRequest) -> HttpResponse:
    """Sessions logged in the commune: mine or everyone's, and walk-ins to link."""
    access = request.access
    sessions = HelpSession.objects.for_access(access).select_related(
        "resident", "procedure", "helper"
    )
    scope = request.GET.get("scope", "mine")
    if scope == "mine":
        sessions = sessions.filter(helper=access.user)
    elif scope == "unlinked":
        sessions = sessions.filter(resident__isnull=True).exclude(visitor_name="")
    page = Paginator(sessions.order_by("-helped_on", "-created_at"), 30).get_page(
        request.GET.get("page")
    )
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="guidance.helpsession",
        object_repr=f"list {scope} page {page.number}",
    )
    return render(request, "guidance/session_list.html", {"page_obj": page, "scope": scope})


@commune_required(Perm.LOG_HELP_SESSION)
@require_http_methods(["GET", "POST"])
def session_link(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """Link a walk-in's session to the registry resident, so its milestones reach the journey."""
    session: HelpSession = get_for_access(
        HelpSession.objects.select_related("procedure"), request.access, pk=pk
    )
    if request.method == "POST":
        resident_id = id_from(request.POST.get("resident"))
        if resident_id is None:
            messages.error(request, _("Pick the person from the registry."))
        else:
            with attempt(request) as outcome:
                reached = services.help_session_link(
                    access=request.access, session=session, resident_id=resident_id
                )
            if outcome.ok:
                messages.success(
                    request,
                    _("Linked. %(n)s milestone(s) added to the digital journey.") % {"n": reached},
                )
                return redirect(reverse("guidance:session_list") + "?scope=unlinked")
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=session)
    return render(request, "guidance/session_link.html", {"session": session})


# ---- Queue -----------------------------------------------------------------------------------

DESK_SESSION_KEY = "guidance_desk"


@commune_required(Perm.RUN_DESK)
def queue(request: CommuneRequest) -> HttpResponse:
    """The desk's queue panel: take a number, call the next, close, and the day's figures."""
    today = timezone.localdate()
    state = selectors.queue_state(request.access.commune, today)
    context = {
        "state": state,
        "services": QueueService.choices,
        "priorities": [c for c in QueuePriority.choices if c[0]],
        "desk": request.session.get(DESK_SESSION_KEY, "1"),
        "by_hour": selectors.queue_by_hour(request.access.commune),
        "today": today,
    }
    if request.htmx and request.htmx.target == "queue-panel":
        return render(request, "guidance/partials/_queue_panel.html", context)
    return render(request, "guidance/queue.html", context)


@commune_required(Perm.RUN_DESK)
@require_POST
def ticket_take(request: CommuneRequest) -> HttpResponseBase:
    with attempt(request) as outcome:
        ticket = services.ticket_take(
            access=request.access,
            service=request.POST.get("service", QueueService.OTHER),
            priority=request.POST.get("priority", ""),
        )
    if not outcome.ok:
        return redirect("guidance:queue")
    return redirect("guidance:ticket_print", pk=ticket.pk)


@commune_required(Perm.RUN_DESK)
def ticket_print(request: CommuneRequest, pk: int) -> HttpResponse:
    ticket: QueueTicket = get_for_access(QueueTicket.objects.all(), request.access, pk=pk)
    ahead = selectors.tickets_before(ticket)
    return render(request, "guidance/ticket.html", {"ticket": ticket, "ahead": ahead})


@commune_required(Perm.RUN_DESK)
@require_POST
def queue_call_next(request: CommuneRequest) -> HttpResponseBase:
    desk_name = request.POST.get("desk", "").strip()[:20] or "1"
    request.session[DESK_SESSION_KEY] = desk_name
    ticket = services.queue_call_next(access=request.access, desk=desk_name)
    if ticket is None:
        messages.info(request, _("Nobody is waiting."))
    else:
        messages.success(
            request,
            _("Number %(number)s, please come to desk %(desk)s.")
            % {"number": ticket.label, "desk": desk_name},
        )
    return redirect("guidance:queue")


@commune_required(Perm.RUN_DESK)
@require_POST
def ticket_close(request: CommuneRequest, pk: int) -> HttpResponseBase:
    ticket: QueueTicket = get_for_access(QueueTicket.objects.all(), request.access, pk=pk)
    with attempt(request):
        services.ticket_close(
            access=request.access, ticket=ticket, status=request.POST.get("status", "")
        )
    return redirect("guidance:queue")


@commune_required(Perm.RUN_DESK)
@require_POST
def ticket_requeue(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """The way back: a number called or marked "did not come" by mistake waits again."""
    ticket: QueueTicket = get_for_access(QueueTicket.objects.all(), request.access, pk=pk)
    with attempt(request) as outcome:
        services.ticket_requeue(access=request.access, ticket=ticket)
    if outcome.ok:
        messages.success(
            request, _("Number %(number)s is back in the queue.") % {"number": ticket.label}
        )
    return redirect("guidance:queue")


@commune_required(Perm.RUN_DESK)
def queue_screen(request: CommuneRequest) -> HttpResponse:
    """The waiting-room screen: the number called and the next ones, refreshed every 5 s."""
    state = selectors.queue_state(request.access.commune, timezone.localdate())
    template = (
        "guidance/partials/_queue_screen.html" if request.htmx else "guidance/queue_screen.html"
    )
    return render(request, template, {"state": state})
