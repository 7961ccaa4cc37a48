"""Core actions: members and their roles in a commune.

Each action is one transaction that checks the rule, writes, and appends the
audit row. Views, commands and the API call these; nothing else writes memberships.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record, audit_saved, snapshot
from digiward.core.errors import DomainError
from digiward.core.jobs import job_start
from digiward.core.models import (
    AuditAction,
    Commune,
    CommuneSettings,
    Invitation,
    InvitationStatus,
    Job,
    Membership,
    Province,
    Role,
    User,
)
from digiward.core.models.settings import CONTACT_FIELDS
from digiward.core.outbox import notification_queue
from digiward.core.passwords import refuse_place_names
from digiward.core.permissions import Perm
from digiward.core.selectors import commune_admin_count
from digiward.core.tasks import export_audit_log

COMMUNE_ROLES = (Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER, Role.SPONSOR_VIEWER)
INVITATION_VALID_FOR = timedelta(days=14)


@transaction.atomic
def member_create(
    *,
    access: Access,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    role: Role,
    password: str,
) -> User:
    """Create a sign-in for a new person and give them a role in the acting commune."""
    access.require(Perm.MANAGE_MEMBERS)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This username is already taken."), field="username")
    # A temporary password: the person chooses their own at the first sign-in.
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        must_change_password=True,
    )
    _check_password(password, user, access.commune)
    user.set_password(password)
    user.save()
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=user,
        changes={"username": [None, username], "full_name": [None, full_name]},
    )
    membership_grant(access=access, user=user, role=role)
    return user


@transaction.atomic
def membership_grant(*, access: Access, user: User, role: Role) -> Membership:
    """Give `user` a role in the acting commune."""
    access.require(Perm.MANAGE_MEMBERS)
    if role not in COMMUNE_ROLES:
        raise DomainError(_("This role cannot be given inside a commune."), field="role")
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, role=role, commune=access.commune, granted_by=access.user
            )
    except IntegrityError:
        raise DomainError(
            _("This person already has this role in this commune."), field="role"
        ) from None
    audit_record(
        action=AuditAction.ROLE_GRANTED,
        commune=access.commune,
        obj=user,
        changes={"role": [None, role.value]},
    )
    return membership


@transaction.atomic
def membership_revoke(*, access: Access, membership: Membership) -> None:
    """Take a role away. The commune never loses its last active administrator."""
    access.require(Perm.MANAGE_MEMBERS)
    if membership.commune_id != access.commune.pk:
        raise DomainError(_("This role belongs to another commune."))
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        return
    if locked.role == Role.COMMUNE_ADMIN and commune_admin_count(access.commune) <= 1:
        raise DomainError(_("The commune must keep at least one administrator."))
    locked.delete()
    audit_record(
        action=AuditAction.ROLE_REVOKED,
        commune=access.commune,
        obj=membership.user,
        changes={"role": [membership.role, None]},
    )


def _check_password(password: str, user: User, commune: Commune) -> None:
    try:
        validate_password(password, user)
        refuse_place_names(password, [commune])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from None


def _only_in_commune(user: User, commune: Commune) -> bool:
    """True if every role of `user` is in `commune`: its admin may then manage the sign-in."""
    return not user.memberships.exclude(commune=commune).exists()


@transaction.atomic
def member_set_password(*, access: Access, user: User, password: str) -> None:
    """Set a temporary password for a member who forgot theirs."""
    access.require(Perm.MANAGE_MEMBERS)
    if not _only_in_commune(user, access.commune) or user.is_superuser:
        raise DomainError(
            _("This person also works in another commune or province; ask a system administrator.")
        )
    _check_password(password, user, access.commune)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=user,
        changes={"password": ["•••", "•••"]},
    )


@transaction.atomic
def member_set_active(*, access: Access, user: User, active: bool) -> None:
    """Deactivate (or reactivate) a sign-in. Users are never deleted: the audit log needs them."""
    access.require(Perm.MANAGE_MEMBERS)
    if user.pk == access.user.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    if not _only_in_commune(user, access.commune) or user.is_superuser:
        raise DomainError(
            _("This person also works in another commune or province; ask a system administrator.")
        )
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=user,
        changes={"is_active": [not active, active]},
    )


@transaction.atomic
def role_assign_by_operator(
    *, user: User, role: Role, commune: Commune | None = None, province: Province | None = None
) -> tuple[Membership, bool]:
    """Grant a role from the command line (the first administrator, province viewers)."""
    if role == Role.PROVINCE_VIEWER:
        if province is None or commune is not None:
            raise DomainError(_("A province viewer needs a province, not a commune."))
    elif commune is None or province is not None:
        raise DomainError(_("This role needs a commune."))
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, commune=commune, province=province
    )
    if created:
        audit_record(
            action=AuditAction.ROLE_GRANTED,
            commune=commune,
            obj=user,
            changes={"role": [None, role.value]},
            note=str(province or ""),
        )
    return membership, created


# --- Invitations: an existing account joins a commune only if it says yes -----------------


@transaction.atomic
def member_invite(*, access: Access, username: str, role: Role) -> Invitation:
    """Invite the account named `username` to hold `role` in the acting commune.

    The invitation is written whether or not such an account exists, and the caller
    must answer the same either way: a commune administrator learns nothing about
    accounts of other communes, and pulls nobody in without their consent.
    """
    access.require(Perm.MANAGE_MEMBERS)
    if role not in COMMUNE_ROLES:
        raise DomainError(_("This role cannot be given inside a commune."), field="role")
    username = username.strip().lower()[:150]
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    now = timezone.now()
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        commune=access.commune,
        username=username,
        role=role,
        status=InvitationStatus.PENDING,
        defaults={
            "user": user,
            "invited_by": access.user,
            "expires_at": now + INVITATION_VALID_FOR,
        },
    )
    if not created:  # invited again: the same invitation, valid for longer
        invitation.expires_at = now + INVITATION_VALID_FOR
        invitation.save(update_fields=["expires_at"])
    audit_record(
        action=AuditAction.CREATE,
        commune=access.commune,
        obj=invitation,
        object_repr=f"invitation “{username}” as {role.value}",
    )
    if created and user is not None and user.email:
        notification_queue(
            channel="email",
            recipient=user.email,
            commune=access.commune,
            subject=_("You are invited to work in %(commune)s on DigiWard")
            % {"commune": access.commune.name},
            body=_(
                "%(admin)s invites you to work in %(commune)s as %(role)s. Sign in to "
                "DigiWard and answer the invitation on your home page; it is valid for "
                "%(days)s days. If you do not expect this, decline it."
            )
            % {
                "admin": access.user.get_full_name(),
                "commune": access.commune.name,
                "role": role.label,
                "days": INVITATION_VALID_FOR.days,
            },
            dedupe_key=f"invitation:{invitation.pk}",
        )
    return invitation


def _pending_for(user: User, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("commune")
        .filter(pk=invitation_id, user=user, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise DomainError(_("This invitation is no longer open."))
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This invitation has expired; ask the commune to invite you again."))
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, invitation_id: int) -> Membership:
    """The invited person says yes: the role is granted now."""
    invitation = _pending_for(user, invitation_id)
    membership, _created = Membership.objects.get_or_create(
        user=user,
        role=invitation.role,
        commune=invitation.commune,
        defaults={"granted_by": invitation.invited_by},
    )
    invitation.status, invitation.answered_at = InvitationStatus.ACCEPTED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        action=AuditAction.ROLE_GRANTED,
        commune=invitation.commune,
        obj=user,
        changes={"role": [None, invitation.role]},
        note=f"invitation {invitation.pk} accepted",
    )
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation_id: int) -> None:
    invitation = _pending_for(user, invitation_id)
    invitation.status, invitation.answered_at = InvitationStatus.DECLINED, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=invitation.commune,
        obj=invitation,
        object_repr=f"invitation “{invitation.username}” declined",
    )


@transaction.atomic
def invitation_withdraw(*, access: Access, invitation_id: int) -> None:
    access.require(Perm.MANAGE_MEMBERS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(pk=invitation_id, commune=access.commune, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is None:
        raise DomainError(_("This invitation is no longer open."))
    invitation.status, invitation.answered_at = InvitationStatus.WITHDRAWN, timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        action=AuditAction.CHANGE,
        commune=access.commune,
        obj=invitation,
        object_repr=f"invitation “{invitation.username}” withdrawn",
    )


AUDIT_EXPORT_FILTERS = frozenset({"actor", "action", "object_type", "date_from", "date_to", "q"})


def audit_export_start(*, access: Access, filters: dict[str, str]) -> Job:
    """Export the audit log (the filtered part of it) to Excel in the background."""
    access.require(Perm.EXPORT_AUDIT_LOG)
    return job_start(
        acting_user=access.user,
        commune=access.commune,
        kind="core.audit_export",
        title=_("Audit log export"),
        task=export_audit_log,
        perm=Perm.EXPORT_AUDIT_LOG,
        params={"filters": {k: v for k, v in filters.items() if k in AUDIT_EXPORT_FILTERS and v}},
    )


@transaction.atomic
def commune_settings_save(
    *, access: Access, phone: str, address: str, opening_hours: str
) -> CommuneSettings:
    """Save what the public pages say about the commune (its contacts), audited."""
    access.require(Perm.MANAGE_COMMUNE_SETTINGS)
    found = CommuneSettings.objects.select_for_update().filter(commune=access.commune).first()
    saved = found if found is not None else CommuneSettings(commune=access.commune)
    before = snapshot(saved, CONTACT_FIELDS) if found is not None else None
    saved.phone, saved.address, saved.opening_hours = phone, address, opening_hours
    saved.save()
    audit_saved(
        commune=access.commune,
        obj=saved,
        fields=CONTACT_FIELDS,
        before=before,
        skip_unchanged=True,
    )
    return saved
