"""Friendly error pages in the site's layout (Vietnamese by default)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was sent with a missing or stale security token (an old tab, a forged post)."""
    return render(request, "errors/csrf.html", status=403)
