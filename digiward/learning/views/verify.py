"""Public, no sign-in: anyone holding a certificate's code checks it.

The page says only valid, revoked or unknown, with the holder's name and the competences;
never the reason for a revocation, the basis, or anything else about the person. Lookups
are limited per address so the codes cannot be walked.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from digiward.core import ratelimit
from digiward.core.request_context import client_ip
from digiward.learning import selectors, signing
from digiward.learning.forms import VerifyForm
from digiward.learning.models import Certificate
from digiward.learning.services import code_normalise

LOOKUPS_PER_MINUTE = 30


def _limited(request: HttpRequest) -> HttpResponse | None:
    key = f"certificate-verify:{client_ip(request) or 'unknown'}"
    if ratelimit.allow(key, limit=LOOKUPS_PER_MINUTE, window=timedelta(minutes=1)):
        return None
    response = render(request, "learning/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _find(request: HttpRequest, code: str) -> tuple[Certificate | None, HttpResponse | None]:
    limited = _limited(request)
    if limited is not None:
        return None, limited
    return selectors.certificate_by_code(code_normalise(code)), None


@require_GET
def verify_start(request: HttpRequest) -> HttpResponseBase:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("learning:verify", code=code_normalise(form.cleaned_data["code"]) or "0")
    return render(request, "learning/verify_start.html", {"form": form})


@require_GET
@cache_control(no_cache=True)  # a revocation shows at once
def verify(request: HttpRequest, code: str) -> HttpResponseBase:
    canonical = code_normalise(code)
    if canonical and canonical != code:
        return redirect("learning:verify", code=canonical)
    certificate, limited = _find(request, code)
    if limited is not None:
        return limited
    if certificate is None:
        return render(request, "learning/verify_unknown.html", {"code": code[:20]}, status=404)
    return render(
        request,
        "learning/verify.html",
        {
            "certificate": certificate,
            "competences": certificate.competences.all(),
            "signature_ok": signing.verify(certificate.credential),
            "commune": certificate.commune,
        },
    )


@require_GET
@cache_control(no_cache=True)
def credential_json(request: HttpRequest, code: str) -> HttpResponseBase:
    certificate, limited = _find(request, code)
    if limited is not None:
        return limited
    if certificate is None:
        return JsonResponse({"status": "unknown"}, status=404)
    response = JsonResponse(
        certificate.credential, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/vc+ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser may fetch it
    response["X-Certificate-Status"] = certificate.status.value
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def public_keys(request: HttpRequest) -> JsonResponse:
    """Every commune's verification key as a Multikey (did:key), current and retired."""
    keys = [
        {
            "id": signing.verification_method(key.public_key_multibase),
            "type": "Multikey",
            "controller": signing.did_key(key.public_key_multibase),
            "publicKeyMultibase": key.public_key_multibase,
            "commune": {"code": key.commune.code, "name": key.commune.name},
            "created": key.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "revoked": key.retired_at.strftime("%Y-%m-%dT%H:%M:%SZ") if key.retired_at else None,
        }
        for key in selectors.published_keys()
    ]
    response = JsonResponse(
        {"cryptosuite": signing.CRYPTOSUITE, "keys": keys},
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
