"""The visit record: authorization confirmations in the register, photos kept private,
the digital journey moved on."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in, user_with_role
from digiward.homecare import services
from digiward.homecare.models import (
    AuthorizationConfirmation,
    LegalForm,
    VisitOutcome,
    VisitPhoto,
)
from digiward.homecare.tests.factories import OfficerProfileFactory, RequestFactory
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def authorization(**overrides):
    data = {
        "principal_name": "Bà Nguyễn Thị Năm",
        "agent_name": "Lê Văn Con",
        "agent_relation": "Con trai",
        "scope": "Nhận trợ cấp hưu trí xã hội hằng tháng thay bà",
        "legal_form": LegalForm.CONTRACT,
    }
    data.update(overrides)
    return services.AuthorizationData(**data)


# --- Authorization confirmations ---------------------------------------------------------------


def test_authorizations_are_numbered_in_the_commune_register(
    commune, officer, officer_access, visit, plan_day, certification
):
    first = services.authorization_record(
        access=officer_access,
        visit=visit,
        data=authorization(principal_citizen_id="092160001234", fingerprinted=True),
    )
    year = timezone.localdate(visit.arrived_at).year
    assert (first.register_year, first.certification_number) == (year, 1)
    assert first.register_reference == f"1/{year}"
    assert first.principal_id_masked == "•••••••••234"
    assert "092160001234" not in first.principal_id_encrypted
    assert first.certified_by == officer and first.fingerprinted
    other = RequestFactory(commune=commune, procedure=certification)
    second_visit = services.visit_book(
        access=officer_access, request=other, officer=officer, day=plan_day
    )
    second_visit = services.visit_arrive(access=officer_access, visit=second_visit)
    with pytest.raises(DomainError) as clash:
        services.authorization_record(
            access=officer_access, visit=second_visit, data=authorization(certification_number=1)
        )
    assert clash.value.field == "certification_number" and " 2" in clash.value.message
    second = services.authorization_record(
        access=officer_access, visit=second_visit, data=authorization()
    )
    assert second.certification_number == 2
    with pytest.raises(DomainError):  # one confirmation per visit
        services.authorization_record(
            access=officer_access, visit=second_visit, data=authorization()
        )
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="homecare.authorizationconfirmation"
        ).count()
        == 2
    )


def test_the_register_restarts_each_year_and_belongs_to_its_commune(
    commune, other_commune, officer, officer_access, visit, plan_day, certification, other_officer
):
    services.authorization_record(access=officer_access, visit=visit, data=authorization())
    # Another commune's register: its own number 1.
    from digiward.core.access import access_for
    from digiward.homecare.models import Authority
    from digiward.homecare.tests.factories import SettingsFactory

    SettingsFactory(commune=other_commune)
    OfficerProfileFactory(
        commune=other_commune, user=other_officer, authorities=[Authority.CERTIFY]
    )
    there = access_for(other_officer, other_commune)
    request = RequestFactory(commune=other_commune, procedure=certification)
    far = services.visit_book(access=there, request=request, officer=other_officer, day=plan_day)
    far = services.visit_arrive(access=there, visit=far)
    assert (
        services.authorization_record(
            access=there, visit=far, data=authorization()
        ).certification_number
        == 1
    )
    # Next year, here: number 1 again.
    request = RequestFactory(commune=commune, procedure=certification)
    later = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    later = services.visit_arrive(
        access=officer_access, visit=later, at=datetime(2027, 1, 4, 9, 0, tzinfo=VN)
    )
    record = services.authorization_record(access=officer_access, visit=later, data=authorization())
    assert (record.register_year, record.certification_number) == (2027, 1)


def test_only_an_officer_authorised_to_certify_may_record_it(
    commune, admin, admin_profile, admin_access, visit
):
    with pytest.raises(DomainError):
        services.authorization_record(access=admin_access, visit=visit, data=authorization())
    assert not AuthorizationConfirmation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agent_name": "Bà Nguyễn Thị Năm"}, "agent_name"),
        ({"scope": " "}, "scope"),
        ({"legal_form": "verbal"}, "legal_form"),
        ({"principal_citizen_id": "1234"}, "principal_citizen_id"),
    ],
)
def test_a_wrong_authorization_is_explained(officer_access, visit, overrides, field):
    with pytest.raises(DomainError) as refused:
        services.authorization_record(
            access=officer_access, visit=visit, data=authorization(**overrides)
        )
    assert refused.value.field == field and refused.value.message


def test_the_authorization_form_on_the_phone(commune, officer, visit):
    client = client_in(officer, commune)
    url = reverse("homecare:visit_authorization", args=[visit.pk])
    page = client.get(url).content.decode()
    assert 'value="Lê Văn Con"' in page  # the requester is proposed as the agent
    response = client.post(
        url,
        {
            "principal_name": "Bà Nguyễn Thị Năm",
            "agent_name": "Lê Văn Con",
            "scope": "Nhận lương hưu thay",
            "legal_form": LegalForm.LETTER,
            "fingerprinted": "on",
        },
    )
    assert response.status_code == 302
    record = AuthorizationConfirmation.objects.get()
    assert (record.legal_form, record.certification_number) == (LegalForm.LETTER, 1)
    detail = client.get(reverse("homecare:visit_detail", args=[visit.pk])).content.decode()
    assert f'data-authorization="{record.register_reference}"' in detail
    register = client.get(reverse("homecare:authorization_list")).content.decode()
    assert record.register_reference in register and "Nhận lương hưu thay" in register


# --- Photos of signed papers --------------------------------------------------------------------


def png(width=40, height=30):
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_are_private_checked_and_logged(
    commune, other_commune, officer, officer_access, visit, private_storage
):
    upload = SimpleUploadedFile("IMG_0001.jpg", png(), content_type="image/jpeg")
    photo = services.photo_add(
        access=officer_access, visit=visit, upload=upload, caption="Hợp đồng đã ký"
    )
    assert photo.content_type == "image/jpeg"  # re-encoded (test_photo_safety.py), not as sent
    name = photo.file.name
    assert name.startswith(f"homecare/photos/{commune.pk}/") and name.endswith(".jpg")
    assert "IMG_0001" not in name  # nothing guessable
    stored = Path(default_storage.path(name))
    assert stored.is_relative_to(private_storage) and stored.exists()
    assert not stored.is_relative_to(Path(django_settings.STATIC_ROOT))
    for where in (f"/{name}", f"{django_settings.MEDIA_URL}{name}", f"/media/{name}"):
        assert client_in(officer, commune).get(where).status_code == 404  # no public URL
    url = reverse("homecare:photo_view", args=[photo.pk])
    assert_view_access(
        url=url,
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER},
    )
    before = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="homecare.visitphoto"
    ).count()
    response = client_in(officer, commune).get(url)
    assert response.status_code == 200
    with Image.open(BytesIO(b"".join(response.streaming_content))) as served:
        assert served.format == "JPEG" and served.size == (40, 30)
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/jpeg"
    after = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="homecare.visitphoto")
    assert after.count() == before + 1
    assert after.first().actor == officer


def test_a_file_that_is_not_a_photo_is_refused(officer_access, visit):
    fake = SimpleUploadedFile("contract.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(DomainError) as refused:
        services.photo_add(access=officer_access, visit=visit, upload=fake)
    assert refused.value.field == "photo"
    assert not VisitPhoto.objects.exists()


def test_uploading_from_the_phone_page(commune, officer, visit):
    client = client_in(officer, commune)
    response = client.post(
        reverse("homecare:visit_photo_add", args=[visit.pk]),
        {
            "photo": SimpleUploadedFile("a.png", png(), content_type="image/png"),
            "caption": "Biên bản",
        },
    )
    assert response.status_code == 302
    photo = VisitPhoto.objects.get()
    page = client.get(reverse("homecare:visit_detail", args=[visit.pk])).content.decode()
    assert (
        f'data-photo="{photo.pk}"' in page
        and reverse("homecare:photo_view", args=[photo.pk]) in page
    )


def test_a_volunteer_of_the_commune_cannot_open_a_photo(commune, officer_access, visit):
    photo = services.photo_add(
        access=officer_access,
        visit=visit,
        upload=SimpleUploadedFile("a.png", png(), content_type="image/png"),
    )
    volunteer = user_with_role(Role.VOLUNTEER, commune)
    response = client_in(volunteer, commune).get(reverse("homecare:photo_view", args=[photo.pk]))
    assert response.status_code == 403


# --- The digital journey ------------------------------------------------------------------------


def test_a_milestone_reached_at_the_visit_moves_the_journey(
    commune, officer, officer_profile, officer_access, plan_day
):
    resident = ResidentFactory(commune=commune, birth_year=1948)
    request = RequestFactory(commune=commune, resident=resident)
    booked = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    now = timezone.now()
    services.visit_record(
        access=officer_access,
        visit=booked,
        record=services.VisitRecord(
            outcome=VisitOutcome.COMPLETED_ON_SITE,
            arrived_at=now,
            left_at=now,
            person_confirmed=True,
            confirmed_by_name="Ông Bảy",
            milestone=MilestoneKind.VNEID_LEVEL1,
        ),
    )
    milestone = Milestone.objects.get(resident=resident)
    assert (milestone.kind, milestone.source) == (
        MilestoneKind.VNEID_LEVEL1,
        MilestoneSource.HOME_VISIT,
    )
    assert milestone.source_ref == f"homecare.visit:{booked.pk}"
    resident.refresh_from_db()
    assert resident.journey_rung > 0


def test_a_milestone_needs_a_person_in_the_registry(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    booked = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    with pytest.raises(DomainError) as refused:
        services.visit_record(
            access=officer_access,
            visit=booked,
            record=services.VisitRecord(
                outcome=VisitOutcome.COMPLETED_ON_SITE,
                arrived_at=timezone.now(),
                person_confirmed=True,
                confirmed_by_name="Ông Bảy",
                milestone=MilestoneKind.VNEID_LEVEL1,
            ),
        )
    assert refused.value.field == "milestone"
    assert not Milestone.objects.exists()


# --- Skills done alone (issue 14) -----------------------------------------------------------------


def test_skills_done_alone_at_home_become_evidence(
    commune, officer, officer_profile, officer_access, plan_day
):
    from digiward.learning.models import Evidence, EvidenceKind, Framework
    from digiward.learning.seed import frameworks_load

    frameworks_load()
    essentials = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    payment = essentials.competences.get(code="TT.2")
    resident = ResidentFactory(commune=commune, birth_year=1944)
    request = RequestFactory(commune=commune, resident=resident)
    booked = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    record = services.VisitRecord(
        outcome=VisitOutcome.COMPLETED_ON_SITE,
        arrived_at=timezone.now(),
        person_confirmed=True,
        confirmed_by_name="Bà Chín",
        skills=(payment.pk, 987654),
    )
    with pytest.raises(DomainError) as refused:
        services.visit_record(access=officer_access, visit=booked, record=record)
    assert refused.value.field == "skills"
    booked.refresh_from_db()
    assert booked.status == "planned" and not Evidence.objects.exists()
    services.visit_record(
        access=officer_access,
        visit=booked,
        record=services.VisitRecord(**{**record.__dict__, "skills": (payment.pk,)}),
    )
    evidence = Evidence.objects.get(resident=resident)
    assert (evidence.kind, evidence.source_ref) == (
        EvidenceKind.HOME_VISIT,
        f"homecare.visit:{booked.pk}",
    )
    milestone = Milestone.objects.get(resident=resident)
    assert (milestone.kind, milestone.source) == (
        MilestoneKind.FIRST_CASHLESS_PAYMENT,
        MilestoneSource.LEARNING,
    )
    page = client_in(officer, commune).get(reverse("homecare:visit_detail", args=[booked.pk]))
    assert "Kỹ năng tự làm được" in page.content.decode()


def test_skills_need_a_person_in_the_registry(
    commune, officer, officer_profile, officer_access, plan_day
):
    from digiward.learning.models import Competence
    from digiward.learning.seed import frameworks_load

    frameworks_load()
    request = RequestFactory(commune=commune)
    booked = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    with pytest.raises(DomainError) as refused:
        services.visit_record(
            access=officer_access,
            visit=booked,
            record=services.VisitRecord(
                outcome=VisitOutcome.COMPLETED_ON_SITE,
                arrived_at=timezone.now(),
                person_confirmed=True,
                confirmed_by_name="Ông Bảy",
                skills=(Competence.objects.first().pk,),
            ),
        )
    assert refused.value.field == "skills"
