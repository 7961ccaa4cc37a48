"""Small pages: about (licence and source), health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html", {"source_url": settings.DIGIWARD_SOURCE_URL})


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
