"""The citizen's DigiWard: what do you want to do, guides, help at home, request status.

No sign-in, no JavaScript needed to read anything, light pages for cheap phones. The
commune these pages serve is DIGIWARD_PUBLIC_COMMUNE (an official commune code).
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.http import urlencode as urlencode_query
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from digiward.core import ratelimit
from digiward.core.models import Commune
from digiward.core.ratelimit import allow
from digiward.core.request_context import client_ip
from digiward.core.text import normalize_spaces
from digiward.homecare.models import RequestStatus
from digiward.homecare.selectors import last_visit, planned_visit
from digiward.homecare.services import (
    PublicRequest,
    normalize_tracking_code,
    request_lookup,
    request_submit_public,
)
from digiward.procedures.cards import guide_card_pdf
from digiward.procedures.models import GuideImage
from digiward.procedures.selectors import (
    Hit,
    catalog_version,
    commune_note,
    guide_with_procedure,
    search_procedures,
    shortlist,
)
from digiward.public.figures import public_figures
from digiward.public.forms import HelpAtHomeForm, StatusLookupForm
from digiward.public.page_cache import CSRF_MARK, cached_page, content_stamp

FORM_LIMIT = (5, timedelta(hours=1))  # help requests per address per hour
LOOKUP_LIMIT = (10, timedelta(minutes=15))  # failed status lookups per address
CODE_LIMIT = (5, timedelta(hours=1))  # wrong phone digits for one code
SIGNER_SALT = "digiward.public.request-done"
SEARCH_CACHE_SECONDS = 300


@functools.lru_cache(maxsize=1)
def _public_commune() -> Commune | None:
    """Read once per process: every public page shows it, and communes change only when
    `load_units` runs (restart the server after that). Tests clear this cache."""
    code = Commune.normalize_code(settings.DIGIWARD_PUBLIC_COMMUNE or "")
    if not code:
        return None
    return Commune.objects.select_related("province").filter(code=code).first()


def public_commune() -> Commune | None:
    return _public_commune()


def home(request: HttpRequest) -> HttpResponse:
    commune = public_commune()
    return HttpResponse(
        cached_page(
            request,
            name="home",
            commune=commune,
            render=lambda: render_to_string(
                "public/home.html",
                {"commune": commune, "popular": shortlist(commune, limit=8)},
                request=request,
            ),
        )
    )


@cache_control(max_age=60)
def guide_search(request: HttpRequest) -> HttpResponse:
    """Search results are the same for everyone: each worker keeps the rendered page of a
    recent question for a few minutes (keyed by language and catalog version), so the
    questions people ask most cost a dictionary lookup."""
    # The cached page depends on the question only (spaces normalised), never on the
    # rest of the first asker's address: the language link is rebuilt from the question.
    query = normalize_spaces(request.GET.get("q", ""))[:100]
    commune = public_commune()
    # The content stamp covers the catalog and the ward's contacts in the page's footer.
    key = f"public-search:{get_language()}:{content_stamp(commune)}:{hashlib.sha256(query.encode()).hexdigest()[:32]}"
    cached = cache.get(key)
    if cached is not None:
        return HttpResponse(cached)
    hits = search_procedures(query, commune=commune, limit=20) if query else []
    response = HttpResponse(search_page(request, query, _result_items(hits)))
    cache.set(key, response.content, SEARCH_CACHE_SECONDS)
    return response


# The search page around the results depends only on the language and on whether there
# is a question and results: each worker renders it once with markers and fills in the
# question, the results and the language link's return path. Rendering the whole template
# for every never-seen question cost more than the search itself (bench_public.py);
# tests prove the filled-in frame is the page the template renders.
_FRAMES: dict[tuple[str | None, str, bool, bool], str] = {}
_MARKS = {
    "query": "__digiward_query__",
    "next": "__digiward_next__",
    "results": "__digiward_results__",
}
_MARK_PATTERN = re.compile("|".join(_MARKS.values()))


class _FrameRequest:
    """The real request, except that its path is a marker (for the language link)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return _MARKS["next"]


def search_page(request: HttpRequest, query: str, results: list[SafeString]) -> str:
    commune = public_commune()
    # The frame shows the ward's contacts: a new content stamp is a new frame.
    key = (get_language(), content_stamp(commune), bool(query), bool(results))
    frame = _FRAMES.get(key)
    if frame is None:
        if len(_FRAMES) >= 64:
            _FRAMES.clear()  # frames of stamps gone by
        frame = render_to_string(
            "public/search.html",
            {
                "query": _MARKS["query"] if query else "",
                "results": [mark_safe(_MARKS["results"])] if results else [],  # noqa: S308 - a constant
                "commune": commune,
            },
            request=_FrameRequest(request),  # type: ignore[arg-type]
        )
        _FRAMES[key] = frame
    values = {
        _MARKS["query"]: escape(query),
        _MARKS["next"]: urlencode(
            reverse("public:search") + (f"?{urlencode_query({'q': query})}" if query else "")
        ),
        _MARKS["results"]: "".join(results),
    }
    # One pass: what is filled in is never searched for markers again.
    return _MARK_PATTERN.sub(lambda match: values[match.group(0)], frame)


