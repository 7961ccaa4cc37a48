"""Sponsors, their sign-ins, the households' policy statuses, and the sponsor report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.downloads import XLSX, exported_file
from digiward.core.permissions import Perm
from digiward.donations import pdf, services
from digiward.donations.exports import sponsor_report_xlsx
from digiward.donations.forms import PolicyForm, SponsorContactForm, SponsorForm
from digiward.donations.models import HouseholdPolicy, Sponsor, SponsorContact
from digiward.donations.selectors import campaigns_for, sponsor_report
from digiward.donations.views.common import audit_view, get_campaign


@commune_required(Perm.VIEW_CAMPAIGNS)
def sponsor_list(request: CommuneRequest) -> HttpResponse:
    sponsors = Sponsor.objects.for_access(request.access).prefetch_related(
        "contacts__user", "campaigns"
    )
    return render(request, "donations/sponsor_list.html", {"sponsors": sponsors})


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def sponsor_edit(request: CommuneRequest, sponsor_pk: int | None = None) -> HttpResponseBase:
    sponsor = (
        get_for_access(Sponsor.objects.all(), request.access, pk=sponsor_pk) if sponsor_pk else None
    )
    form = SponsorForm(request.POST or None, instance=sponsor)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Sponsor saved.")) as outcome:
            services.sponsor_save(access=request.access, sponsor=form.save(commit=False))
        if outcome.ok:
            return redirect("donations:sponsor_list")
    contact_form = SponsorContactForm(commune=request.access.commune) if sponsor else None
    return render(
        request,
        "donations/sponsor_form.html",
        {
            "form": form,
            "sponsor": sponsor,
            "contact_form": contact_form,
            "contacts": sponsor.contacts.select_related("user") if sponsor else [],
        },
    )


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def sponsor_contact_add(request: CommuneRequest, sponsor_pk: int) -> HttpResponseBase:
    sponsor = get_for_access(Sponsor.objects.all(), request.access, pk=sponsor_pk)
    form = SponsorContactForm(request.POST, commune=request.access.commune)
    if form.is_valid():
        with attempt(request, success=_("This sign-in now sees the sponsor's report.")):
            services.sponsor_contact_link(
                access=request.access, sponsor=sponsor, user=form.cleaned_data["user"]
            )
    else:
        messages.error(request, _("Choose a sponsor viewer of this commune."))
    return redirect("donations:sponsor_edit", sponsor_pk=sponsor.pk)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_POST
def sponsor_contact_remove(request: CommuneRequest, contact_pk: int) -> HttpResponseBase:
    contact = get_object_or_404(
        SponsorContact.objects.select_related("sponsor"),
        pk=contact_pk,
        sponsor__commune=request.access.commune,
    )
    services.sponsor_contact_unlink(access=request.access, contact=contact)
    messages.success(request, _("Link removed."))
    return redirect("donations:sponsor_edit", sponsor_pk=contact.sponsor_id)


@commune_required(Perm.MANAGE_CAMPAIGNS)
@require_http_methods(["GET", "POST"])
def policy_list(request: CommuneRequest) -> HttpResponseBase:
    """Families of people with merit and social-policy families (Circular 14's first groups)."""
    form = PolicyForm(
        request.POST or None,
        commune=request.access.commune,
        initial={"household": request.GET.get("household", "")},
    )
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form, success=_("Policy status saved.")) as outcome:
            services.household_policy_save(access=request.access, **form.cleaned_data)
        if outcome.ok:
            return redirect("donations:policy_list")
    policies = (
        HouseholdPolicy.objects.for_access(request.access)
        .select_related("household", "household__head", "updated_by")
        .order_by("household__code")
    )
    audit_view(request, "donations.householdpolicy", "policy statuses")
    return render(request, "donations/policy_list.html", {"form": form, "policies": policies})


# ---- The sponsor's report ----------------------------------------------------------------


@commune_required(Perm.VIEW_SPONSOR_REPORT)
def report_list(request: CommuneRequest) -> HttpResponse:
    campaigns = campaigns_for(request.access).prefetch_related("sponsors")
    return render(request, "donations/report_list.html", {"campaigns": campaigns})


@commune_required(Perm.VIEW_SPONSOR_REPORT)
def report_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    report = sponsor_report(campaign)
    if report.stories:
        audit_view(
            request, "donations.handover", f"sponsor report {campaign.pk} (named recipients)"
        )
    return render(request, "donations/report.html", {"campaign": campaign, "report": report})


@commune_required(Perm.VIEW_SPONSOR_REPORT)
def report_pdf(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    return exported_file(
        request,
        pdf.sponsor_report_pdf(sponsor_report(campaign), printed_on=timezone.localdate()),
        obj=campaign,
        object_repr=f"{campaign.name}: sponsor report (PDF)",
        filename=f"bao-cao-tai-tro-{campaign.pk}.pdf",
    )


@commune_required(Perm.VIEW_SPONSOR_REPORT)
def report_xlsx(request: CommuneRequest, pk: int) -> HttpResponse:
    campaign = get_campaign(request, pk)
    return exported_file(
        request,
        sponsor_report_xlsx(sponsor_report(campaign)),
        obj=campaign,
        object_repr=f"{campaign.name}: sponsor report (Excel)",
        filename=f"bao-cao-tai-tro-{campaign.pk}.xlsx",
        content_type=XLSX,
    )
