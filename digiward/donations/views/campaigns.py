"""Campaign screens: the list, a campaign's page, its rules, items, ranking and review."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.params import number_from
from digiward.core.permissions import Perm
from digiward.donations import services, wording, workflow
from digiward.donations.forms import (
    CampaignForm,
    ItemBatchForm,
    ListChangeForm,
    PledgeForm,
    ReturnForm,
    RulesForm,
)
from digiward.donations.models import (
    CampaignStatus,
    EntryStatus,
    Item,
    ItemKind,
    ListChange,
    PriorityEntry,
    RankingRun,
)
from digiward.donations.ranking import GROUP_NONE, UNKNOWN_BIRTH_YEAR
from digiward.donations.selectors import (
    campaigns_for,
    entry_counts,
    kind_counts,
    list_entries,
    phones_available,
    scoring_rules,
)
from digiward.donations.views.common import audit_view, get_campaign


@commune_required(Perm.VIEW_CAMPAIGNS)
def campaign_list(request: CommuneRequest) -> HttpResponse:
    campaigns = (
        campaigns_for(request.access)
        .prefetch_related("sponsors")
        .annotate(
            phones=Count("items", filter=Q(items__kind=ItemKind.PHONE), distinct=True),
            handovers_count=Count("handovers", distinct=True),
        )
    )
    return render(request, "donations/campaign_list.html", {"campaigns": campaigns})


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: CommuneRequest, pk: int | None = None) -> HttpResponseBase:
    campaign = get_campaign(request, pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign, commune=request.access.commune)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Campaign saved.")) as outcome:
            saved = services.campaign_save(
                access=request.access,
                campaign=form.save(commit=False),
                sponsors=form.cleaned_data["sponsors"],
            )
        if outcome.ok:
            return redirect("donations:campaign_detail", pk=saved.pk)
    return render(request, "donations/campaign_form.html", {"form": form, "campaign": campaign})


@commune_required(Perm.VIEW_CAMPAIGNS)
def campaign_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    run = RankingRun.objects.filter(campaign=campaign).select_related("job").first()
    target = workflow.next_status(campaign.status)
    context = {
        "campaign": campaign,
        "sponsors": campaign.sponsors.all(),
        "pledges": campaign.pledges.select_related("sponsor"),
        "kinds": kind_counts(campaign),
        "run": run,
        "counts": entry_counts(campaign),
        "next_status": CampaignStatus(target) if target else None,
        "pledge_form": PledgeForm(campaign=campaign),
        "receives_items": campaign.status in workflow.RECEIVES_ITEMS,
        "ranks": campaign.status in workflow.RANKS,
        "edits_rules": campaign.status in workflow.EDITS_RULES,
        "statuses": CampaignStatus.choices,
    }
    return render(request, "donations/campaign_detail.html", context)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def campaign_status(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    with attempt(request) as outcome:
        updated = services.campaign_transition(
            access=request.access, campaign=campaign, target=request.POST.get("status", "")
        )
    if outcome.ok:
        messages.success(
            request,
            _("The campaign is now: %(status)s.") % {"status": updated.get_status_display()},
        )
    return redirect("donations:campaign_detail", pk=campaign.pk)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def pledge_add(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    form = PledgeForm(request.POST, campaign=campaign)
    if form.is_valid():
        with attempt(request, success=_("Pledge recorded.")):
            services.pledge_add(access=request.access, campaign=campaign, **form.cleaned_data)
    else:
        messages.error(request, _("The pledge was not recorded: check the quantity and value."))
    return redirect("donations:campaign_detail", pk=campaign.pk)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def campaign_rules(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    form = (
        RulesForm(request.POST)
        if request.method == "POST"
        else RulesForm.for_rules(campaign.ranking_rules)
    )
    if request.method == "POST" and form.is_valid():
        saved = _("Rules saved. Rank the households again to apply them.")
        with attempt(request, form=form, success=saved) as outcome:
            services.campaign_rules_save(
                access=request.access, campaign=campaign, rules=form.rules()
            )
        if outcome.ok:
            return redirect("donations:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "donations/campaign_rules.html",
        {"campaign": campaign, "form": form, "editable": campaign.status in workflow.EDITS_RULES},
    )


# ---- Items -----------------------------------------------------------------------------


@commune_required(Perm.VIEW_CAMPAIGNS)
def item_list(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    items = Item.objects.filter(campaign=campaign).select_related("sponsor")
    kind = request.GET.get("kind", "")
    if kind in ItemKind.values:
        items = items.filter(kind=kind)
    return render(
        request,
        "donations/item_list.html",
        {
            "campaign": campaign,
            "items": items,
            "kind": kind,
            "kinds": ItemKind.choices,
            "counts": kind_counts(campaign),
            "receives_items": campaign.status in workflow.RECEIVES_ITEMS,
        },
    )


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def item_receive(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    form = ItemBatchForm(
        request.POST or None, campaign=campaign, initial={"kind": request.GET.get("kind", "phone")}
    )
    problems: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sponsor = data["sponsor"]
        common = {
            "kind": data["kind"],
            "name": data["name"],
            "value_vnd": data["value_vnd"],
            "received_on": data["received_on"],
            "condition": data["condition"],
            "carrier": data["carrier"],
            "data_package": data["data_package"],
            "free_months": data["free_months"],
            "sponsor_id": sponsor.pk if sponsor else None,
        }
        if data["kind"] == ItemKind.PHONE:
            new = [services.NewItem(imei=line, **common) for line in form.lines()]
        elif data["kind"] == ItemKind.SIM:
            new = [services.NewItem(sim_number=line, **common) for line in form.lines()]
        else:
            new = [services.NewItem(**common) for _n in range(data["quantity"])]
        with attempt(request, form=form) as outcome:
            created = services.items_receive(access=request.access, campaign=campaign, items=new)
        if outcome.ok:
            messages.success(request, _("%(count)s items recorded.") % {"count": len(created)})
            return redirect("donations:item_list", pk=campaign.pk)
        if isinstance(outcome.error, services.ItemsRefused):
            problems = outcome.error.problems
    return render(
        request,
        "donations/item_receive.html",
        {"campaign": campaign, "form": form, "problems": problems},
    )


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def item_return(request: CommuneRequest, item_pk: int) -> HttpResponseBase:
    item = get_object_or_404(
        Item.objects.for_access(request.access).select_related("campaign"), pk=item_pk
    )
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Return recorded.")) as outcome:
            services.item_return(access=request.access, item=item, **form.cleaned_data)
        if outcome.ok:
            return redirect("donations:item_list", pk=item.campaign_id)
    return render(
        request,
        "donations/item_return.html",
        {"item": item, "form": form, "campaign": item.campaign},
    )


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def item_repaired(request: CommuneRequest, item_pk: int) -> HttpResponseBase:
    item = get_object_or_404(Item.objects.for_access(request.access), pk=item_pk)
    with attempt(request, success=_("The item is back in stock.")):
        services.item_repaired(access=request.access, item=item)
    return redirect("donations:item_list", pk=item.campaign_id)


# ---- Ranking, the list, the review -------------------------------------------------------


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def ranking_start(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    with attempt(request) as outcome:
        job = services.ranking_start(access=request.access, campaign=campaign)
    if not outcome.ok:
        return redirect("donations:campaign_detail", pk=campaign.pk)
    return redirect("core:job_detail", job_id=job.pk)


@commune_required(Perm.VIEW_CAMPAIGNS)
def priority_list(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    entries = list_entries(campaign)
    # By default every entry keeps its place, a removed one as a line that says why, so
    # no position leaves the list unexplained (issue 12); "listed" hides them and says so.
    show = request.GET.get("show", "")
    hidden_removed = 0
    if show == "removed":
        entries = entries.filter(status=EntryStatus.REMOVED)
    elif show == "listed":
        hidden_removed = entries.filter(status=EntryStatus.REMOVED).count()
        entries = entries.exclude(status=EntryStatus.REMOVED)
    group = number_from(request.GET.get("group"), default=-1, high=10**6)
    if group >= 0:
        entries = entries.filter(group=group)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    phones = phones_available(campaign)
    # The line where the phones run out: after the n-th household still on the list.
    cut = (
        PriorityEntry.objects.filter(campaign=campaign)
        .exclude(status=EntryStatus.REMOVED)
        .values_list("pk", flat=True)[phones - 1 : phones]
        if phones
        else []
    )
    rules = campaign.ranking_rules
    scored_with = scoring_rules(campaign)
    rows = [
        {
            "entry": e,
            "reasons": wording.reasons_text(e.flags, e.poverty_year, rules),
            "points": wording.points_text(e.score, e.flags, scored_with),
            "oldest": None if e.oldest_birth_year == UNKNOWN_BIRTH_YEAR else e.oldest_birth_year,
            "group_label": "" if e.group == GROUP_NONE else e.group,
        }
        for e in page
    ]
    audit_view(request, "donations.priorityentry", f"list {campaign.pk} page {page.number}")
    context = {
        "campaign": campaign,
        "page_obj": page,
        "rows": rows,
        "run": RankingRun.objects.filter(campaign=campaign).first(),
        "counts": entry_counts(campaign),
        "phones": phones,
        "cut_entry_id": next(iter(cut), None),
        "show": show,
        "hidden_removed": hidden_removed,
        "group": group,
        "groups": [(g, wording.group_name(g)) for g in (1, 2, 3, 4, 5)],
        "changes": ListChange.objects.filter(campaign=campaign).select_related(
            "household", "recorded_by"
        ),
        "reviews": campaign.status in workflow.REVIEWS,
        "amends": campaign.status in workflow.AMENDS,
    }
    template = "donations/partials/_list_table.html" if request.htmx else "donations/list.html"
    return render(request, template, context)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def list_export(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    job = services.list_export_start(access=request.access, campaign=campaign)
    return redirect("core:job_detail", job_id=job.pk)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def list_change(request: CommuneRequest, pk: int) -> HttpResponseBase:
    campaign = get_campaign(request, pk)
    commune_ids = set(campaign.communes.values_list("pk", flat=True)) | {campaign.commune_id}
    form = ListChangeForm(
        request.POST or None,
        commune_ids=commune_ids,
        initial={
            "household": request.GET.get("household", ""),
            "action": request.GET.get("action", "add"),
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = _("The list was changed; the reason is kept with it.")
        with attempt(request, form=form, success=changed) as outcome:
            services.list_change(access=request.access, campaign=campaign, **form.cleaned_data)
        if outcome.ok:
            return redirect("donations:list", pk=campaign.pk)
    return render(
        request,
        "donations/list_change.html",
        {"campaign": campaign, "form": form, "amendment": campaign.status in workflow.AMENDS},
    )
