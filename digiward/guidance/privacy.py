"""What the guidance team holds about a person: the help sessions logged for them.

Registered in GuidanceConfig.ready() (see `digiward.core.personal_data`).

On anonymisation every session stays counted with its date, channel, helper, procedure,
outcome, minutes and milestones; its free text goes: notes, the "other topic", the
portal's dossier code, and a walk-in's name and phone had they been kept. Retention:
notes of sessions older than DIGIWARD_RETENTION_DAYS["help_session_notes"] are emptied.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import AuditAction
from digiward.core.personal_data import (
    Record,
    RetentionCounts,
    RetentionStep,
    Reveal,
    Section,
    entry,
    model_entries,
    record,
    register_retention,
    register_section,
)
from digiward.guidance.models import HelpSession
from digiward.registry.models import Resident

SESSION_FIELDS = (
    "helped_on",
    "channel",
    "helper",
    "procedure",
    "topic",
    "outcome",
    "minutes",
    "dossier_code",
    "alone_next_time",
    "notes",
    "created_at",
)
FREE_TEXT = ("notes", "topic", "dossier_code", "visitor_name", "visitor_phone")


class HelpSessions(Section[Resident]):
    key = "guidance.help_sessions"
    title = _("Help sessions")

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        sessions = HelpSession.objects.filter(resident=subject).select_related(
            "helper", "procedure"
        )
        return [
            record(
                f"{day_text(session.helped_on)} · {session.what}",
                [
                    *model_entries(session, SESSION_FIELDS),
                    entry(
                        "milestones",
                        _("milestones reached"),
                        list(session.milestones),
                        ", ".join(session.milestone_labels) or "—",
                    ),
                ],
            )
            for session in sessions.order_by("helped_on", "pk")
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        sessions = HelpSession.objects.filter(resident=subject)
        with_text = sessions.filter(_any_text()).update(**dict.fromkeys(FREE_TEXT, ""))
        return {"sessions": sessions.count(), "free_text": with_text}


def _any_text() -> Q:
    q = Q()
    for name in FREE_TEXT:
        q |= ~Q(**{name: ""})
    return q


class HelpSessionNotes(RetentionStep):
    """Free-text notes of old help sessions; the sessions themselves stay counted."""

    key = "guidance.help_session_notes"
    setting = "help_session_notes"
    title = _("Notes of help sessions")
    object_type = "guidance.helpsession"
    action = AuditAction.CHANGE

    def apply(self, *, cutoff: datetime, dry_run: bool) -> RetentionCounts:
        old = HelpSession.objects.filter(helped_on__lt=timezone.localdate(cutoff)).exclude(notes="")
        counts = RetentionCounts.of(old)
        if not dry_run:
            old.update(notes="")
        return counts


def register() -> None:
    register_section(HelpSessions())
    register_retention(HelpSessionNotes())