# A result line depends only on the procedure, its guide and the language, not on the
# question: rendering it once per worker makes a never-seen question cost the search
# and the page around the list (a third of the time, measured with bench_public.py).
_RESULT_ITEMS: dict[tuple[str | None, str, int, str], SafeString] = {}
_RESULT_ITEMS_MAX = 10_000


def _result_items(hits: list[Hit]) -> list[SafeString]:
    language, version = get_language(), catalog_version()
    guide_base = reverse("public:search")
    items = []
    for hit in hits:
        key = (language, version, hit.procedure.pk, hit.guide_slug or "")
        item = _RESULT_ITEMS.get(key)
        if item is None:
            if len(_RESULT_ITEMS) >= _RESULT_ITEMS_MAX:
                _RESULT_ITEMS.clear()  # the catalog changed many times: start again
            item = mark_safe(  # noqa: S308 - rendered by the template engine, escaped there
                render_to_string(
                    "public/_search_result.html", {"hit": hit, "guide_base": guide_base}
                )
            )
            _RESULT_ITEMS[key] = item
        items.append(item)
    return items


@cache_control(max_age=300)
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    commune = public_commune()

    def page() -> str:
        guide = guide_with_procedure(slug, commune)
        if guide is None:
            raise Http404  # never cached: a guide published later shows at once
        context = {
            "guide": guide,
            "version": guide.current,
            "procedure": guide.procedure,
            "note": commune_note(guide.procedure, commune),
            "commune": commune,
        }
        return render_to_string("public/guide.html", context, request=request)

    return HttpResponse(cached_page(request, name=f"guide:{slug}", commune=commune, render=page))


@cache_control(max_age=3600, public=True)
def guide_picture(request: HttpRequest, pk: int) -> FileResponse:
    """A step's picture: public like the guide it belongs to, and only for a guide this
    site shows (the national catalog or the public commune's own)."""
    commune = public_commune()
    picture = (
        GuideImage.objects.visible_in(commune)
        .select_related("guide__procedure", "guide__current")
        .filter(pk=pk, guide__procedure__is_published=True)
        .first()
    )
    if picture is None or not picture.in_current_version:
        # A picture taken off a guide is no longer public (it may have shown too much).
        raise Http404
    return FileResponse(picture.image.open("rb"), content_type="image/jpeg")


