"""People who sign in, and the roles they hold in communes and provinces."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.models.tenancy import Commune, Province


class User(AbstractUser):
    """A person who signs in: an officer, a volunteer, a sponsor's staff member.

    Vietnamese names do not split into first/last the Western way, so the user has
    one `full_name`. Users are deactivated, never deleted: the audit log points at them.
    """

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    # Set when an administrator gives a temporary password: the person chooses their own
    # before reaching any staff page (core.middleware.AccountSecurityMiddleware).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        # Vietnamese people are addressed by the last word of the name: "Nguyễn Văn An" → "An".
        return (self.full_name.split() or [self.username])[-1]


class Role(models.TextChoices):
    COMMUNE_ADMIN = "commune_admin", _("Commune administrator")
    OFFICER = "officer", _("Officer")
    VOLUNTEER = "volunteer", _("Volunteer")
    SPONSOR_VIEWER = "sponsor_viewer", _("Sponsor viewer")
    PROVINCE_VIEWER = "province_viewer", _("Province viewer")


class Membership(models.Model):
    """A role held by a user in one commune, or, for a province viewer, in one province."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("commune"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("province"),
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role=Role.PROVINCE_VIEWER, province__isnull=False, commune__isnull=True)
                    | (
                        ~Q(role=Role.PROVINCE_VIEWER)
                        & Q(commune__isnull=False, province__isnull=True)
                    )
                ),
                violation_error_message=_(
                    "A province viewer belongs to a province; every other role to a commune."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "commune"],
                name="membership_unique_commune_role",
                violation_error_message=_("This person already has this role in this commune."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"],
                name="membership_unique_province_role",
                violation_error_message=_("This person already has this role in this province."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.commune or self.province}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Invitation(models.Model):
    """A commune administrator's offer of a role to an account that already exists.

    An account may belong to another commune, whose data it can see: nobody is pulled
    into a commune without saying yes. The role is granted only when the invited person
    accepts (or a system administrator grants it from the command line).
    """

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("commune")
    )
    # What the administrator typed. `user` is the account it named, if one existed: an
    # invitation is written either way, so the administrator's screens look the same
    # whether or not the username exists (they tell nothing about other communes).
    username = models.CharField(_("username"), max_length=150)
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("invited"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "username", "role"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} → {self.get_role_display()} · {self.commune}"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.status == InvitationStatus.PENDING and not self.is_open:
            return str(_("Expired"))
        return str(self.get_status_display())
