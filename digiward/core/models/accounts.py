"""People who sign in, and the roles they hold in communes and provinces."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
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
