"""Certificates for staff: the list, issuing one, the printable PDF, revoking."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digiward.core.access import CommuneRequest, commune_required
from digiward.core.attempts import attempt
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, User
from digiward.core.params import id_from
from digiward.core.permissions import Perm
from digiward.learning import selectors
from digiward.learning.confirmation import confirmation_candidates
from digiward.learning.documents import certificate_pdf
from digiward.learning.forms import CertificateForm, RevokeForm
from digiward.learning.models import Track
from digiward.learning.services import Holder, certificate_issue, certificate_revoke
from digiward.learning.views.finding import residents_found
from digiward.registry.models import Resident


@commune_required(Perm.VIEW_LEARNING)
def certificate_list(request: CommuneRequest) -> HttpResponse:
    certificates = selectors.certificates_for(request.access)
    status = request.GET.get("status", "")
    if status == "valid":
        certificates = certificates.filter(revoked_at__isnull=True)
    elif status == "revoked":
        certificates = certificates.filter(revoked_at__isnull=False)
    page = Paginator(certificates, 50).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=request.access.commune,
        object_type="learning.certificate",
        object_repr=_("Certificate list"),
        changes={"page": page.number},
    )
    return render(
        request,
        "learning/certificate_list.html",
        {"page_obj": page, "certificates": page.object_list, "status": status},
    )


def _members(request: CommuneRequest):  # type: ignore[no-untyped-def]
    return (
        User.objects.filter(memberships__commune=request.access.commune, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


def _track(request: CommuneRequest) -> str:
    track = request.GET.get("track", "")
    return track if track in Track.values else Track.CITIZEN


@commune_required(Perm.ISSUE_CERTIFICATES)
def certificate_ready(request: CommuneRequest) -> HttpResponse:
    """People whose evidence covers a track: ready for the commune to confirm, then those
    missing one or two competences (whom to help next)."""
    access = request.access
    framework = selectors.default_framework(access)
    track = _track(request)
    candidates = confirmation_candidates(access, framework, track) if framework else None
    page = Paginator(candidates.people if candidates else [], 50).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="learning.evidence",
        object_repr=_("People ready for a certificate"),
        changes={"track": track, "page": page.number},
    )
    return render(
        request,
        "learning/certificate_ready.html",
        {
            "candidates": candidates,
            "page_obj": page,
            "track": track,
            "tracks": Track.choices,
        },
    )


def _from_evidence(
    request: CommuneRequest, resident: Resident | None, member: User | None
) -> dict[str, object]:
    """The certificate form filled in from the person's evidence (`?from=evidence`)."""
    framework = selectors.default_framework(request.access)
    if framework is None or (resident is None and member is None):
        return {}
    track = _track(request)
    found = confirmation_candidates(
        request.access, framework, track, resident=resident, user=member
    ).people
    if not found:
        return {}
    return {
        "framework": framework.pk,
        "track": track,
        "competences": [c.pk for c in found[0].reached],
        "basis": found[0].basis,
        "member": member.pk if member else None,
    }


@commune_required(Perm.ISSUE_CERTIFICATES)
def certificate_issue_view(request: CommuneRequest) -> HttpResponseBase:
    access = request.access
    frameworks = selectors.frameworks_for(access.commune)
    data = request.POST or None
    picked_id = id_from((request.POST or request.GET).get("resident"))
    resident = (
        Resident.objects.for_access(access).filter(pk=picked_id).first() if picked_id else None
    )
    initial: dict[str, object] = {"resident": resident.pk if resident else None}
    if request.method == "GET" and request.GET.get("from") == "evidence":
        member_id = id_from(request.GET.get("member"))
        member = _members(request).filter(pk=member_id).first() if member_id else None
        initial.update(_from_evidence(request, resident, member))
    form = CertificateForm(
        data,
        members=_members(request),
        frameworks=frameworks,
        initial=initial,
    )
    search = residents_found(request, access, purpose="certificate")
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        holder = Holder(
            name=resident.full_name
            if resident
            else (member.full_name or member.username)
            if member
            else "",
            resident=resident,
            user=None if resident else member,
        )
        with attempt(request, form=form, success=_("Certificate issued.")) as outcome:
            certificate = certificate_issue(
                access=access,
                holder=holder,
                framework=form.cleaned_data["framework"],
                competences=list(form.cleaned_data["competences"]),
                track=form.cleaned_data["track"],
                basis=form.cleaned_data["basis"],
                base_url=selectors.public_base_url(request),
            )
        if outcome.ok:
            return redirect("learning:certificate", pk=certificate.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "learning/certificate_form.html",
        {
            "form": form,
            "resident": resident,
            "query": search.query,
            "found": search.residents,
            "refused": search.refused,
        },
        status=status,
    )


@commune_required(Perm.VIEW_LEARNING)
def certificate_detail(request: CommuneRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(selectors.certificates_for(request.access), pk=pk)
    audit_record(action=AuditAction.VIEW, commune=request.access.commune, obj=certificate)
    return render(
        request,
        "learning/certificate_detail.html",
        {
            "certificate": certificate,
            "competences": certificate.competences.all(),
            "revoke_form": RevokeForm(),
            "may_revoke": request.access.has(Perm.ISSUE_CERTIFICATES),
        },
    )


@commune_required(Perm.VIEW_LEARNING)
def certificate_pdf_view(request: CommuneRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(selectors.certificates_for(request.access), pk=pk)
    audit_record(
        action=AuditAction.EXPORT, commune=request.access.commune, obj=certificate, note="pdf"
    )
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-nhan-{certificate.code}.pdf"'
    return response


@require_POST
@commune_required(Perm.ISSUE_CERTIFICATES)
def certificate_revoke_view(request: CommuneRequest, pk: int) -> HttpResponseBase:
    certificate = get_object_or_404(selectors.certificates_for(request.access), pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "learning/certificate_detail.html",
            {
                "certificate": certificate,
                "competences": certificate.competences.all(),
                "revoke_form": form,
                "may_revoke": True,
            },
            status=422,
        )
    with attempt(request, form=form, success=_("Certificate revoked.")):
        certificate_revoke(
            access=request.access, certificate=certificate, reason=form.cleaned_data["reason"]
        )
    return redirect("learning:certificate", pk=certificate.pk)
