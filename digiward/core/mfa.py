"""Two-factor sign-in (TOTP with recovery codes, through django-otp): who needs it, and
the actions around it.

Required for the people who can do the most harm with a stolen password: commune
administrators, province viewers, superusers, and anyone whose roles let them see full
citizen IDs (officers). Optional for volunteers and sponsor viewers, who see no full
ID; they may turn it on. A person who needs it enrols at their first sign-in.

Recovery codes are stored as keyed hashes (never in clear): ten single-use codes shown
once. Someone who lost their phone and their codes asks another administrator of their
commune, who resets it (audited and told to the other administrators), or a system
administrator (`digiward reset_2fa`).
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from datetime import timedelta

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from digiward.core import crypto
from digiward.core.access import Access
from digiward.core.alerts import security_alert
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Role, User
from digiward.core.permissions import ROLE_PERMISSIONS, Perm

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand
_ROLES_NEEDING_MFA = frozenset(
    {Role.COMMUNE_ADMIN, Role.PROVINCE_VIEWER}
    | {role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_FULL_CITIZEN_ID in perms}
)
VERIFY_WINDOW = timedelta(minutes=15)
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def mfa_required(user: User) -> bool:
    """True if this account must use a second factor to reach staff pages."""
    if user.is_superuser:
        return True
    return user.memberships.filter(role__in=[r.value for r in _ROLES_NEEDING_MFA]).exists()


def has_confirmed_totp(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_totp(user: User) -> TOTPDevice:
    """The device being enrolled (a fresh secret until it is confirmed by a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _recovery_hash(code: str) -> str:
    """A recovery code as stored: a keyed hash, 16 hex characters (the token column)."""
    cleaned = "".join(ch for ch in code.lower() if ch.isalnum())
    return crypto.keyed_hash(f"recovery:{cleaned}")[:16]


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        StaticToken.objects.create(device=device, token=_recovery_hash(raw))
    return codes


@transaction.atomic
def totp_confirm(*, request: HttpRequest, user: User, code: str) -> list[str]:
    """Finish enrolment: the code from the app proves it holds the secret. Returns the
    recovery codes (shown once) and marks this session as verified."""
    device = pending_totp(user)
    if not device.verify_token(_digits(code)):
        raise DomainError(
            _("This code is not right. Check the phone's clock and type the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    audit_record(
        action=AuditAction.CHANGE,
        commune=None,
        obj=user,
        changes={"two_factor": [None, "enabled"]},
    )
    return codes


def verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """Check a code from the app or a recovery code; on success the session is verified."""
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        device: TOTPDevice | StaticDevice | None = None
        digits = _digits(code)
        if totp is not None and len(digits) == totp.digits and totp.verify_token(digits):
            device = totp
        else:
            recovery = (
                StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            long_enough = len(code.strip()) >= 10  # a recovery code, not a mistyped TOTP
            if recovery is not None and long_enough and recovery.verify_token(_recovery_hash(code)):
                device = recovery
    if device is None:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            commune=None,
            obj=user,
            note="second factor",
        )
        return False
    otp_login(request, device)
    note = "recovery code" if isinstance(device, StaticDevice) else "authenticator"
    audit_record(action=AuditAction.LOGIN, commune=None, obj=user, note=f"second factor: {note}")
    return True


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit_record(
        action=AuditAction.CHANGE,
        commune=None,
        obj=user,
        changes={"recovery_codes": ["•••", "•••"]},
    )
    return codes


def _drop_devices(user: User) -> int:
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    return removed


@transaction.atomic
def mfa_reset_by_admin(*, access: Access, user: User, reason: str) -> None:
    """Another administrator of the commune resets a member's lost second factor: the
    member enrols again at the next sign-in. Audited and told to the administrators."""
    access.require(Perm.MANAGE_MEMBERS)
    if user.pk == access.user.pk:
        raise DomainError(_("Ask another administrator to reset your own two-factor sign-in."))
    if user.is_superuser or user.memberships.exclude(commune=access.commune).exists():
        raise DomainError(
            _("This person also works in another commune or province; ask a system administrator.")
        )
    if not reason.strip():
        raise DomainError(_("Say why (for example: phone lost on 3/12)."), field="reason")
    _drop_devices(user)
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=user,
        changes={"two_factor": ["enabled", "reset"]},
        note=reason.strip()[:500],
    )
    security_alert(
        kind="mfa-reset",
        commune=access.commune,
        about=user,
        what=_("%(admin)s reset the two-factor sign-in of %(user)s: %(reason)s")
        % {"admin": access.user.get_full_name(), "user": user.get_full_name(), "reason": reason},
    )


@transaction.atomic
def mfa_reset_by_operator(*, user: User, reason: str) -> int:
    """The same from the command line (a system administrator on the server)."""
    removed = _drop_devices(user)
    audit_record(
        action=AuditAction.CHANGE,
        commune=None,
        obj=user,
        changes={"two_factor": ["enabled", "reset"]},
        note=reason.strip()[:500],
    )
    return removed


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())[:8]


def qr_svg_data_uri(text: str) -> str:
    """The enrolment QR code as an inline SVG image (no script, allowed by the CSP)."""
    return str(segno.make(text, error="m").svg_data_uri(scale=5, border=2))


def spaced_secret(key: bytes) -> str:
    """The secret for typing by hand into an app: ABCD EFGH …"""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
