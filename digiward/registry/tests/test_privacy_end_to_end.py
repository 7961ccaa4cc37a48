"""One person known to every part of DigiWard, exported and then anonymised.

Bà Trần Thị Năm lives alone in a poor household. A volunteer helped her at the desk,
her son asked for an officer to come home (the officer certified an authorization and
photographed the papers), and she received a phone from a sponsor, followed up after 7
and 30 days. She asks the ward to delete her data.

Proven here: the export holds every section of every app; the anonymisation erases
every personal field across apps (no trace of her name, phone, citizen ID, address, or
her son's details is left anywhere but the audit log); and the numbers of every report
are the same before and after: registry counts, the journey distribution (all filters),
the home pages, help-session statistics, home-support counts, the sponsor report and the
donation list. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import timedelta
from io import BytesIO

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Sum
from django.utils import timezone
from PIL import Image

from digiward.core.access import access_for
from digiward.core.models import AuditEvent, OutboxMessage
from digiward.core.selectors import calendar_for
from digiward.donations import services as donations
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    FollowUp,
    Handover,
    PhoneUse,
)
from digiward.donations.selectors import entry_counts, sponsor_report
from digiward.donations.tests.factories import handover_weeks_ago, scenario
from digiward.guidance.models import HelpSession
from digiward.guidance.selectors import hours_served
from digiward.guidance.services import SessionInput, help_session_log
from digiward.homecare import services
from digiward.homecare.models import (
    Authority,
    AuthorizationConfirmation,
    HomeSupportRequest,
    HomeVisit,
    LegalForm,
    RequesterRelation,
    RequestStatus,
    TimeWindow,
    VisitOutcome,
    VisitPhoto,
)
from digiward.homecare.selectors import deadlines
from digiward.homecare.tests.factories import (
    CertificationFactory,
    OfficerProfileFactory,
    RequestFactory,
    SettingsFactory,
    WindowFactory,
)
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import Household, PovertyStatus, Relation, Resident, Sex
from digiward.registry.privacy.services import resident_anonymise, resident_export
from digiward.registry.selectors import (
    AGE_BANDS,
    JourneyFilters,
    journey_distribution,
    registry_counts,
)
from digiward.registry.services import milestone_record
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory
from digiward.reports.selectors import home_summary

pytestmark = pytest.mark.django_db

NAME = "Trần Thị Năm"
PHONE = "0987654321"
CITIZEN_ID = "092148001234"
SON = "Trần Văn Sáu"
SON_PHONE = "0977111222"
SON_EMAIL = "sau.tran@example.vn"
SON_ID = "092080004321"
# Free text typed about her, everywhere: none of it may survive.
TRACES = (
    NAME,
    "tran thi nam",
    PHONE,
    CITIZEN_ID,
    SON,
    SON_PHONE,
    SON_EMAIL,
    SON_ID,
    "45 Mậu Thân",
    "bị liệt hai chân",
    "Sáng thứ Bảy",
    "Gọi trước khi đến",
    "Bà hỏi về lương hưu",
    "HS-2026-778",
    "Nhận trợ cấp thay bà",
    "Con trai ký thay",
    "Bà dùng máy tốt",
    "Cháu nội cầm máy",
    "máy cũ đã hỏng",
)


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def world(commune, admin, officer, volunteer, private_storage, django_capture_on_commit_callbacks):
    """Bà Năm and her neighbours, in every app, built through the apps' own services."""
    today = timezone.localdate()
    officer_access = access_for(officer, commune)
    volunteer_access = access_for(volunteer, commune)
    # ---- Registry -----------------------------------------------------------------------
    home = HouseholdFactory(
        commune=commune,
        code="NK100",
        street="Mậu Thân",
        house_number="45",
        poverty_status=PovertyStatus.POOR,
        poverty_year=2025,
        latitude="10.030000",
        longitude="105.770000",
    )
    nam = ResidentFactory(
        commune=commune,
        household=home,
        full_name=NAME,
        birth_year=1948,
        sex=Sex.FEMALE,
        phone=PHONE,
        relation_to_head=Relation.HEAD,
        lives_alone=True,
        limited_mobility=True,
        notes="Bà hỏi về lương hưu",
        citizen_id=CITIZEN_ID,
    )
    home.head = nam
    home.save()
    neighbours = [
        ResidentFactory(commune=commune, birth_year=1950 + 10 * n, lives_alone=n == 0)
        for n in range(4)
    ]
    milestone_record(
        acting_user=officer,
        resident=neighbours[1],
        kind=MilestoneKind.HAS_SMARTPHONE,
        achieved_on=today - timedelta(days=5),
        source=MilestoneSource.OFFICER,
    )
    # ---- Guidance: two sessions for her, one for a neighbour, one walk-in ----------------
    for days, notes in ((10, "Bà hỏi về lương hưu"), (4, "")):
        help_session_log(
            access=volunteer_access,
            data=SessionInput(
                outcome="done",
                minutes=20,
                helped_on=today - timedelta(days=days),
                resident_id=nam.pk,
                topic="Cài VNeID",
                dossier_code="HS-2026-778",
                milestones=["has_smartphone"] if days == 10 else ["has_sim"],
                notes=notes,
            ),
        )
    help_session_log(
        access=volunteer_access,
        data=SessionInput(
            outcome="partly",
            minutes=15,
            helped_on=today,
            resident_id=neighbours[2].pk,
            topic="Đổi số điện thoại",
            notes="Hẹn tuần sau",
        ),
    )
    help_session_log(
        access=volunteer_access,
        data=SessionInput(
            outcome="done",
            minutes=10,
            helped_on=today,
            visitor_name="Khách vãng lai",
            age_band="40-59",
            sex="male",
            topic="Hỏi đường",
        ),
    )
    # ---- Home support: her request, visited and completed -----------------------------------
    SettingsFactory(commune=commune)
    OfficerProfileFactory(commune=commune, user=officer, authorities=[Authority.CERTIFY])
    certification = CertificationFactory()
    request = RequestFactory(
        commune=commune,
        resident=nam,
        person_name=NAME,
        person_phone=PHONE,
        person_birth_year=1948,
        requester_name=SON,
        requester_phone=SON_PHONE,
        requester_email=SON_EMAIL,
        requester_relation=RequesterRelation.RELATIVE,
        address="45 Mậu Thân",
        reason_detail="Bà bị liệt hai chân",
        preferred_times="Sáng thứ Bảy",
        notes="Gọi trước khi đến",
        procedure=certification,
    )
    WindowFactory(request=request)  # every day, 8:00–11:00
    RequestFactory(commune=commune, status=RequestStatus.RECEIVED)  # someone else's, open
    day = calendar_for(commune).next_working_day(today + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        visit = services.visit_book(
            access=officer_access, request=request, officer=officer, day=day
        )
        visit = services.visit_arrive(access=officer_access, visit=visit)
        services.authorization_record(
            access=officer_access,
            visit=visit,
            data=services.AuthorizationData(
                principal_name=NAME,
                principal_citizen_id=CITIZEN_ID,
                agent_name=SON,
                agent_citizen_id=SON_ID,
                agent_relation="Con trai",
                scope="Nhận trợ cấp thay bà",
                legal_form=LegalForm.CONTRACT,
                fingerprinted=True,
            ),
        )
        services.photo_add(
            access=officer_access,
            visit=visit,
            upload=SimpleUploadedFile("hop-dong.jpg", png(), content_type="image/jpeg"),
            caption="Hợp đồng ủy quyền",
        )
        services.visit_record(
            access=officer_access,
            visit=visit,
            record=services.VisitRecord(
                outcome=VisitOutcome.COMPLETED_ON_SITE,
                person_confirmed=True,
                confirmed_by_name=SON,
                milestone=MilestoneKind.FIRST_ONLINE_SERVICE,
                notes="Con trai ký thay",
                complete_now=True,
            ),
        )
    # ---- Donations: a phone, handed over 45 days ago, both follow-ups done ------------------
    s = scenario(commune, officer, households=2, phones=2, sims=0)
    # She has a smartphone already (the desk recorded it), so the ranking left her out;
    # the ward decided to add her (an amendment, with the reason typed about her).
    donations.list_change(
        access=s.access,
        campaign=s.campaign,
        household=home,
        action="add",
        reason="Bà Năm sống một mình, máy cũ đã hỏng",
        reference="Biên bản họp số 3",
    )
    allocated = donations.allocation_create(
        access=s.access, campaign=s.campaign, household=home, recipient=nam, items=s.phones[:1]
    )
    handover = donations.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=allocated,
        details=handover_weeks_ago(
            consent_to_share=True, confirmed_by="Cháu nội cầm máy", note="Con trai ký thay"
        ),
    )
    other = donations.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=s.phones[1:],
    )
    donations.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=other,
        details=handover_weeks_ago(consent_to_share=True),
    )
    for follow_up in FollowUp.objects.filter(handover__campaign=s.campaign):
        donations.follow_up_record(
            access=s.access,
            follow_up=follow_up,
            reached=True,
            phone_use=PhoneUse.IN_USE,
            milestones=[],
            done_on=today,
            note="Bà dùng máy tốt" if follow_up.handover_id == handover.pk else "",
        )
    nam.refresh_from_db()
    return {
        "nam": nam,
        "home": home,
        "request": request,
        "visit": visit,
        "handover": handover,
        "campaign": s.campaign,
        "accesses": [access_for(u, commune) for u in (admin, officer, volunteer)],
    }


