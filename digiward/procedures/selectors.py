"""Reading the catalog: the in-memory search index, the desk's short list, guides."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch

from digiward.core.models import Commune
from digiward.procedures.models import CommuneProcedureNote, Guide, GuideVersion, Procedure
from digiward.procedures.search import Document, SearchIndex

# How long a process trusts its index before checking whether the catalog changed.
INDEX_RECHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Hit:
    procedure: Procedure
    guide_slug: str | None
    score: float


def procedure_document(p: Procedure) -> Document:
    """What the search reads of a procedure (also used by bench/bench_search.py)."""
    return Document(
        id=p.pk,
        name=p.name,
        keywords=(p.name_en, *p.keywords, p.code),
        text=f"{p.summary} {p.summary_en}",
        owner=p.commune_id or 0,
    )


class _IndexCache:
    """One index per process, rebuilt when the catalog's version changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple[object, ...] | None = None
        self.checked_at = 0.0
        self.index: SearchIndex | None = None
        self.procedures: dict[int, Procedure] = {}
        self.guides: dict[int, str] = {}

    def current(self) -> tuple[SearchIndex, dict[int, Procedure], dict[int, str]]:
        now = time.monotonic()
        if self.index is None or now - self.checked_at > INDEX_RECHECK_SECONDS:
            with self.lock:
                version = _catalog_version()
                if version != self.version or self.index is None:
                    self._build()
                    self.version = version
                self.checked_at = now
        assert self.index is not None
        return self.index, self.procedures, self.guides

    def _build(self) -> None:
        procedures = list(
            Procedure.objects.published().only(
                "id",
                "commune_id",
                "slug",
                "name",
                "name_en",
                "summary",
                "summary_en",
                "keywords",
                "code",
                "field",
                "online_level",
                "popularity",
            )
        )
        self.procedures = {p.pk: p for p in procedures}
        self.guides = {}
        for procedure_id, slug in (
            Guide.objects.filter(current__isnull=False)
            .order_by("slug")
            .values_list("procedure_id", "slug")
        ):
            self.guides.setdefault(procedure_id, slug)
        self.index = SearchIndex(procedure_document(p) for p in procedures)

    def reset(self) -> None:
        with self.lock:
            self.index, self.version = None, None


_cache = _IndexCache()


def _catalog_version() -> tuple[object, ...]:
    procedures = Procedure.objects.aggregate(changed=Max("updated_at"), count=Count("id"))
    guides = GuideVersion.objects.aggregate(last=Max("id"))
    return (procedures["changed"], procedures["count"], guides["last"])


def reset_search_index() -> None:
    _cache.reset()


def catalog_version() -> str:
    """A short token that changes whenever the catalog does (for caching search pages)."""
    _cache.current()
    return format(hash(_cache.version) & 0xFFFFFFFF, "x")


def search_procedures(query: str, *, commune: Commune | None, limit: int = 20) -> list[Hit]:
    """Ranked catalog search; a commune sees the national catalog and its own entries."""
    index, procedures, guides = _cache.current()
    owners = (0, commune.pk) if commune else (0,)
    return [
        Hit(procedures[procedure_id], guides.get(procedure_id), score)
        for procedure_id, score in index.search(query, limit=limit, owners=owners)
    ]


def shortlist(commune: Commune | None, *, limit: int = 8) -> list[Procedure]:
    """The most common procedures first: the desk's and the public home page's short list."""
    return list(
        Procedure.objects.published()
        .visible_in(commune)
        .prefetch_related(Prefetch("guides", queryset=Guide.objects.filter(current__isnull=False)))
        .order_by("-popularity", "name")[:limit]
    )


def guide_with_procedure(slug: str, commune: Commune | None) -> Guide | None:
    return (
        Guide.objects.visible_in(commune)
        .select_related("current", "procedure")
        .filter(slug=slug, current__isnull=False, procedure__is_published=True)
        .first()
    )


def commune_note(procedure: Procedure, commune: Commune | None) -> CommuneProcedureNote | None:
    if commune is None:
        return None
    return CommuneProcedureNote.objects.filter(procedure=procedure, commune=commune).first()
