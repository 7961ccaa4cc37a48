"""Finding a resident by name on the learning pages (certificate, quiz at the desk,
class list, progress): the registry's guarded search, its refusal shown in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from digiward.core.access import Access
from digiward.registry.models import Resident
from digiward.registry.search import SearchRefused, resident_search_for


@dataclass(frozen=True)
class Found:
    query: str = ""
    residents: list[Resident] = field(default_factory=list)
    refused: str = ""  # the search's refusal (too many searches, too short a query…)


def residents_found(
    request: HttpRequest, access: Access, *, purpose: str, page_size: int = 10, allowed: bool = True
) -> Found:
    """The residents matching `?q=`, nobody when there is no query or `allowed` is False."""
    query = request.GET.get("q", "").strip()[:100]
    if not query or not allowed:
        return Found(query=query)
    try:
        page = resident_search_for(access, query, purpose=purpose, page_size=page_size)
    except SearchRefused as error:
        return Found(query=query, refused=str(error))
    return Found(query=query, residents=list(page.residents))
