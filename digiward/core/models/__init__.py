"""Core models: tenancy, people and roles, absences, audit log, jobs, outbox, calendar."""

from digiward.core.models.absence import Absence, AbsenceQuerySet
from digiward.core.models.accounts import (
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    User,
)
from digiward.core.models.audit import AuditAction, AuditEvent
from digiward.core.models.calendar import CalendarOverride
from digiward.core.models.jobs import Job, JobStatus
from digiward.core.models.outbox import OutboxMessage, OutboxStatus
from digiward.core.models.ratelimit import RateCounter
from digiward.core.models.settings import CommuneSettings
from digiward.core.models.tenancy import (
    Commune,
    CommuneKind,
    CommuneOwned,
    CommuneQuerySet,
    Province,
)

__all__ = [
    "Absence",
    "AbsenceQuerySet",
    "AuditAction",
    "AuditEvent",
    "CalendarOverride",
    "Commune",
    "CommuneKind",
    "CommuneOwned",
    "CommuneQuerySet",
    "CommuneSettings",
    "Invitation",
    "InvitationStatus",
    "Job",
    "JobStatus",
    "Membership",
    "OutboxMessage",
    "OutboxStatus",
    "Province",
    "RateCounter",
    "Role",
    "User",
]
