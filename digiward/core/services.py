"""Core actions: members and their roles in a commune.

Each action is one transaction that checks the rule, writes, and appends the
audit row. Views, commands and the API call these; nothing else writes memberships.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.audit import audit_record
from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, Commune, Membership, Province, Role, User
from digiward.core.permissions import Perm
from digiward.core.selectors import commune_admin_count

COMMUNE_ROLES = (Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER, Role.SPONSOR_VIEWER)


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
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from None
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
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])
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
