"""A household in a campaign: why it is (not) on the list, allocation, handover, follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.dates import day_or_404, day_text
from digiward.core.downloads import exported_file
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.donations import pdf, ranking, services, wording, workflow
from digiward.donations.forms import AllocationForm, CancelForm, FollowUpForm, HandoverForm
from digiward.donations.models import (
    HANDOVER_CHECKLIST,
    Allocation,
    AllocationStatus,
    FollowUp,
    Handover,
    PriorityEntry,
)
from digiward.donations.selectors import follow_up_tasks, household_facts, scoring_rules
from digiward.donations.views.common import audit_view, get_campaign
from digiward.registry.models import Household


def _household(request: CommuneRequest, campaign_commune_ids: set[int], pk: int) -> Household:
    household: Household | None = (
        Household.objects.filter(pk=pk, commune_id__in=campaign_commune_ids)
        .select_related("area", "head")
        .first()
    )
    if household is None:
        raise Http404
    return household


@commune_required(Perm.VIEW_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_household(request: CommuneRequest, pk: int, household_pk: int) -> HttpResponseBase:
    """Why this household is where it is, who lives there, what it was given."""
    campaign = get_campaign(request, pk)
    commune_ids = set(campaign.communes.values_list("pk", flat=True)) | {campaign.commune_id}
    household = _household(request, commune_ids, household_pk)
    form = AllocationForm(request.POST or None, household=household, campaign=campaign)
    if request.method == "POST":
        request.access.require(Perm.MANAGE_CAMPAIGNS)
        if form.is_valid():
            with attempt(request, form=form, success=_("Items allocated.")) as outcome:
                services.allocation_create(
                    access=request.access,
                    campaign=campaign,
                    household=household,
                    recipient=form.cleaned_data["recipient"],
                    items=list(form.cleaned_data["items"]),
                )
            if outcome.ok:
                return redirect(
                    "donations:campaign_household", pk=campaign.pk, household_pk=household.pk
                )
    rules = campaign.ranking_rules
    entry = PriorityEntry.objects.filter(campaign=campaign, household=household).first()
    facts = household_facts(campaign, household, reference=timezone.localdate())
    assessment = ranking.assess(facts, rules)
    flags = ranking.stored_flags(facts)
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=household,
        note=f"donations campaign {campaign.pk}",
    )
    context = {
        "campaign": campaign,
        "household": household,
        "entry": entry,
        "entry_reasons": wording.reasons_text(entry.flags, entry.poverty_year, rules)
        if entry
        else "",
        "entry_points": wording.points_text(entry.score, entry.flags, scoring_rules(campaign))
        if entry
        else "",
        "today_reasons": wording.reasons_text(flags, facts.poverty_year, rules),
        "exclusions": [wording.exclusion_words(c, rules) for c in assessment.excluded],
        "residents": household.residents.order_by("status", "birth_year", "pk"),
        "allocations": Allocation.objects.filter(campaign=campaign, household=household)
        .select_related("item", "recipient", "handover")
        .order_by("pk"),
        "handovers": Handover.objects.filter(campaign=campaign, household=household),
        "form": form,
        "allocates": campaign.status in workflow.ALLOCATES,
        "changes_list": campaign.status in workflow.CHANGES_LIST,
        "hands_over": campaign.status in workflow.HANDS_OVER,
        "waiting": Allocation.objects.filter(
            campaign=campaign, household=household, status=AllocationStatus.ALLOCATED
        ).exists(),
    }
    return render(request, "donations/household.html", context)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def allocation_cancel(request: CommuneRequest, allocation_pk: int) -> HttpResponseBase:
    allocation = get_for_access(Allocation.objects.all(), request.access, pk=allocation_pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the allocation is cancelled."))
    else:
        with attempt(request, success=_("Allocation cancelled; the item is back in stock.")):
            services.allocation_cancel(
                access=request.access, allocation=allocation, reason=form.cleaned_data["reason"]
            )
    return redirect(
        "donations:campaign_household",
        pk=allocation.campaign_id,
        household_pk=allocation.household_id,
    )


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def handover_create(request: CommuneRequest, pk: int, household_pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    commune_ids = set(campaign.communes.values_list("pk", flat=True)) | {campaign.commune_id}
    household = _household(request, commune_ids, household_pk)
    form = HandoverForm(request.POST or None, campaign=campaign, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.HandoverDetails(**{k: v for k, v in data.items() if k != "allocations"})
        with attempt(request, form=form) as outcome:
            handover = services.handover_record(
                access=request.access,
                campaign=campaign,
                allocations=list(data["allocations"]),
                details=details,
            )
        if outcome.ok:
            messages.success(
                request,
                _("Handover %(ref)s recorded; follow-ups are planned.")
                % {"ref": handover.reference},
            )
            return redirect("donations:handover_detail", handover_pk=handover.pk)
    return render(
        request,
        "donations/handover_form.html",
        {"campaign": campaign, "household": household, "form": form},
    )


@commune_required(Perm.VIEW_CAMPAIGNS)
def handover_detail(request: CommuneRequest, handover_pk: int) -> HttpResponse:
    handover = get_for_access(
        Handover.objects.select_related("campaign", "recipient", "household", "recorded_by"),
        request.access,
        pk=handover_pk,
    )
    get_campaign(request, handover.campaign_id)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=handover)
    return render(
        request,
        "donations/handover_detail.html",
        {
            "handover": handover,
            "campaign": handover.campaign,
            "allocations": handover.allocations.select_related("item"),
            "follow_ups": handover.follow_ups.select_related("done_by"),
            "checklist": [
                (handover._meta.get_field(n).verbose_name, getattr(handover, n))
                for n in HANDOVER_CHECKLIST
            ],
            "today": timezone.localdate(),
        },
    )


@commune_required(Perm.VIEW_CAMPAIGNS)
def handover_minutes(request: CommuneRequest, handover_pk: int) -> HttpResponse:
    handover = get_for_access(
        Handover.objects.select_related(
            "campaign__commune", "recipient", "household__area", "household__head"
        ),
        request.access,
        pk=handover_pk,
    )
    get_campaign(request, handover.campaign_id)
    numbers = services.minutes_citizen_ids(access=request.access, residents=[handover.recipient])
    return exported_file(
        request,
        pdf.handover_minutes_pdf(handover, citizen_id=numbers[handover.recipient.pk]),
        obj=handover,
        object_repr=f"{handover.reference} (PDF)",
        filename=f"bien-ban-ban-giao-{handover.number:02d}.pdf",
    )


@commune_required(Perm.VIEW_CAMPAIGNS)
def ceremony_minutes(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    day = day_or_404(request.GET.get("date", ""))
    handovers = Handover.objects.filter(campaign=campaign, handed_on=day).select_related(
        "recipient"
    )
    if not handovers:
        raise Http404
    numbers = services.minutes_citizen_ids(
        access=request.access, residents=[h.recipient for h in handovers]
    )
    return exported_file(
        request,
        pdf.ceremony_minutes_pdf(campaign, day, citizen_ids=numbers),
        obj=campaign,
        object_repr=f"{campaign.name}: {day_text(day)} (PDF)",
        filename=f"bien-ban-ban-giao-{day:%Y%m%d}.pdf",
    )


@commune_required(Perm.VIEW_CAMPAIGNS)
def handover_list(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    handovers = Handover.objects.filter(campaign=campaign).select_related("recipient", "household")
    days = sorted({h.handed_on for h in handovers})
    waiting = (
        Allocation.objects.filter(campaign=campaign, status=AllocationStatus.ALLOCATED)
        .select_related("household", "recipient", "item")
        .order_by("household__code", "pk")
    )
    audit_view(request, "donations.handover", f"handovers of campaign {campaign.pk}")
    return render(
        request,
        "donations/handover_list.html",
        {"campaign": campaign, "handovers": handovers, "days": days, "waiting": waiting},
    )


# ---- Follow-ups ------------------------------------------------------------------------


@commune_required(Perm.RECORD_MILESTONE)
def follow_up_list(request: CommuneRequest) -> HttpResponse:
    show = "done" if request.GET.get("show") == "done" else "todo"
    page = Paginator(follow_up_tasks(request.access, show=show), 50).get_page(
        request.GET.get("page")
    )
    audit_view(request, "donations.followup", f"follow-ups {show} page {page.number}")
    return render(
        request,
        "donations/follow_up_list.html",
        {"page_obj": page, "show": show, "today": timezone.localdate()},
    )


@commune_required(Perm.RECORD_MILESTONE)
@require_http_methods(["GET", "POST"])
def follow_up_record(request: CommuneRequest, follow_up_pk: int) -> HttpResponseBase:
    follow_up = get_object_or_404(
        FollowUp.objects.for_access(request.access).select_related(
            "handover__recipient", "handover__household", "handover__campaign"
        ),
        pk=follow_up_pk,
    )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Follow-up recorded.")) as outcome:
            services.follow_up_record(
                access=request.access, follow_up=follow_up, **form.cleaned_data
            )
        if outcome.ok:
            return redirect("donations:follow_up_list")
    # The page shows the recipient's name and phone number: a view of personal data.
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        obj=follow_up,
        object_repr=f"follow-up of {follow_up.handover.recipient}"[:200],
    )
    return render(
        request,
        "donations/follow_up_form.html",
        {
            "follow_up": follow_up,
            "form": form,
            "today": timezone.localdate(),
            "items": follow_up.handover.allocations.select_related("item"),
        },
    )
