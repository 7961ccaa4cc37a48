"""The API's routers, one per capability; each is thin: schemas in, services and
selectors of the owning app, schemas out."""

from digiward.api.schemas import Problem

# Every operation documents its problem answers (schemathesis checks them).
PROBLEMS = {frozenset({400, 401, 403, 404, 413, 422, 429, 500, 503}): Problem}
