"""Middleware: request origin for the audit log, and the active commune."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import unquote, urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from digiward.core import mfa
from digiward.core.access import SESSION_KEY, access_for, memberships_of, single_commune
from digiward.core.models import Commune, Membership, Role, User
from digiward.core.problems import is_api_request, problem_response
from digiward.core.request_context import acting_as, origin_from_request
from digiward.core.text import has_controls, strip_controls
from digiward.core.views.errors import bad_request_body


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
        # Whether the user may open a province roll-up (the menu links to it): read from
        # the memberships already loaded, no query of its own.
        request.province_viewer = False  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            memberships = memberships_of(user)
            request.province_viewer = any(  # type: ignore[attr-defined]
                m.role == Role.PROVINCE_VIEWER for m in memberships
            )
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


class CleanInputMiddleware:
    """Drops control characters from everything a request carries, before any view.

    One stray character typed or pasted into a form used to break things far away: a
    vertical tab in a name made the Excel export fail for the whole commune, a NUL in a
    search made PostgreSQL refuse the query (a 500) and then the audit export, a
    right-to-left override in the public form turned a phone number around on a staff
    screen. Cleaning at the edge covers every form, search box and filter, present and
    future; what was stored before is handled where it is written out (core.xlsx).

    - query-string and form values lose control characters (tab and line breaks stay);
    - a path with a control character in it names no page: 404, before any lookup;
    - a session cookie that is not a session key is ignored (sign in again).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_controls(unquote(request.path_info)):
            raise Http404
        # Django's own QueryDicts are immutable; _cleaned returns one that is, too.
        request.GET = _cleaned(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            try:
                request.POST = _cleaned(request.POST)  # type: ignore[assignment]
            except MultiPartParserError:  # "multipart" without a boundary: a 500 before
                return bad_request_body(request)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key is not None and not _SESSION_KEY.fullmatch(session_key):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


def _cleaned(values: QueryDict) -> QueryDict:
    if not any(
        has_controls(key) or any(has_controls(item) for item in items)
        for key, items in values.lists()
    ):
        return values
    cleaned = QueryDict(mutable=True, encoding=values.encoding)
    for key, items in values.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(item) for item in items])
    cleaned._mutable = False
    return cleaned


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than allowed before any of it is read (413).

    Django keeps small uploads in memory and spools larger ones to disk, however large:
    an anonymous 300 MB POST filled the disk of a modest server. People who are not
    signed in only send text (the help-at-home form, the status lookup); staff upload
    ward lists and photos. The proxy in front (deploy/nginx) has the same limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        signed_in = request.user.is_authenticated
        limit = (
            settings.DIGIWARD_MAX_REQUEST_BYTES
            if signed_in
            else settings.DIGIWARD_MAX_PUBLIC_REQUEST_BYTES
        )
        if length > limit:
            if is_api_request(request):
                return problem_response(
                    request,
                    status=413,
                    code="request_too_large",
                    title=_("The request is too large"),
                    detail=_("At most %(kb)d KB.") % {"kb": limit // 1024},
                )
            return render(
                request,
                "errors/too_large.html",
                {"limit_mb": max(1, limit // (1024 * 1024))},
                status=413,
            )
        return self.get_response(request)


# What SQLite says when its busy timeout ran out behind another writer, and what
# PostgreSQL says when a lock_timeout ran out: the database is busy, not broken.
BUSY_MESSAGES = ("database is locked", "database table is locked", "lock timeout")
busy_log = logging.getLogger("digiward.database_busy")


class DatabaseBusyMiddleware:
    """A request that waited its whole busy timeout for a lock gets a calm 503.

    The write it tried ran in a transaction that is rolled back, so nothing was saved;
    the page says so, and the browser's Back button keeps what was typed. Anything else
    that goes wrong with the database is still a real error (500, logged)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        if not any(message in str(exception).lower() for message in BUSY_MESSAGES):
            return None
        busy_log.warning("database busy: %s %s: %s", request.method, request.path, exception)
        response = render(request, "errors/busy.html", status=503)
        response["Retry-After"] = "10"
        return response


class AccountSecurityMiddleware:
    """Before any staff page: a temporary password is changed, and a second factor is
    used by those who must (or who turned it on).

    Only staff pages (/app/, /admin/) are guarded; the sign-in, password and two-factor
    pages themselves live under /accounts/, and citizens' pages are public.
    """

    GUARDED = ("/app/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.path.startswith(self.GUARDED):
            target = self._detour(request, user)
            if target is not None:
                url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(url)
                return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _detour(request: HttpRequest, user: User) -> str | None:
        if user.must_change_password:
            return "password_change"
        if user.is_verified():  # type: ignore[attr-defined]
            return None
        if mfa.has_confirmed_totp(user):
            return "mfa_verify"
        if mfa.mfa_required(user):
            return "mfa_setup"
        return None
