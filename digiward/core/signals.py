"""Sign-in and sign-out go to the audit log (who, when, from where).

Receivers of Django's own auth signals: the one place where a signal is the
only hook Django offers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, User
from digiward.core.request_context import acting_as, origin_from_request


@receiver(user_logged_in)
def _audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None:
        return
    with acting_as(origin_from_request(request)):
        audit_record(action=AuditAction.LOGIN, commune=None, actor=user, obj=user)


@receiver(user_logged_out)
def _audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if request is None or user is None:
        return
    with acting_as(origin_from_request(request)):
        audit_record(action=AuditAction.LOGOUT, commune=None, actor=user, obj=user)


@receiver(user_login_failed)
def _audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None:
        return
    username = str(credentials.get("username", ""))[:150]
    with acting_as(origin_from_request(request)):
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            commune=None,
            object_type="core.user",
            object_repr=username,
        )
