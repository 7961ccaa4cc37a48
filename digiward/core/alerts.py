"""Security alerts: something that looks like an attack is written to the audit log and
told to the people who can act on it (the commune administrators).

An alert is raised by the code that notices the pattern (ID-shaped searches beyond a
limit, a volunteer trying to search by citizen ID, many failed sign-ins); it never
blocks anything by itself. Each alert is one audit row with action SECURITY_ALERT; the
administrators get at most one e-mail per kind, person and hour.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.audit import audit_record
from digiward.core.models import AuditAction, AuditEvent, Commune, Role, User
from digiward.core.outbox import notification_queue


def security_alert(
    *,
    kind: str,
    commune: Commune | None,
    about: User | None,
    what: str,
) -> AuditEvent:
    """Record an alert about `about` (the account involved, if any) and tell the admins."""
    event = audit_record(
        action=AuditAction.SECURITY_ALERT,
        commune=commune,
        obj=about,
        object_type="core.user" if about is not None else "security",
        note=f"{kind}: {what}",
    )
    if commune is not None:
        _tell_admins(kind=kind, commune=commune, about=about, what=what)
    return event


def _tell_admins(*, kind: str, commune: Commune, about: User | None, what: str) -> None:
    hour = timezone.localtime().strftime("%Y%m%d%H")
    who = about.get_full_name() if about is not None else _("unknown")
    admins = User.objects.filter(
        is_active=True,
        memberships__commune=commune,
        memberships__role=Role.COMMUNE_ADMIN,
    ).exclude(email="")
    for admin in admins.distinct():
        notification_queue(
            channel="email",
            recipient=admin.email,
            commune=commune,
            subject=_("DigiWard security alert: %(who)s") % {"who": who},
            body=_(
                "%(what)s\n\nAccount: %(who)s\nCommune: %(commune)s\n\n"
                "See the audit log in DigiWard (filter: security alerts). If this was not "
                "expected, deactivate the account and follow the breach-response steps."
            )
            % {"what": what, "who": who, "commune": commune.name},
            dedupe_key=f"alert:{kind}:{commune.pk}:{about.pk if about else '-'}:{hour}:{admin.pk}",
        )
