"""Creating, finding and revoking API tokens (the services behind the tokens page)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.api.models import ApiToken, TokenScope
from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, User

TOKEN_PREFIX = "dw_"  # noqa: S105 -- a marker that says "DigiWard token", not a secret
EXPIRY_DAYS = (30, 90, 180, 365)
MAX_ACTIVE_TOKENS = 10  # per user: a forgotten pile of live tokens is a risk, not a feature
# last_used_at is written at most this often: a busy integration must not turn every
# read into a write.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole "dw_…" string: shown once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, access: Access, name: str, scope: str, days: int) -> NewToken:
    """A new token for the signed-in user in their active commune."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name (what it is for)."), field="name")
    if scope not in TokenScope.values:
        raise DomainError(_("Pick what the token may do."), field="scope")
    if days not in EXPIRY_DAYS:
        raise DomainError(_("Pick when the token expires."), field="days")
    with transaction.atomic():
        # Lock the user's row so two clicks cannot both pass the limit below.
        User.objects.select_for_update().get(pk=access.user.pk)
        if active_tokens(access.user).count() >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                _("You already have %(n)d active tokens: revoke one you no longer use.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        prefix = secrets.token_hex(6)
        secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=access.user,
            commune=access.commune,
            name=name[:80],
            prefix=prefix,
            secret_hash=_digest(secret),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            action=AuditAction.CREATE,
            commune=access.commune,
            obj=token,
            changes={"scope": [None, scope], "expires_at": [None, token.expires_at.isoformat()]},
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, access: Access, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action=AuditAction.DELETE, commune=token.commune, obj=token, note="revoked")
    return token


def active_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def token_for_secret(secret: str) -> ApiToken | None:
    """The token `secret` names, whatever its state (the caller says why it is refused)."""
    if not secret.startswith(TOKEN_PREFIX) or secret.count("_") < 2:
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = (
        ApiToken.objects.select_related("user", "commune__province").filter(prefix=prefix).first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    return token


def token_touch(token: ApiToken, ip_address: str | None) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip_address)
        token.last_used_at = now
