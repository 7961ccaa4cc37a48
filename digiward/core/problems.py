"""One error body for every API error: RFC 9457 problem details.

`type` names the problem with a stable URN, `code` is the same stable name for programs
that switch on it, `title` is the short human sentence in the request's language
(Vietnamese by default) and `detail` says what happened this time. Core owns it because
middleware (the request size limit, the busy database) answers API requests too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": f"urn:digiward:problem:{code}",
        "title": str(title),
        "status": status,
        "code": code,
        "instance": request.path,
    }
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    response = JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def server_error_problem(request: HttpRequest) -> JsonResponse:
    """The 500 of the API, from its own handler or from Django's (handler500)."""
    return problem_response(
        request,
        status=500,
        code="server_error",
        title=_("Something went wrong on the server"),
        detail=_("The error was logged. Try again later."),
    )