def numbers(commune, world) -> dict[str, object]:
    """Every number a report shows, as plain data."""
    today = timezone.localdate()
    filters = [JourneyFilters()]
    filters += [JourneyFilters(age_band=band) for band in AGE_BANDS]
    filters += [
        JourneyFilters(vulnerability=v)
        for v in ("lives_alone", "chronic_illness", "disability", "limited_mobility")
    ]
    filters += [JourneyFilters(poverty_status=p) for p in PovertyStatus.values]
    sessions = HelpSession.objects.filter(commune=commune)
    requests = HomeSupportRequest.objects.filter(commune=commune)
    report = dataclasses.asdict(sponsor_report(world["campaign"]))
    report.pop("campaign")
    stories = report.pop("stories")
    due = deadlines(commune, today)
    return {
        "registry": dataclasses.asdict(registry_counts(commune)),
        "journey": [journey_distribution(commune, f) for f in filters],
        "home": [dataclasses.asdict(home_summary(a)) for a in world["accesses"]],
        "sessions": {
            "total": sessions.count(),
            "residents": sessions.exclude(resident=None).values("resident").distinct().count(),
            "by_outcome": dict(Counter(sessions.values_list("outcome", flat=True))),
            "by_channel": dict(Counter(sessions.values_list("channel", flat=True))),
            "by_day": dict(sessions.values_list("helped_on").annotate(n=Count("pk"))),
            "minutes": sessions.aggregate(m=Sum("minutes"))["m"],
            "by_procedure": dict(
                sessions.values_list("procedure_id").annotate(n=Count("pk")).order_by()
            ),
            "unlinked": sessions.filter(resident__isnull=True).exclude(visitor_name="").count(),
            "served": [(s.member.pk, s.done, s.hours) for s in hours_served(commune)],
        },
        "homecare": {
            "by_status": dict(Counter(requests.values_list("status", flat=True))),
            "by_reason": dict(Counter(requests.values_list("reason", flat=True))),
            "eligible": sum(r.is_eligible for r in requests),
            "visits": dict(
                Counter(HomeVisit.objects.filter(commune=commune).values_list("outcome", flat=True))
            ),
            "certifications": AuthorizationConfirmation.objects.filter(commune=commune).count(),
            "overdue": len(due.overdue),
            "due_soon": len(due.due_soon),
        },
        "sponsor_report": report,
        "story_count_before": len(stories),
        "list": entry_counts(world["campaign"]),
    }


