"""What home support holds about a person: exported with others' details masked, erased,
and closed requests erased after the retention period."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from digiward.core.models import AuditEvent
from digiward.core.personal_data import Reveal, retention_apply
from digiward.homecare import services
from digiward.homecare.models import (
    HomeSupportRequest,
    LegalForm,
    RequesterRelation,
    RequestStatus,
    TimeWindow,
    VisitPhoto,
)
from digiward.homecare.privacy import ERASED_NAME, ClosedRequests, Requests
from digiward.homecare.tests.factories import RequestFactory, WindowFactory
from digiward.registry.tests.factories import ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_requester_is_someone_else_whose_contact_details_are_masked(commune):
    person = ResidentFactory(commune=commune)
    RequestFactory(
        commune=commune,
        resident=person,
        requester_name="Lê Văn Con",
        requester_phone="0977111222",
        requester_email="con@example.vn",
        requester_relation=RequesterRelation.RELATIVE,
    )
    RequestFactory(
        commune=commune,
        resident=person,
        requester_phone="0912345678",
        requester_email="ba@example.vn",
        requester_relation=RequesterRelation.SELF,
        status=RequestStatus.COMPLETED,
    )
    relative, own = (r.as_json() for r in Requests().collect(person, reveal=Reveal(True)))
    assert (relative["requester_phone"], relative["requester_email"]) == (
        "•••••••222",
        "c•••@example.vn",
    )
    assert (own["requester_phone"], own["requester_email"]) == ("0912345678", "ba@example.vn")


def test_an_open_request_stops_the_anonymisation(commune):
    person = ResidentFactory(commune=commune)
    RequestFactory(commune=commune, resident=person, status=RequestStatus.COMPLETED)
    assert Requests().blockers(person) == []
    open_one = RequestFactory(commune=commune, resident=person, status=RequestStatus.SCHEDULED)
    (reason,) = Requests().blockers(person)
    assert open_one.tracking_code in reason


def test_a_request_keeps_a_phone_until_its_details_are_erased(commune):
    request = RequestFactory(commune=commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeSupportRequest.objects.filter(pk=request.pk).update(person_phone="", requester_phone="")
    HomeSupportRequest.objects.filter(pk=request.pk).update(
        person_phone="", requester_phone="", personal_data_erased_at=timezone.now()
    )


def _closed(commune, *, days_ago: int, status=RequestStatus.COMPLETED, **fields):
    request = RequestFactory(
        commune=commune,
        status=status,
        person_name=fields.pop("person_name", "Bà Tư"),
        requester_email="con@example.vn",
        notes="Cửa sau, chó dữ",
        reason_detail="Liệt nửa người",
        **fields,
    )
    HomeSupportRequest.objects.filter(pk=request.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days_ago)
    )
    WindowFactory(request=request)
    return request


def test_closed_requests_are_erased_after_the_retention_period(
    commune,
    officer,
    officer_access,
    officer_profile,
    plan_day,
    certification,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.DIGIWARD_RETENTION_DAYS = {
        **settings.DIGIWARD_RETENTION_DAYS,
        "closed_home_requests": 730,
    }
    visited = RequestFactory(commune=commune, procedure=certification, person_name="Ông Ba")
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(
            access=officer_access, request=visited, officer=officer, day=plan_day
        )
        visit = services.visit_arrive(access=officer_access, visit=visit)
        services.authorization_record(
            access=officer_access,
            visit=visit,
            data=services.AuthorizationData(
                principal_name="Ông Ba",
                agent_name="Lê Văn Con",
                scope="Nhận lương hưu",
                legal_form=LegalForm.LETTER,
                principal_citizen_id="092160001234",
            ),
        )
        photo = services.photo_add(
            access=officer_access,
            visit=visit,
            upload=SimpleUploadedFile("a.jpg", png(), content_type="image/jpeg"),
        )
    HomeSupportRequest.objects.filter(pk=visited.pk).update(
        status=RequestStatus.COMPLETED, status_changed_at=timezone.now() - timedelta(days=800)
    )
    old = _closed(commune, days_ago=731)
    cancelled = _closed(commune, days_ago=1000, status=RequestStatus.CANCELLED)
    recent = _closed(commune, days_ago=700)
    still_open = _closed(commune, days_ago=900, status=RequestStatus.ACCEPTED)

    step = ClosedRequests()
    dry = step.apply(cutoff=timezone.now() - timedelta(days=730), dry_run=True)
    assert dry.by_commune == {commune.pk: 3}
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()
    for request in (old, cancelled, visited):
        request.refresh_from_db()
        assert request.person_name == ERASED_NAME and request.personal_data_erased_at
        assert (request.requester_phone, request.requester_email, request.address) == ("", "", "")
        assert (request.notes, request.reason_detail) == ("", "")
        assert not TimeWindow.objects.filter(request=request).exists()
    assert old.status == RequestStatus.COMPLETED and cancelled.status == RequestStatus.CANCELLED
    authorization = visit.authorization
    authorization.refresh_from_db()
    assert (authorization.principal_name, authorization.agent_name) == (ERASED_NAME, "")
    assert authorization.principal_id_encrypted == "" and authorization.certification_number == 1
    assert not VisitPhoto.objects.filter(pk=photo.pk).exists()
    assert not default_storage.exists(photo.file.name)
    for request in (recent, still_open):
        request.refresh_from_db()
        assert request.personal_data_erased_at is None and request.notes == "Cửa sau, chó dữ"
    (event,) = AuditEvent.objects.filter(object_repr="retention: homecare.closed_requests")
    assert event.changes == {"homecare.closed_requests": [None, 3]}
    retention_apply()  # idempotent
    assert AuditEvent.objects.filter(object_repr="retention: homecare.closed_requests").count() == 1
