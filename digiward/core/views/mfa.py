"""Two-factor sign-in pages: enrol an authenticator app, type a code, manage the codes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiward.core import mfa
from digiward.core.attempts import attempt
from digiward.core.models import User
from digiward.core.ratelimit import attempts, clear, hit

VERIFY_LIMIT = 10  # wrong codes per account in VERIFY_WINDOW, on top of django-otp's backoff


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if mfa.has_confirmed_totp(user) and not user.is_verified():  # type: ignore[attr-defined]
        # Replacing a working app needs the second factor first.
        return redirect(f"{_url('mfa_verify')}?next={_url('mfa_setup')}")
    form = CodeForm(request.POST or None)
    device: TOTPDevice = mfa.pending_totp(user)
    if request.method == "POST" and form.is_valid():
        with attempt(request, form=form) as outcome:
            codes = mfa.totp_confirm(request=request, user=user, code=form.cleaned_data["code"])
        if outcome.ok:
            return render(
                request,
                "registration/mfa_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr": mfa.qr_svg_data_uri(device.config_url),
            "secret": mfa.spaced_secret(device.bin_key),
            "required": mfa.mfa_required(user),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    if not mfa.has_confirmed_totp(user):
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    key = f"mfa-verify:{user.pk}"
    status = 200
    if request.method == "POST" and form.is_valid():
        if attempts(key, window=mfa.VERIFY_WINDOW) >= VERIFY_LIMIT:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait 15 minutes, or ask your administrator for help."),
            )
            status = 429
        elif mfa.verify(request=request, user=user, code=form.cleaned_data["code"]):
            clear(key)
            if mfa.recovery_codes_left(user) <= 2:
                messages.warning(
                    request,
                    _("You have few recovery codes left: make new ones on your security page."),
                )
            return redirect(_next_url(request) or "reports:home")
        else:
            hit(key, window=mfa.VERIFY_WINDOW)
            form.add_error(
                "code",
                _(
                    "This code is not right. Type the newest 6-digit code from the app, "
                    "or one of your recovery codes."
                ),
            )
    return render(
        request,
        "registration/mfa_verify.html",
        {"form": form, "next": _next_url(request)},
        status=status,
    )


@login_required
def account_security(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    enrolled = mfa.has_confirmed_totp(user)
    if enrolled and not user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{_url('mfa_verify')}?next={request.path}")
    return render(
        request,
        "registration/security.html",
        {
            "enrolled": enrolled,
            "required": mfa.mfa_required(user),
            "codes_left": mfa.recovery_codes_left(user) if enrolled else 0,
        },
    )


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_verified():  # type: ignore[attr-defined]
        return redirect("mfa_verify")
    codes = mfa.recovery_codes_renew(user=user)
    return render(request, "registration/mfa_codes.html", {"codes": codes, "next": ""})


def _url(name: str) -> str:
    return reverse(name)
