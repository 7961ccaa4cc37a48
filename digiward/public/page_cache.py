"""Whole-page cache for the public pages people open most (issue 17, "Load").

A QR card on a guide opens its guide page; posters point at the home page and the
help-at-home form. These pages are the same for everyone who reads them in one language,
yet rendering them cost 5 to 14 ms of templates (the form's 28 fields most of all), a
fifth of what the framework itself can serve (bench/bench_load.py). Each worker keeps
the rendered page for a minute, keyed by what it shows:

- the *content stamp* of the public commune: the catalog's version, the ward's contact
  settings, the commune's notes on procedures and its areas. It is re-read at most every
  RECHECK_SECONDS per worker, and at once in the worker that saves one of them (signals
  in apps.py), so an edit shows within seconds everywhere and at once where it was made;
- the language and the full path (the language link carries it back), for the query
  parameters the page reads only: any other query string is rendered, never cached, so
  random URLs cannot fill the cache.

A form's CSRF token is the one per-visitor part: the page is rendered with a marker in
its place, and each visitor's own token is filled in (which also sets their cookie).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Collection

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from digiward.core.models import Commune, CommuneSettings
from digiward.procedures.models import CommuneProcedureNote
from digiward.procedures.selectors import catalog_version
from digiward.registry.models import Area

RECHECK_SECONDS = 10.0
PAGE_SECONDS = 60
CSRF_MARK = "__digiward_csrf_token__"


class _Stamp:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: dict[int | None, str] = {}
        self.checked_at: dict[int | None, float] = {}

    def get(self, commune: Commune | None) -> str:
        key = commune.pk if commune else None
        now = time.monotonic()
        if key not in self.value or now - self.checked_at.get(key, 0.0) > RECHECK_SECONDS:
            value = _read_stamp(commune)
            with self.lock:
                self.value[key], self.checked_at[key] = value, now
        return f"{catalog_version()}.{self.value[key]}"

    def reset(self) -> None:
        with self.lock:
            self.value.clear()
            self.checked_at.clear()


_stamp = _Stamp()


def _read_stamp(commune: Commune | None) -> str:
    if commune is None:
        return "none"
    settings_changed = (
        CommuneSettings.objects.filter(commune=commune).values_list("updated_at", flat=True).first()
    )
    notes = CommuneProcedureNote.objects.filter(commune=commune).aggregate(
        count=Count("id"), changed=Max("updated_at")
    )
    areas = Area.objects.filter(commune=commune).aggregate(count=Count("id"), last=Max("id"))
    parts = (settings_changed, notes["count"], notes["changed"], areas["count"], areas["last"])
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def content_stamp(commune: Commune | None) -> str:
    """A short token that changes when anything a public page shows of the commune does."""
    return _stamp.get(commune)


def reset() -> None:
    """Forget every commune's stamp in this worker (tests, and the signal below)."""
    _stamp.reset()


def content_changed(**_: object) -> None:
    """Signal receiver: this worker re-reads the stamp on its next public page, and again
    once the change is committed (a page read in between saw the old content)."""
    _stamp.reset()
    transaction.on_commit(_stamp.reset)


def cached_page(
    request: HttpRequest,
    *,
    name: str,
    commune: Commune | None,
    params: Collection[str] = (),
    render: Callable[[], str],
) -> str:
    """The page `render()` makes, from this worker's cache when it has it.

    `render` must put CSRF_MARK where a CSRF token goes (context `csrf_token`)."""
    if set(request.GET) - set(params):
        page = render()
    else:
        # The name and path are hashed: a guide's slug comes from the address typed, and
        # a key must stay short whatever the visitor sends (memcached's limit is 250).
        page_id = hashlib.sha256(f"{name}\0{request.get_full_path()}".encode()).hexdigest()[:32]
        owner = commune.pk if commune else 0
        key = f"public-page:{get_language()}:{owner}:{content_stamp(commune)}:{page_id}"
        page = cache.get(key)
        if page is None:
            page = render()
            cache.set(key, page, PAGE_SECONDS)
    if CSRF_MARK in page:
        page = page.replace(CSRF_MARK, get_token(request))
    return page
