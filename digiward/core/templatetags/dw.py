"""Template helpers shared by every app: query strings, money, masking."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template import Context
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from digiward.core.models import Commune, CommuneSettings
from digiward.core.phones import format_phone
from digiward.core.views import errors

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (keeps filters when paging)."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.filter
def vnd(amount: int | None) -> str:
    """2357000 → '2.357.000 ₫' (Vietnamese grouping, no decimals)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " ₫"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


_BOLD = re.compile(r"\*\*(.+?)\*\*")


@register.filter
def screen_words(text: str) -> SafeString:
    """Guide text: the words shown on the phone's screen are written **like this**."""
    escaped = str(escape(text))
    return mark_safe(_BOLD.sub(r"<strong>\1</strong>", escaped))  # noqa: S308 (input escaped first)


@register.filter
def phone(national: str) -> str:
    """0292 3821 123 / 0912 345 678: grouped as people read numbers aloud."""
    return format_phone(national) if national else ""


@register.simple_tag(takes_context=True)
def ward_contacts(context: Context) -> CommuneSettings | None:
    """The contacts of the commune a public page serves: `commune` in the context, else
    DIGIWARD_PUBLIC_COMMUNE (an error page has no view context). One query per page,
    never cached: an edit shows at once."""
    commune = context.get("commune")
    if not isinstance(commune, Commune):
        code = Commune.normalize_code(settings.DIGIWARD_PUBLIC_COMMUNE or "")
        commune = Commune.objects.filter(code=code).first() if code else None
    if commune is None:
        return None
    found = CommuneSettings.objects.filter(commune=commune).select_related("commune").first()
    return found if found is not None else CommuneSettings(commune=commune)


@register.filter
def is_staff_path(path: str) -> bool:
    """Whether a 404 at `path` is a staff page's (core.views.errors)."""
    return errors.is_staff_path(path)