def every_stored_text() -> str:
    """Every row of every table but the audit log, as one string."""
    chunks = []
    for model in apps.get_models():
        if model is AuditEvent or model._meta.app_label in {"sessions", "admin"}:
            continue
        for row in model._default_manager.all().values():
            chunks.append(json.dumps(row, default=str, ensure_ascii=False))
    return "\n".join(chunks)


def test_the_export_holds_every_app(commune, admin, world):
    data = resident_export(access=access_for(admin, commune), resident=world["nam"])
    sections = data["sections"]
    assert len(sections["guidance.help_sessions"]["records"]) == 2
    session = sections["guidance.help_sessions"]["records"][0]
    assert session["notes"] == "Bà hỏi về lương hưu" and session["dossier_code"] == "HS-2026-778"
    assert session["milestones"] == ["has_smartphone"] and session["helper"] == "Lê Minh Thư"
    (request,) = sections["homecare.requests"]["records"]
    assert request["person_name"] == NAME and request["address"] == "45 Mậu Thân"
    assert request["requester_name"] == SON
    assert request["requester_phone"] == "•••••••222"  # her son's number is his
    assert request["requester_email"] == "s•••@example.vn"
    assert request["status"] == "completed" and request["time_windows"]
    (visit,) = sections["homecare.visits"]["records"]
    assert visit["outcome"] == "completed" and visit["confirmed_by_name"] == SON
    (authorization,) = sections["homecare.authorizations"]["records"]
    assert authorization["principal_citizen_id"] == CITIZEN_ID  # hers, for an admin
    assert authorization["agent_citizen_id"] == "•••••••••321"  # his, always masked
    (photo,) = sections["homecare.photos"]["records"]
    assert photo["caption"] == "Hợp đồng ủy quyền"
    assert photo["image"].startswith("data:image/jpeg;base64,")
    (handover,) = sections["donations.handovers"]["records"]
    assert handover["confirmed_by"] == "Cháu nội cầm máy" and handover["consent_to_share"]
    assert handover["follow_up_7_status"] == "done" and handover["follow_up_30_note"] == (
        "Bà dùng máy tốt"
    )
    (allocation,) = sections["donations.allocations"]["records"]
    assert allocation["status"] == "handed_over"
    entry, change = sections["donations.household_lists"]["records"]
    assert entry["campaign"] == world["campaign"].name and entry["status"] == "added"
    assert "Hộ nghèo" in entry["reasons"] or "Poor" in entry["reasons"]
    assert change["action"] == "add" and change["reason"] == "Bà Năm sống một mình, máy cũ đã hỏng"


