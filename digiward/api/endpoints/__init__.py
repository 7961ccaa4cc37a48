"""The API's routers, one per capability; each is thin: schemas in, services and
selectors of the owning app, schemas out."""

import hashlib
from typing import Annotated, Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from digiward.api.schemas import Problem

# Every operation documents its problem answers (schemathesis checks them).
PROBLEMS = {frozenset({400, 401, 403, 404, 413, 422, 429, 500, 503}): Problem}


# Ids and page numbers fit the database's integers: a page of 10**26 was a 500 (an
# OFFSET SQLite cannot hold), found by schemathesis.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


# A list's total is counted at most this often per query and worker: counting 100,000
# residents took 16 ms of a 44 ms page (bench/bench_api.py), while the page's items are
# read live every time. A total up to this many seconds old is the documented trade-off.
COUNT_SECONDS = 30


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)

    def _items_count(self, queryset: Any) -> int:
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        try:
            sql = str(queryset.query)  # scoped already: the commune's id is in it
        except EmptyResultSet:
            return 0
        key = "api-count:" + hashlib.sha256(f"{queryset.db}|{sql}".encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            cache.set(key, count, COUNT_SECONDS)
        return int(count)
