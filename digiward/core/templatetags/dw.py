"""Template helpers shared by every app: query strings, money, masking."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

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
