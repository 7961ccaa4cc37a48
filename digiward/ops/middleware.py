"""Gives every request an id: nginx's X-Request-ID when it sends a sane one, else a new one."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from digiward.ops.logging import request_id_var

HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; other proxies send UUIDs. Anything else (too
# long, control characters) is replaced, so a client cannot write into our logs.
_SANE = re.compile(r"[A-Za-z0-9._-]{8,128}")


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every log record of the request carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response
