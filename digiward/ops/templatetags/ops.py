"""`{% server_health as health %}`: lets the role home page (digiward/reports) show the
server's health with one include, without the reports app knowing about operations."""

from __future__ import annotations

from typing import Any

from django import template

from digiward.ops.selectors import ServerHealth, server_health

register = template.Library()


@register.simple_tag(takes_context=True)
def server_health_for(context: dict[str, Any]) -> ServerHealth | None:
    access = context.get("access")
    if access is None:
        return None
    return server_health(access)
