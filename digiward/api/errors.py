"""Every error the API returns, as RFC 9457 problem details (digiward.core.problems).

Each problem has a stable `code` a program can switch on; its `title` is translated
(Vietnamese unless the client asks for English with Accept-Language).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from digiward.core.errors import DomainError
from digiward.core.middleware import BUSY_MESSAGES
from digiward.core.problems import problem_response, server_error_problem

if TYPE_CHECKING:
    from ninja import NinjaAPI

log = logging.getLogger("digiward.api")


class ApiProblem(Exception):
    """Raised anywhere in the API to answer with one problem."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str = "",
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.headers = headers or {}


def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
    )


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        status=401,
        code="token_missing",
        title=_("Sign in with an API token"),
        detail=_(
            'Send the header "Authorization: Bearer <token>" with a token made at '
            "/app/account/tokens/."
        ),
        headers={"WWW-Authenticate": 'Bearer realm="digiward"'},
    )


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(
        request,
        status=403,
        code="permission_denied",
        title=_("Your role does not allow this"),
        detail=_("The token's user holds no role in this commune that allows this action."),
    )


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request,
        status=404,
        code="not_found",
        title=_("Not found"),
        detail=_("Nothing with this address exists in the token's commune."),
    )


def _domain_refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if exc.field:
        extra["errors"] = [{"field": exc.field, "message": exc.message}]
    return problem_response(
        request,
        status=422,
        code="refused",
        title=_("The action was refused"),
        detail=exc.message,
        **extra,
    )


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(
                str(part)
                for part in error.get("loc", ())
                if part not in ("body", "query", "path", "payload")
            ),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return problem_response(
        request,
        status=422,
        code="invalid_request",
        title=_("The request is not valid"),
        detail=_("Some values are missing or wrong: see errors."),
        errors=errors,
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(
        request,
        status=exc.status_code,
        code=f"http_{exc.status_code}",
        title=_("The request could not be served"),
        detail=str(exc),
    )


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in BUSY_MESSAGES):
        return problem_response(
            request,
            status=503,
            code="database_busy",
            title=_("The server is busy"),
            detail=_("Try again in a few seconds: nothing was written."),
            headers={"Retry-After": "5"},
        )
    log.exception("API error on %s", request.path)
    return server_error_problem(request)


HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    ApiProblem: _problem,
    AuthenticationError: _unauthenticated,
    PermissionDenied: _forbidden,
    Http404: _not_found,
    DomainError: _domain_refused,
    ValidationError: _invalid,
    HttpError: _http_error,
    Exception: _unexpected,
}


def install(api: NinjaAPI) -> None:
    for exception, handler in HANDLERS.items():
        api.add_exception_handler(exception, handler)
