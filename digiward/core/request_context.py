"""Where the current action comes from: a web request, the API, a command or a job.

A context variable carries it so that the audit log can record "from where"
without every service taking a request parameter.
"""

from __future__ import annotations

import getpass
import ipaddress
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from digiward.core.models import User


@dataclass(frozen=True)
class Origin:
    source: str  # an AuditSource value
    ip_address: str | None = None
    user_agent: str = ""
    path: str = ""
    user: User | None = None
    label: str = ""  # who, when there is no signed-in user (command line, job)


_current: ContextVar[Origin | None] = ContextVar("digiward_origin", default=None)


def current_origin() -> Origin:
    origin = _current.get()
    if origin is not None:
        return origin
    # Outside any request: a shell, a script, a test. Say so in the audit log.
    return Origin(source="command", path=" ".join(sys.argv)[:500], label=_os_user())


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind our own proxy, the one it appended last.

    Only a well-formed address is returned: the value keys rate limits and is stored
    in the audit log's address column, which refuses anything else."""
    candidate = request.META.get("REMOTE_ADDR") or ""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


# A username is at most 150 characters (Django's User); django-axes stores what was typed
# in a 255-character column, so a longer one was a 500 on PostgreSQL (tests/test_fuzz_findings).
SIGN_IN_USERNAME_LENGTH = 150


def sign_in_username(request: HttpRequest, credentials: dict[str, object] | None = None) -> str:
    """The username django-axes records for a sign-in attempt (AXES_USERNAME_CALLABLE)."""
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = getattr(request, "POST", {}).get("username", "")
    return str(typed or "")[:SIGN_IN_USERNAME_LENGTH]


def origin_from_request(request: HttpRequest, *, source: str = "web") -> Origin:
    user = getattr(request, "user", None)
    return Origin(
        source=source,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        path=request.get_full_path()[:500],
        user=user if user is not None and user.is_authenticated else None,
    )


@contextmanager
def acting_as(origin: Origin) -> Iterator[Origin]:
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)


def adopt(origin: Origin) -> None:
    """Make `origin` current for the rest of this request.

    An API call authenticates inside the view, after RequestContextMiddleware set an
    anonymous origin; that middleware's `acting_as` resets the variable when the
    request ends, so nothing leaks into the next request on this thread."""
    _current.set(origin)


def command_origin(command: str, user: User | None = None) -> Origin:
    return Origin(source="command", path=command[:500], user=user, label=_os_user())


def _os_user() -> str:
    try:
        return f"{getpass.getuser()}@command-line"
    except (KeyError, OSError):  # no passwd entry in some containers
        return "command-line"
