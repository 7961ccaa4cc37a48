"""What home support holds about a person: requests, visits, authorization confirmations,
photos of papers, and the notifications sent about them.

Registered in HomecareConfig.ready() (see `digiward.core.personal_data`).

Erasing a request (on anonymisation, or once a closed request is older than
DIGIWARD_RETENTION_DAYS["closed_home_requests"]): the person's name becomes the neutral
label, the phones, e-mail, the requester's name, the address and map position, the free
text (details, times someone is home, reasons, notes) go, the time windows are deleted,
`personal_data_erased_at` is set. Kept as counted rows: status, source, dates, deadline,
procedures, reason category, urgency, eligibility, the birth year (age statistics).
Visits keep day, officer, times, outcome, documents checked and milestone; the name of
who confirmed and the notes go. Authorization confirmations keep their number in the
certification register, legal form, date, certifier and fee; both parties' names and
citizen IDs, the relation and the scope go (the paper register at the commune is the
legal record). Photos of papers are deleted, files too. Notifications lose recipient and
text; one not sent yet is not sent.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime

from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digiward.core.chunks import chunked
from digiward.core.dates import day_text
from digiward.core.models import AuditAction
from digiward.core.personal_data import (
    ERASED_TEXT,
    Record,
    RetentionCounts,
    RetentionStep,
    Reveal,
    Section,
    entry,
    files_delete_after_commit,
    model_entries,
    outbox_erase,
    record,
    register_retention,
    register_section,
)
from digiward.homecare.models import (
    OPEN_STATUSES,
    VISIT_NEED_FIELDS,
    AuthorizationConfirmation,
    HomeSupportRequest,
    HomeVisit,
    RequesterRelation,
    RequestStatus,
    TimeWindow,
    VisitPhoto,
)
from digiward.registry.models import Resident
from digiward.registry.privacy.sections import citizen_id_entry

CLOSED_STATUSES = (RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED)
# Stored, never translated (the ward's data is in Vietnamese): the name of an erased request.
ERASED_NAME = "Đã xóa thông tin"

REQUEST_FIELDS = (
    "tracking_code",
    "status",
    "source",
    "person_name",
    "person_phone",
    "person_birth_year",
    "requester_name",
    "requester_relation",
)
REQUEST_MORE_FIELDS = (
    *VISIT_NEED_FIELDS,
    "consent_at",
    "received_on",
    "due_on",
    "eligibility",
    "eligibility_override",
    "eligibility_override_reason",
    "decision_reason",
    "completed_at",
    "notes",
    "created_at",
    "personal_data_erased_at",
)
VISIT_FIELDS = (
    "day",
    "officer",
    "status",
    "starts_at",
    "arrived_at",
    "left_at",
    "outcome",
    "documents_checked",
    "person_confirmed",
    "confirmed_by_name",
    "milestone",
    "notes",
    "recorded_by",
    "recorded_at",
)
AUTHORIZATION_FIELDS = (
    "agent_name",
    "agent_relation",
    "scope",
    "legal_form",
    "fingerprinted",
    "register_year",
    "certification_number",
    "certified_on",
    "certified_by",
    "fee_vnd",
)


def _requests_of(subject: Resident) -> QuerySet[HomeSupportRequest]:
    return HomeSupportRequest.objects.filter(resident=subject)


def _masked_phone(phone: str) -> str:
    return "•" * (len(phone) - 3) + phone[-3:] if len(phone) > 3 else phone


def _masked_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


class Requests(Section[Resident]):
    key = "homecare.requests"
    title = gettext_lazy("Requests for help at home")
    order = 40

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        found = []
        for request in (
            _requests_of(subject)
            .select_related("area", "procedure")
            .prefetch_related("extra_procedures", "windows")
            .order_by("received_on", "pk")
        ):
            entries = model_entries(request, REQUEST_FIELDS)
            # Who asked may be someone else (a relative, a neighbour): their contact
            # details are theirs, shown only in part.
            own = request.requester_relation == RequesterRelation.SELF
            phone, email = request.requester_phone, request.requester_email
            label_phone = request._meta.get_field("requester_phone").verbose_name
            label_email = request._meta.get_field("requester_email").verbose_name
            entries.append(
                entry("requester_phone", label_phone, phone if own else _masked_phone(phone))
            )
            entries.append(
                entry(
                    "requester_email",
                    label_email,
                    email if own or not email else _masked_email(email),
                )
            )
            entries += model_entries(request, REQUEST_MORE_FIELDS)
            entries.append(
                entry(
                    "other_procedures",
                    _("other procedures"),
                    [p.display_name for p in request.procedure_list()[1:]],
                )
            )
            entries.append(
                entry(
                    "time_windows",
                    _("when someone is home"),
                    [str(w) for w in request.windows.all()],
                )
            )
            found.append(record(request.tracking_code, entries))
        return found

    def blockers(self, subject: Resident) -> list[str]:
        return [
            _(
                "The request for help at home %(code)s is still open (%(status)s): complete, "
                "reject or cancel it first."
            )
            % {"code": r.tracking_code, "status": r.get_status_display()}
            for r in _requests_of(subject).filter(status__in=OPEN_STATUSES)
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        ids = list(_requests_of(subject).values_list("pk", flat=True))
        return erase_requests(ids, person_name=subject.full_name, now=now)


def _visits_of(subject: Resident) -> QuerySet[HomeVisit]:
    return HomeVisit.objects.filter(request__resident=subject)


class Visits(Section[Resident]):
    key = "homecare.visits"
    title = gettext_lazy("Home visits")
    order = 41

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        visits = _visits_of(subject).select_related("request", "officer", "recorded_by")
        return [
            record(
                f"{day_text(visit.day)} · {visit.request.tracking_code}",
                [
                    entry("request", _("request"), visit.request.tracking_code),
                    *model_entries(visit, VISIT_FIELDS),
                ],
            )
            for visit in visits.order_by("day", "pk")
        ]

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        return {}  # erased with their requests (Requests.anonymise)


def _authorizations_of(subject: Resident) -> QuerySet[AuthorizationConfirmation]:
    return AuthorizationConfirmation.objects.filter(
        Q(principal_resident=subject) | Q(visit__request__resident=subject)
    )


class Authorizations(Section[Resident]):
    key = "homecare.authorizations"
    title = gettext_lazy("Authorizations certified at home")
    order = 42

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        found = []
        for item in _authorizations_of(subject).select_related("certified_by").distinct():
            entries = model_entries(item, ("principal_name",))
            entries.append(
                citizen_id_entry(
                    "principal_citizen_id",
                    _("citizen ID of who authorises"),
                    encrypted=item.principal_id_encrypted,
                    masked=item.principal_id_masked,
                    reveal=reveal,
                )
            )
            entries += model_entries(item, AUTHORIZATION_FIELDS[:1])
            # The agent is another person: their number is shown masked, always.
            entries.append(
                entry(
                    "agent_citizen_id", _("citizen ID of who is authorised"), item.agent_id_masked
                )
            )
            entries += model_entries(item, AUTHORIZATION_FIELDS[1:])
            found.append(record(item.register_reference, entries))
        return found

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        # Also the confirmations where the person authorised on someone else's request.
        erased = _authorizations_of(subject).exclude(visit__request__resident=subject)
        return {"authorizations": _erase_authorizations(erased, principal_name=subject.full_name)}


class Photos(Section[Resident]):
    key = "homecare.photos"
    title = gettext_lazy("Photos of papers from home visits")
    order = 43

    def collect(self, subject: Resident, *, reveal: Reveal) -> list[Record]:
        found = []
        photos = VisitPhoto.objects.filter(visit__request__resident=subject).select_related(
            "visit__request"
        )
        for photo in photos.order_by("uploaded_at", "pk"):
            content = _image_base64(photo.file.name) if reveal.files else ""
            found.append(
                record(
                    photo.caption or photo.visit.request.tracking_code,
                    [
                        entry("request", _("request"), photo.visit.request.tracking_code),
                        *model_entries(photo, ("caption", "uploaded_at")),
                        entry(
                            "image",
                            _("image"),
                            f"data:{photo.content_type};base64,{content}" if content else None,
                            _("%(type)s, %(kb)s KB (the image is in the JSON file)")
                            % {"type": photo.content_type, "kb": max(1, photo.size // 1024)},
                        ),
                    ],
                )
            )
        return found

    def anonymise(self, subject: Resident, *, now: datetime) -> dict[str, int]:
        return {}  # deleted with their requests (Requests.anonymise)


def _image_base64(name: str) -> str:
    try:
        with default_storage.open(name, "rb") as handle:
            return base64.b64encode(handle.read()).decode()
    except OSError:
        return ""


def _erase_authorizations(
    queryset: QuerySet[AuthorizationConfirmation], *, principal_name: str
) -> int:
    return queryset.update(
        principal_name=principal_name,
        principal_id_encrypted="",
        principal_id_masked="",
        agent_name="",
        agent_id_encrypted="",
        agent_id_masked="",
        agent_relation="",
        scope="",
    )


def erase_requests(ids: Sequence[int], *, person_name: str, now: datetime) -> dict[str, int]:
    """Erase the personal fields of these requests and of what hangs on them."""
    counts = {"requests": 0, "visits": 0, "authorizations": 0, "photos": 0, "messages": 0}
    for batch in chunked(ids, 500):
        requests = HomeSupportRequest.objects.filter(pk__in=batch)
        counts["requests"] += requests.update(
            person_name=person_name,
            person_phone="",
            requester_name="",
            requester_phone="",
            requester_email="",
            address="",
            latitude=None,
            longitude=None,
            reason_detail="",
            preferred_times="",
            decision_reason="",
            notes="",
            personal_data_erased_at=now,
            updated_at=now,
        )
        # An officer's decision keeps its value (eligibility counts), its reason goes; the
        # table requires a reason with a decision, so it reads "—".
        requests.filter(eligibility_override__isnull=False).update(
            eligibility_override_reason=ERASED_TEXT
        )
        requests.filter(eligibility_override__isnull=True).update(eligibility_override_reason="")
        TimeWindow.objects.filter(request_id__in=batch).delete()
        counts["visits"] += (
            HomeVisit.objects.filter(request_id__in=batch)
            .exclude(confirmed_by_name="", notes="")
            .update(confirmed_by_name="", notes="")
        )
        counts["authorizations"] += _erase_authorizations(
            AuthorizationConfirmation.objects.filter(visit__request_id__in=batch),
            principal_name=person_name,
        )
        photos = VisitPhoto.objects.filter(visit__request_id__in=batch)
        names = list(photos.values_list("file", flat=True))
        counts["photos"] += photos.delete()[0]
        files_delete_after_commit(names)
        for pk in batch:
            counts["messages"] += outbox_erase(dedupe_prefix=f"homecare:{pk}:")
    return counts


class ClosedRequests(RetentionStep):
    """Closed requests (completed, rejected, cancelled) past the retention period."""

    key = "homecare.closed_requests"
    setting = "closed_home_requests"
    title = gettext_lazy("Closed requests for help at home")
    object_type = "homecare.homesupportrequest"
    action = AuditAction.CHANGE

    def apply(self, *, cutoff: datetime, dry_run: bool) -> RetentionCounts:
        old = HomeSupportRequest.objects.filter(
            Q(status_changed_at__lt=cutoff)
            | Q(status_changed_at__isnull=True, created_at__lt=cutoff),
            status__in=CLOSED_STATUSES,
            personal_data_erased_at__isnull=True,
        )
        counts = RetentionCounts.of(old)
        if not dry_run:
            erase_requests(
                list(old.values_list("pk", flat=True)), person_name=ERASED_NAME, now=timezone.now()
            )
        return counts


def register() -> None:
    for section in (Requests(), Visits(), Authorizations(), Photos()):
        register_section(section)
    register_retention(ClosedRequests())
