"""Reads of core data that more than one screen needs."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from digiward.core.collation import vi_order
from digiward.core.models import (
    AuditAction,
    AuditEvent,
    CalendarOverride,
    Commune,
    CommuneSettings,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    User,
)
from digiward.core.workdays import WorkingCalendar


def calendar_for(commune: Commune | None = None) -> WorkingCalendar:
    """The working-day calendar of a commune: national rules, then its own exceptions."""
    rows = CalendarOverride.objects.filter(
        Q(commune__isnull=True) | Q(commune=commune) if commune else Q(commune__isnull=True)
    ).order_by(F("commune_id").asc(nulls_first=True))  # national rows first: the commune wins
    overrides = {row.date: row.is_working_day for row in rows}
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    return WorkingCalendar(overrides=overrides, language=language)


def members_of(commune: Commune) -> QuerySet[User]:
    """People holding a role in the commune itself (province viewers are listed apart)."""
    return (
        User.objects.filter(memberships__commune=commune)
        .distinct()
        .order_by("-is_active", vi_order("full_name"), "pk")
        .prefetch_related("memberships")
    )


def commune_roles_of(user: User, commune: Commune) -> list[Membership]:
    return list(user.memberships.filter(commune=commune).order_by("role"))


def commune_admin_count(commune: Commune) -> int:
    return Membership.objects.filter(
        commune=commune, role=Role.COMMUNE_ADMIN, user__is_active=True
    ).count()


def commune_audit_events(commune: Commune) -> QuerySet[AuditEvent]:
    """The commune's audit trail, with the sign-ins and sign-outs of its own members.

    Signing in happens before a commune is chosen, so those rows carry no commune.
    """
    members = Membership.objects.filter(commune=commune).values("user_id")
    return AuditEvent.objects.filter(
        Q(commune=commune)
        | Q(
            commune__isnull=True,
            actor__in=members,
            action__in=[AuditAction.LOGIN, AuditAction.LOGOUT],
        )
    ).select_related("actor")


def open_invitations_for(user: User) -> list[Invitation]:
    """Invitations the person can still answer, newest first."""
    return list(
        Invitation.objects.filter(
            user=user, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("commune__province", "invited_by")
        .order_by("-created_at")
    )


def recent_invitations_of(commune: Commune) -> QuerySet[Invitation]:
    """What the commune's administrators sent in the last 60 days, answered or not."""
    return Invitation.objects.filter(
        commune=commune, created_at__gte=timezone.now() - timedelta(days=60)
    ).select_related("invited_by")


def commune_settings_for(commune: Commune) -> CommuneSettings:
    """The commune's settings, or blank ones (unsaved) before the first save."""
    found = CommuneSettings.objects.filter(commune=commune).first()
    return found if found is not None else CommuneSettings(commune=commune)