def guide_card(request: HttpRequest, slug: str) -> HttpResponse:
    guide = guide_with_procedure(slug, public_commune())
    if guide is None:
        raise Http404
    size = "a4" if request.GET.get("size") == "a4" else "a5"
    url = request.build_absolute_uri(reverse("public:guide", args=[slug]))
    response = HttpResponse(
        guide_card_pdf(guide, public_url=url, size=size), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="huong-dan-{slug}-{size}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def help_at_home(request: HttpRequest) -> HttpResponse:
    commune = public_commune()
    if commune is None:
        return render(request, "public/unavailable.html", status=503)
    if request.method == "GET":
        # The empty form is the same for everyone: rendered once per worker and content
        # stamp, with each visitor's CSRF token filled in.
        return HttpResponse(
            cached_page(
                request,
                name="help-at-home",
                commune=commune,
                params=("thu-tuc", "procedure"),
                render=lambda: render_to_string(
                    "public/help_at_home.html",
                    {
                        "form": _help_form(request, commune),
                        "commune": commune,
                        "csrf_token": CSRF_MARK,
                    },
                    request=request,
                ),
            )
        )
    # POST: the form as sent, refused with its errors or saved.
    form = _help_form(request, commune)
    if not allow(f"help-form:{client_ip(request)}", limit=FORM_LIMIT[0], window=FORM_LIMIT[1]):
        return render(request, "public/slow_down.html", status=429)
    if form.is_robot:
        # Answer a robot exactly like a person, but keep nothing.
        return redirect(_done_url("ROBOT000"))
    if form.is_valid():
        data = form.cleaned_data
        created = request_submit_public(
            commune=commune,
            data=PublicRequest(
                person_name=data["person_name"].strip(),
                phone=data["phone"],
                address=data["address"].strip(),
                reason=data["reason"],
                requester_relation=data["requester_relation"],
                requester_name=data["requester_name"].strip(),
                area=data["area"],
                procedure=data["procedure"],
                procedure_other=data["procedure_other"].strip(),
                preferred_times=data["preferred_times"].strip(),
                windows=form.windows(),
            ),
        )
        return redirect(_done_url(created.tracking_code))
    return render(request, "public/help_at_home.html", {"form": form, "commune": commune})


def _help_form(request: HttpRequest, commune: Commune) -> HelpAtHomeForm:
    initial: dict[str, Any] = {}
    if request.GET.get("thu-tuc"):
        guide = guide_with_procedure(request.GET["thu-tuc"], commune)
        if guide is not None and guide.procedure.home_support_possible:
            initial["procedure"] = guide.procedure.pk
    form = HelpAtHomeForm(request.POST or None, initial=initial, commune=commune)
    # A guide links here as ?procedure=<id or slug>: chosen only if it can be done at home
    # (the form's own list), anything else is ignored rather than refused.
    if chosen := form.procedure_from(request.GET.get("procedure", "")):
        form.initial["procedure"] = chosen.pk
    return form


def _done_url(code: str) -> str:
    token = signing.dumps(code, salt=SIGNER_SALT)
    return f"{reverse('public:help_done')}?t={token}"


def help_done(request: HttpRequest) -> HttpResponse:
    try:
        code = signing.loads(request.GET.get("t", ""), salt=SIGNER_SALT, max_age=3600)
    except signing.BadSignature:
        return redirect("public:help_at_home")
    return render(request, "public/help_done.html", {"code": code, "commune": public_commune()})


PLAIN_STATUS = {
    RequestStatus.RECEIVED: _(
        "We have received the request. An officer will phone to agree on a time."
    ),
    RequestStatus.ACCEPTED: _(
        "The request is accepted. An officer will phone to agree on a day for the visit."
    ),
    RequestStatus.SCHEDULED: _("A visit is planned. An officer will phone the day before."),
    RequestStatus.VISITED: _("The officer has visited. The papers are being completed."),
    RequestStatus.COMPLETED: _("Done. The procedure is completed."),
    RequestStatus.REJECTED: _(
        "The ward could not take this request. An officer will phone to explain what to do instead."
    ),
    RequestStatus.CANCELLED: _("The request was cancelled."),
    RequestStatus.NEEDS_SECOND_VISIT: _(
        "Another visit is needed. An officer will phone to agree on a time."
    ),
}


@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The empty lookup form is the same for everyone, like the help-at-home form.
        commune = public_commune()
        return HttpResponse(
            cached_page(
                request,
                name="status",
                commune=commune,
                render=lambda: render_to_string(
                    "public/status.html",
                    {"form": StatusLookupForm(), "commune": commune, "csrf_token": CSRF_MARK},
                    request=request,
                ),
            )
        )
    form = StatusLookupForm(request.POST)
    found = None
    not_found = False
    ip_key = f"status-lookup:{client_ip(request)}"
    if ratelimit.attempts(ip_key, window=LOOKUP_LIMIT[1]) >= LOOKUP_LIMIT[0]:
        return render(request, "public/slow_down.html", status=429)
    if form.is_valid():
        # The code as the lookup reads it: "U89B-FUPS" and "u 89bfups" are one code
        # and share one counter.
        code_key = f"status-code:{normalize_tracking_code(form.cleaned_data['code'])}"
        if ratelimit.attempts(code_key, window=CODE_LIMIT[1]) >= CODE_LIMIT[0]:
            ratelimit.hit(ip_key, window=LOOKUP_LIMIT[1])  # still guessing
            return render(request, "public/slow_down.html", status=429)
        found = request_lookup(
            form.cleaned_data["code"],
            form.cleaned_data["phone_last4"],
            commune=public_commune(),
        )
        not_found = found is None
        if not_found:  # only wrong guesses count: a citizen may check as often as needed
            ratelimit.hit(code_key, window=CODE_LIMIT[1])
            ratelimit.hit(ip_key, window=LOOKUP_LIMIT[1])
    status_text = PLAIN_STATUS.get(found.status) if found else None  # type: ignore[call-overload]
    return render(
        request,
        "public/status.html",
        {
            "form": form,
            "found": found,
            "status_text": status_text,
            "visit": planned_visit(found) if found else None,
            "visited": last_visit(found) if found else None,
            "not_found": not_found,
            "commune": public_commune(),
        },
    )


def set_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """A link, not a form: citizens switch language without a cookie banner or a token."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
    return response


def figures(request: HttpRequest) -> HttpResponse:
    """The ward's figures. Kept a minute per worker like the other public pages: the
    figures are at most a minute old, and a crowd costs one count a minute."""
    commune = public_commune()
    if commune is None:
        raise Http404
    return HttpResponse(
        cached_page(
            request,
            name="figures",
            commune=commune,
            render=lambda: render_to_string(
                "public/figures.html",
                {"commune": commune, "figures": public_figures(commune)},
                request=request,
            ),
        )
    )
