"""A commune administrator handles a person's data request: export everything, anonymise."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiward.core.access import CommuneRequest, commune_required, get_for_access
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.downloads import file_response
from digiward.core.models import AuditAction
from digiward.registry.forms import AnonymiseForm
from digiward.registry.models import Resident
from digiward.registry.privacy import services as privacy
from digiward.registry.privacy.services import PRIVACY_PERM


def _resident(request: CommuneRequest, pk: int) -> Resident:
    resident: Resident = get_for_access(
        Resident.objects.select_related("household", "consent_by", "legal_basis_by"),
        request.access,
        pk=pk,
    )
    return resident


@commune_required(PRIVACY_PERM)
@require_http_methods(["GET", "POST"])
def resident_export(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """GET: what the export holds. POST: the file (JSON or PDF), audited as an export."""
    resident = _resident(request, pk)
    if request.method == "POST":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        stem = f"du-lieu-ca-nhan-{request.access.commune.code}-{resident.pk}-{stamp}"
        if request.POST.get("format") == "pdf":
            pdf = privacy.resident_export_pdf(access=request.access, resident=resident)
            return file_response(pdf, filename=f"{stem}.pdf")
        data = privacy.resident_export(access=request.access, resident=resident)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return file_response(content, filename=f"{stem}.json", content_type="application/json")
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=resident)
    preview = privacy.anonymise_preview(resident)
    return render(
        request,
        "registry/privacy/export.html",
        {"resident": resident, "preview": preview},
    )


@commune_required(PRIVACY_PERM)
@require_http_methods(["GET", "POST"])
def resident_anonymise(request: CommuneRequest, pk: int) -> HttpResponseBase:
    """GET: the confirmation page (what goes, what stays, what stops it). POST: anonymise."""
    resident = _resident(request, pk)
    if resident.is_anonymised:
        messages.info(request, _("This person was already anonymised."))
        return redirect("registry:resident_detail", pk=resident.pk)
    form = AnonymiseForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            result = privacy.resident_anonymise(
                access=request.access, resident=resident, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(
                request,
                _("The personal details were erased. The record now reads “%(label)s”.")
                % {"label": result.label},
            )
            return redirect("registry:resident_detail", pk=resident.pk)
    if request.method == "GET":
        audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=resident)
    return render(
        request,
        "registry/privacy/anonymise.html",
        {"resident": resident, "form": form, "preview": privacy.anonymise_preview(resident)},
    )