def test_anonymising_erases_her_everywhere_and_every_report_keeps_its_numbers(
    commune, admin, world, django_capture_on_commit_callbacks
):
    nam = world["nam"]
    before = numbers(commune, world)
    assert before["story_count_before"] == 2
    assert before["registry"]["elderly_alone"] == 2 and before["sessions"]["total"] == 4
    assert before["homecare"]["by_status"]["completed"] == 1
    assert before["sponsor_report"]["recipients"] == 2
    photo = VisitPhoto.objects.get(visit=world["visit"])
    photo_file = photo.file.name
    assert default_storage.exists(photo_file)
    stored = every_stored_text()
    for trace in TRACES:  # citizen IDs are stored encrypted: only their masks show
        assert trace in stored or trace in (CITIZEN_ID, SON_ID), trace
    assert "•••••••••234" in stored and "•••••••••321" in stored

    with django_capture_on_commit_callbacks(execute=True):
        result = resident_anonymise(
            access=access_for(admin, commune),
            resident=nam,
            reason="Đơn đề nghị xóa dữ liệu của bà Năm, nhận ngày 02/12/2026",
        )

    after = numbers(commune, world)
    after_stories = [s.name for s in sponsor_report(world["campaign"]).stories]
    assert before.pop("story_count_before") == 2
    after.pop("story_count_before")
    assert after == before  # every report, every number
    assert len(after_stories) == 1 and result.label not in after_stories  # her story left

    # Nothing about her is left outside the audit log, nor her son's details.
    stored = every_stored_text()
    for trace in (*TRACES, "•••••••••234", "•••••••••321"):
        assert trace not in stored, trace
    # Field by field, per app.
    nam.refresh_from_db()
    assert nam.full_name == result.label and nam.birth_year == 1948 and nam.is_anonymised
    sessions = HelpSession.objects.filter(resident=nam)
    assert sessions.count() == 2
    assert set(sessions.values_list("notes", "topic", "dossier_code")) == {("", "", "")}
    assert set(sessions.values_list("outcome", "minutes")) == {("done", 20)}
    other_session = HelpSession.objects.exclude(resident=nam).exclude(resident=None).get()
    assert other_session.notes == "Hẹn tuần sau"  # someone else's stays
    request = HomeSupportRequest.objects.get(pk=world["request"].pk)
    assert request.person_name == result.label and request.status == RequestStatus.COMPLETED
    assert (request.person_phone, request.requester_phone, request.requester_email) == ("", "", "")
    assert (request.address, request.latitude, request.reason_detail, request.notes) == (
        "",
        None,
        "",
        "",
    )
    assert request.personal_data_erased_at is not None and request.person_birth_year == 1948
    assert request.eligibility_override is True and request.eligibility_override_reason == "—"
    assert not TimeWindow.objects.filter(request=request).exists()
    visit = HomeVisit.objects.get(pk=world["visit"].pk)
    assert (visit.confirmed_by_name, visit.notes, visit.outcome) == ("", "", "completed")
    authorization = AuthorizationConfirmation.objects.get(visit=visit)
    assert authorization.principal_name == result.label
    assert (authorization.principal_id_encrypted, authorization.agent_id_encrypted) == ("", "")
    assert (authorization.agent_name, authorization.scope) == ("", "")
    assert authorization.certification_number == 1 and authorization.fingerprinted
    assert not VisitPhoto.objects.filter(visit=visit).exists()
    assert not default_storage.exists(photo_file)
    messages = OutboxMessage.objects.filter(dedupe_key__startswith=f"homecare:{request.pk}:")
    assert messages.exists() and set(messages.values_list("recipient", "body")) == {("", "")}
    handover = Handover.objects.get(pk=world["handover"].pk)
    assert (handover.confirmed_by, handover.note, handover.consent_to_share) == ("", "", False)
    assert handover.recipient_id == nam.pk and handover.confirmed
    assert set(FollowUp.objects.filter(handover=handover).values_list("note", flat=True)) == {""}
    assert Allocation.objects.get(handover=handover).status == AllocationStatus.HANDED_OVER
    home = Household.objects.get(pk=world["home"].pk)
    assert home.street == "" and home.poverty_status == PovertyStatus.POOR
    # One audit row says what happened; earlier rows are kept as the legal record.
    (event,) = AuditEvent.objects.filter(action="delete", object_id=str(nam.pk))
    assert {"guidance.help_sessions", "homecare.requests", "donations.handovers"} <= set(
        event.changes
    )
    assert AuditEvent.objects.filter(object_repr__contains=NAME).exists()


def test_an_open_request_or_an_item_set_aside_stops_the_anonymisation(commune, admin, world):
    from digiward.core.errors import DomainError

    nam = world["nam"]
    RequestFactory(commune=commune, resident=nam, status=RequestStatus.ACCEPTED)
    with pytest.raises(DomainError, match=r"still open|vẫn đang mở"):
        resident_anonymise(access=access_for(admin, commune), resident=nam, reason="Đơn")
    nam.refresh_from_db()
    assert nam.full_name == NAME and not nam.is_anonymised
    assert Resident.objects.filter(full_name=NAME).exists()
