"""The API's routers, one per capability; each is thin: schemas in, services and
selectors of the owning app, schemas out."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from digiward.api.schemas import Problem

# Every operation documents its problem answers (schemathesis checks them).
PROBLEMS = {frozenset({400, 401, 403, 404, 413, 422, 429, 500, 503}): Problem}


# Ids and page numbers fit the database's integers: a page of 10**26 was a 500 (an
# OFFSET SQLite cannot hold), found by schemathesis.
MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=100)
