"""The user's own API tokens: make one (shown once), see them with their last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from digiward.api.forms import TokenForm
from digiward.api.models import ApiToken
from digiward.api.tokens import MAX_ACTIVE_TOKENS, token_create, token_revoke
from digiward.core import mfa
from digiward.core.access import CommuneRequest, commune_required
from digiward.core.errors import DomainError


def _render(
    request: CommuneRequest, form: TokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).select_related("commune")
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "secret": secret, "limit": MAX_ACTIVE_TOKENS},
        status=status,
    )


@never_cache  # the page that shows a new secret must not be kept by any cache
@commune_required()
def token_list(request: CommuneRequest) -> HttpResponse:
    # A stolen password alone must not mint a token: someone with two-step sign-in
    # turned on confirms it first, as on the security page.
    if mfa.has_confirmed_totp(request.user) and not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(f"{_mfa_url()}?next={request.path}")
    if request.method != "POST":
        return _render(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=422)
    try:
        created = token_create(
            access=request.access,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render(request, form, status=422)
    return _render(request, TokenForm(), secret=created.secret, status=201)


@require_POST
@commune_required()
def token_revoke_view(request: CommuneRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)  # someone else's: 404
    token_revoke(access=request.access, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api:tokens")


def _mfa_url() -> str:
    return reverse("mfa_verify")
