"""Who is calling: a personal token, the commune it was made for and the user's roles
there now, with a rate limit per token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from digiward.api.errors import ApiProblem
from digiward.api.models import ApiToken
from digiward.api.tokens import token_for_secret, token_touch
from digiward.core import ratelimit
from digiward.core.access import Access, access_for
from digiward.core.request_context import adopt, client_ip, origin_from_request

RATE_WINDOW = timedelta(minutes=1)


def _refuse(code: str, title: str, detail: str) -> ApiProblem:
    return ApiProblem(
        401, code, title, detail, headers={"WWW-Authenticate": 'Bearer realm="digiward"'}
    )


class TokenAuth(HttpBearer):
    """A valid token; `write=True` also needs the read-write scope."""

    def __init__(self, *, write: bool = False) -> None:
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        api_token = token_for_secret(token.strip())
        if api_token is None:
            raise _refuse(
                "token_invalid",
                _("The API token is not valid"),
                _("Check that the whole token was copied."),
            )
        if api_token.revoked_at is not None:
            raise _refuse("token_revoked", _("The API token was revoked"), _("Make a new one."))
        if not api_token.is_usable():
            raise _refuse("token_expired", _("The API token has expired"), _("Make a new one."))
        access = access_for(api_token.user, api_token.commune)
        if access is None:
            raise ApiProblem(
                403,
                "no_role",
                _("You no longer hold a role in this commune"),
                _("The token stays refused until a role is given back."),
            )
        if not ratelimit.allow(
            f"api:{api_token.pk}", limit=settings.DIGIWARD_API_RATE_PER_MINUTE, window=RATE_WINDOW
        ):
            raise ApiProblem(
                429,
                "rate_limited",
                _("Too many requests"),
                _("This token may make %(n)d requests a minute: wait and try again.")
                % {"n": settings.DIGIWARD_API_RATE_PER_MINUTE},
                headers={"Retry-After": "60"},
            )
        if self.write and not api_token.can_write:
            raise ApiProblem(
                403,
                "token_read_only",
                _("This token may only read"),
                _("Make a read-write token to change data."),
            )
        request.user = api_token.user
        request.access = access  # type: ignore[attr-defined]
        adopt(origin_from_request(request, source="api"))
        token_touch(api_token, client_ip(request))
        return api_token


def public_rate_limit(request: HttpRequest) -> None:
    """The public endpoints (procedures and guides) are limited per address instead."""
    if not ratelimit.allow(
        f"api-public:{client_ip(request) or '-'}",
        limit=settings.DIGIWARD_API_PUBLIC_RATE_PER_MINUTE,
        window=RATE_WINDOW,
    ):
        raise ApiProblem(
            429,
            "rate_limited",
            _("Too many requests"),
            _("Wait a minute and try again."),
            headers={"Retry-After": "60"},
        )


def access_of(request: HttpRequest) -> Access:
    access: Any = getattr(request, "access", None)
    assert isinstance(access, Access), "an endpoint without auth asked for access"
    return access


read_token = TokenAuth()
write_token = TokenAuth(write=True)
