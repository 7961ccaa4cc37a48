"""Template helpers shared by every app: query strings, money, masking."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
