"""A tiny JSON-over-HTTP helper on the standard library (no new dependency)."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class Transient(Exception):
    """The gateway did not answer, or answered 5xx: try again later (same request id)."""


class TimedOut(Transient):
    """No answer in time: the gateway may or may not have sent the message."""


class Refused(Exception):
    """The gateway said no for this message (try the next channel, do not retry)."""


def post(
    url: str,
    *,
    headers: dict[str, str],
    json_body: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    timeout: float,
) -> dict[str, Any]:
    if json_body is not None:
        data = json.dumps(json_body, ensure_ascii=False).encode()
        headers = {**headers, "Content-Type": "application/json"}
    else:
        data = urllib.parse.urlencode(form or {}).encode()
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    if not url.startswith(("https://", "http://")):
        raise Transient(f"not an HTTP URL: {url}")
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code >= 500:
            raise Transient(f"HTTP {exc.code}") from None
        body = exc.read()
    except TimeoutError as exc:
        raise TimedOut(f"time-out: {exc}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise TimedOut(f"time-out: {exc.reason}") from None
        raise Transient(f"unreachable: {exc.reason}") from None
    except (http.client.HTTPException, OSError) as exc:  # connection reset, closed early
        raise Transient(f"connection failed: {exc}") from None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        raise Transient("the gateway's answer is not JSON") from None
    if not isinstance(answer, dict):
        raise Transient("the gateway's answer is not a JSON object")
    return answer
