"""Middleware: request origin for the audit log, and the active commune."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from digiward.core.access import SESSION_KEY, access_for, memberships_of, single_commune
from digiward.core.models import Commune, Membership
from digiward.core.request_context import acting_as, origin_from_request


class RequestContextMiddleware:
    """Makes who/from-where of this request available to the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        source = "api" if request.path.startswith("/api/") else "web"
        with acting_as(origin_from_request(request, source=source)):
            return self.get_response(request)


class ActiveCommuneMiddleware:
    """Sets `request.access`: the user's roles in the commune they are working in.

    The commune is remembered in the session. Roles are read again on every
    request, so a revoked role stops working at once. A user with exactly one
    commune never has to choose it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = memberships_of(user)
            commune = self._chosen_commune(request, memberships)
            if commune is not None:
                access = access_for(user, commune, memberships)
                if access is None:
                    request.session.pop(SESSION_KEY, None)
                request.access = access  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _chosen_commune(request: HttpRequest, memberships: list[Membership]) -> Commune | None:
        commune_id = request.session.get(SESSION_KEY)
        if commune_id is None:
            return single_commune(memberships)
        for membership in memberships:
            if membership.commune_id == commune_id:
                return membership.commune
        # Reached through a province role, or no longer accessible (checked by the caller).
        return Commune.objects.select_related("province").filter(pk=commune_id).first()


class IdleTimeoutMiddleware:
    """Signs out a session left idle (a shared computer at the help desk).

    The last-activity time is stored at most once a minute to spare the database.
    """

    SESSION_KEY = "digiward_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY, now)
            if now - last_seen > settings.DIGIWARD_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                query = urlencode({"next": request.get_full_path(), "expired": "1"})
                login_url = f"{reverse('login')}?{query}"
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(login_url)
                return redirect(login_url)
            if now - last_seen >= 60 or self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)
