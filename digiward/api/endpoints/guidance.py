"""The help-session log: read as a cursor-paginated log, written through the desk's service."""

from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import CursorPagination, paginate
from ninja.responses import Status

from digiward.api.auth import access_of, read_token, write_token
from digiward.api.endpoints import PROBLEMS, Id
from digiward.api.schemas import HelpSessionIn, HelpSessionLogged, HelpSessionOut
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction
from digiward.core.permissions import Perm
from digiward.guidance.models import Channel, HelpSession, Outcome
from digiward.guidance.services.desk import SessionInput, help_session_log

router = Router(tags=["help sessions"], auth=read_token)


class SessionFilters(Schema):
    since: date | None = None
    until: date | None = None
    outcome: Outcome | None = None
    channel: Channel | None = None
    resident: Id | None = None


@router.get("/help-sessions", response={200: list[HelpSessionOut], **PROBLEMS})
@paginate(CursorPagination, ordering=("-id",), page_size=100)
def session_log(request: HttpRequest, filters: Query[SessionFilters]) -> QuerySet[HelpSession]:
    """Help sessions of the commune, newest first."""
    access = access_of(request)
    access.require(Perm.LOG_HELP_SESSION)
    sessions = HelpSession.objects.for_access(access)
    if filters.since is not None:
        sessions = sessions.filter(helped_on__gte=filters.since)
    if filters.until is not None:
        sessions = sessions.filter(helped_on__lte=filters.until)
    if filters.outcome is not None:
        sessions = sessions.filter(outcome=filters.outcome)
    if filters.channel is not None:
        sessions = sessions.filter(channel=filters.channel)
    if filters.resident is not None:
        sessions = sessions.filter(resident_id=filters.resident)
    audit_record(
        action=AuditAction.VIEW,
        commune=access.commune,
        object_type="guidance.helpsession",
        object_repr=f"API list {request.GET.urlencode()}"[:200],
    )
    return sessions


@router.post("/help-sessions", auth=write_token, response={201: HelpSessionLogged, **PROBLEMS})
def session_create(request: HttpRequest, payload: HelpSessionIn) -> Status[dict[str, object]]:
    """Log one help session, as the desk's form does (same checks, same milestones)."""
    access = access_of(request)
    session, reached = help_session_log(
        access=access,
        data=SessionInput(
            outcome=payload.outcome,
            minutes=payload.minutes,
            helped_on=payload.helped_on,
            channel=payload.channel,
            resident_id=payload.resident_id,
            visitor_name=payload.visitor_name,
            age_band=payload.age_band or "",
            sex=payload.sex or "",
            procedure_id=payload.procedure_id,
            topic=payload.topic,
            dossier_code=payload.dossier_code,
            milestones=[str(kind) for kind in payload.milestones],
            skills=list(payload.skills),
            alone_next_time=payload.alone_next_time or "",
            notes=payload.notes,
        ),
    )
    return Status(201, {"session": session, "milestones_reached": reached})
