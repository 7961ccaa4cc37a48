"""Friendly error pages in the site's layout (Vietnamese by default)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from digiward.core.problems import is_api_request, problem_response, server_error_problem


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent with a missing or stale security token (an old tab, a forged post)."""
    return render(request, "errors/csrf.html", status=403)


# Staff pages, sign-in and the admin: a mistyped address there gets the staff 404 page
# (the staff layout, the way back to the work). Every other address is the citizens' site
# (config/urls.py mounts the public pages at the root), whose 404 is the citizens' one.
STAFF_PREFIXES = ("/app/", "/accounts/", "/admin/")


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES) or path in {"/app", "/accounts", "/admin"}


# The API answers every error with a problem (core.problems), also those raised before
# it is reached: a path that names nothing, a crash outside its own handlers.
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return problem_response(
            request,
            status=404,
            code="not_found",
            title=_("Not found"),
            detail=_("No API operation has this address."),
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return server_error_problem(request)
    return defaults.server_error(request)


def bad_request_body(request: HttpRequest) -> HttpResponse:
    """A body that says it is a form but cannot be read as one (no multipart boundary)."""
    if is_api_request(request):
        return problem_response(
            request,
            status=400,
            code="bad_request",
            title=_("The request body cannot be read"),
            detail=_("Send JSON with Content-Type: application/json."),
        )
    return defaults.bad_request(request, None)  # type: ignore[arg-type]
