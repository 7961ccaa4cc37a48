"""Friendly error pages in the site's layout (Vietnamese by default)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent with a missing or stale security token (an old tab, a forged post)."""
    return render(request, "errors/csrf.html", status=403)


# Staff pages, sign-in and the admin: a mistyped address there gets the staff 404 page
# (the staff layout, the way back to the work). Every other address is the citizens' site
# (config/urls.py mounts the public pages at the root), whose 404 is the citizens' one.
STAFF_PREFIXES = ("/app/", "/accounts/", "/admin/")


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES) or path in {"/app", "/accounts", "/admin"}
