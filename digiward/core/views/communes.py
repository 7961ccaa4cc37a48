"""Choosing the commune to work in (for people with roles in several)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from digiward.core.access import SESSION_KEY, access_for, accessible_communes
from digiward.core.models import Commune, User
from digiward.core.params import search_text
from digiward.core.selectors import open_invitations_for
from digiward.core.text import fold


@login_required
@require_http_methods(["GET", "POST"])
def choose_commune(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    error = ""
    status = 200
    if request.method == "POST":
        code = Commune.normalize_code(request.POST.get("commune", ""))
        commune = (
            Commune.objects.select_related("province").filter(code=code).first() if code else None
        )
        access = access_for(user, commune) if commune else None
        if access is not None and commune is not None:
            request.session[SESSION_KEY] = commune.pk
            return redirect(next_url or "reports:home")
        # Unknown code, or a commune where the user has no role: the same answer.
        error = _("No commune with code “%(code)s” is open to you.") % {
            "code": request.POST.get("commune", "")[:10]
        }
        status = 404
    communes = accessible_communes(user).order_by("province__code", "name_sort")
    query = search_text(request.GET.get("q"))
    if query:
        communes = communes.filter(name_folded__contains=fold(query))
    page = Paginator(communes, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/choose_commune.html",
        {
            "page_obj": page,
            "query": query,
            "next": next_url,
            "error": error,
            "open_invitations": open_invitations_for(user),
        },
        status=status,
    )
