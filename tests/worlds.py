"""Small worlds for the guard-rail tests: one object of each kind a staff URL points at.

Built the way the apps' own tests build them (factories and services), in "our" commune
of the personas (conftest.py). Each builder returns a dict of the ids the URLs take, so
a table can say `("homecare:visit_detail", ["visit"])`.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from digiward.core.access import Access, access_for
from digiward.core.models import Commune, Invitation, Job, JobStatus, Membership, Role, User
from digiward.core.selectors import calendar_for
from digiward.core.tests.factories import UserFactory


def jpeg(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def staff_access(user: User, commune: Commune) -> Access:
    access = access_for(user, commune)
    assert access is not None
    return access


# --- core ------------------------------------------------------------------------------
def core_world(commune: Commune, admin: User, officer: User) -> dict[str, Any]:
    """A member with a role, a pending invitation, a finished job with a file."""
    invitation = Invitation.objects.create(
        commune=commune,
        username="nguoi-duoc-moi",
        role=Role.VOLUNTEER,
        invited_by=admin,
        expires_at=timezone.now() + timedelta(days=7),
    )
    job = Job.objects.create(
        commune=commune,
        kind="registry.export",
        title="Xuất danh sách",
        created_by=admin,
        perm="view_jobs",
        status=JobStatus.FAILED,  # so "run again" has something to do
    )
    job.result_file.save("danh-sach.xlsx", ContentFile(b"PK\x03\x04 not really"), save=False)
    job.result_filename = "danh-sach.xlsx"
    job.save()
    return {
        "member": officer.pk,
        "membership": Membership.objects.get(user=officer, commune=commune).pk,
        "invitation": invitation.pk,
        "job": job.pk,
    }


# --- registry --------------------------------------------------------------------------
def registry_world(commune: Commune, officer: User) -> dict[str, Any]:
    from digiward.registry.journey import MilestoneKind, MilestoneSource
    from digiward.registry.services import milestone_record
    from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

    area = AreaFactory(commune=commune)
    household = HouseholdFactory(commune=commune, area=area, code="NK001")
    resident = ResidentFactory(
        commune=commune,
        household=household,
        full_name="Nguyễn Văn Đức",
        citizen_id="092060001234",
        birth_year=1960,
    )
    household.head = resident
    household.save()
    milestone = milestone_record(
        acting_user=officer,
        resident=resident,
        kind=MilestoneKind.HAS_SMARTPHONE,
        achieved_on=timezone.localdate(),
        source=MilestoneSource.OFFICER,
    )
    preview = Job.objects.create(
        commune=commune,
        kind="registry.import_preview",
        title="Kiểm tra ds.xlsx",
        created_by=officer,
        perm="import_registry",
        status=JobStatus.SUCCEEDED,
        params={"path": "imports/none.xlsx", "name": "ds.xlsx"},
        result={"written": False},
    )
    return {
        "area": area.pk,
        "household": household.pk,
        "resident": resident.pk,
        "milestone": milestone.pk if milestone is not None else 0,
        "preview": preview.pk,
    }


# --- procedures ------------------------------------------------------------------------
def procedures_world(commune: Commune, admin: User) -> dict[str, Any]:
    """A procedure of this commune's own (another commune must not see it), its guide with
    three steps and a picture on the second."""
    from digiward.procedures import services
    from digiward.procedures.models import Guide, GuideImage, Procedure

    procedure = Procedure.objects.create(
        commune=commune,
        slug="xac-nhan-rieng",
        name="Xác nhận riêng của phường",
        field="other",
        online_level="in_person",
        home_support_possible=True,
        is_published=True,
        # As procedure_save stores a commune's own entry: one source for what it typed.
        facts=[{"field": "*", "text": "Do phường nhập.", "source": "Quyết định của UBND phường"}],
    )
    guide = Guide.objects.create(procedure=procedure, slug=f"{commune.code}-xac-nhan-rieng")
    access = staff_access(admin, commune)
    services.guide_edit(
        access=access,
        guide=guide,
        content={
            "title": "Xin giấy xác nhận",
            "steps": [{"text": "Mở **VNeID**."}, {"text": "Chạm **Thủ tục**."}, {"text": "Gửi."}],
        },
        change_note="Viết lần đầu",
    )
    guide.refresh_from_db()
    services.guide_picture_set(access=access, guide=guide, step=2, upload=jpeg(), alt="Nút")
    picture = GuideImage.objects.get(guide=guide)
    return {"procedure": procedure.pk, "guide": guide.slug, "picture": picture.pk}


# --- home support ----------------------------------------------------------------------
def homecare_world(commune: Commune, admin: User, officer: User, volunteer: User) -> dict[str, Any]:
    """A request booked on the next working day (arrived, with an authorization and a
    photo); the volunteer goes along with the officer; a leave; a procedure profile."""
    from digiward.homecare import services
    from digiward.homecare.models import Authority, LegalForm
    from digiward.homecare.tests.factories import (
        CertificationFactory,
        LeaveFactory,
        OfficerProfileFactory,
        RequestFactory,
        SettingsFactory,
        WindowFactory,
    )

    SettingsFactory(commune=commune)
    officer_profile = OfficerProfileFactory(
        commune=commune, user=officer, authorities=[Authority.CERTIFY], volunteer=volunteer
    )
    admin_profile = OfficerProfileFactory(commune=commune, user=admin, authorities=[])
    certification = CertificationFactory()
    plan_day = calendar_for(commune).next_working_day(timezone.localdate() + timedelta(days=1))
    access = staff_access(officer, commune)
    home_request = RequestFactory(commune=commune, procedure=certification)
    WindowFactory(request=home_request, starts_at=time(8), ends_at=time(11))
    visit = services.visit_book(access=access, request=home_request, officer=officer, day=plan_day)
    services.visit_arrive(access=access, visit=visit)
    services.authorization_record(
        access=access,
        visit=visit,
        data=services.AuthorizationData(
            principal_name=home_request.person_name,
            agent_name="Lê Văn Con",
            scope="Nhận lương hưu thay",
            legal_form=LegalForm.CONTRACT,
        ),
    )
    photo = services.photo_add(access=access, visit=visit, upload=jpeg(), caption="Giấy tờ")
    waiting = RequestFactory(commune=commune, procedure=certification)
    WindowFactory(request=waiting, starts_at=time(8), ends_at=time(11))
    leave = LeaveFactory(
        commune=commune,
        officer=admin_profile,
        starts_on=plan_day + timedelta(days=14),
        ends_on=plan_day + timedelta(days=14),
    )
    visit.refresh_from_db()
    return {
        "request": home_request.pk,
        "waiting": waiting.pk,
        "visit": visit.pk,
        "route": visit.officer_id,
        "day": plan_day.isoformat(),
        "profile": officer_profile.pk,
        "leave": leave.pk,
        "photo": photo.pk,
        "hc_procedure": certification.pk,
        "action": "complete",
    }


# --- guidance --------------------------------------------------------------------------
def guidance_world(commune: Commune, volunteer: User) -> dict[str, Any]:
    from digiward.core.models import Absence
    from digiward.guidance.models import (
        Experience,
        HelpSession,
        QueueTicket,
        RosterStatus,
        SwapRequest,
    )
    from digiward.guidance.tests.factories import (
        AssignmentFactory,
        DutyShiftFactory,
        RosterFactory,
        SlotTemplateFactory,
        TeamMemberFactory,
    )

    member = TeamMemberFactory(
        commune=commune, user=volunteer, experience=Experience.EXPERIENCED, max_shifts_per_week=3
    )
    other = TeamMemberFactory(
        commune=commune,
        user=UserFactory(username="khang", full_name="Huỳnh Gia Khang"),
        experience=Experience.EXPERIENCED,
    )
    start = timezone.localdate() + timedelta(days=2)
    day = start + timedelta(days=(2 - start.weekday()) % 7 or 7)  # a Wednesday ahead
    roster = RosterFactory(
        commune=commune, month=date(day.year, day.month, 1), status=RosterStatus.PUBLISHED
    )
    shift = DutyShiftFactory(commune=commune, roster=roster, date=day, kind="morning")
    seat = AssignmentFactory(shift=shift, member=member)
    AssignmentFactory(shift=shift, member=other)
    swap = SwapRequest.objects.create(
        commune=commune, assignment=seat, requester=member, kind="stand_in"
    )
    absence = Absence.objects.create(
        commune=commune,
        user=member.user,
        starts_on=day + timedelta(days=30),
        ends_on=day + timedelta(days=31),
    )
    template = SlotTemplateFactory(commune=commune)
    ticket = QueueTicket.objects.create(
        commune=commune, number=1, issued_on=timezone.localdate(), issued_at=timezone.now()
    )
    session = HelpSession.objects.create(
        commune=commune,
        helped_on=timezone.localdate(),
        helper=volunteer,
        outcome="done",
        minutes=5,
        age_band="60-74",
        topic="VNeID",
        visitor_name="Bác Tư",
    )
    return {
        "shift": shift.pk,
        "seat": seat.pk,
        "swap": swap.pk,
        "absence": absence.pk,
        "team_member": member.pk,
        "template": template.pk,
        "ticket": ticket.pk,
        "session": session.pk,
        "roster": roster.pk,
        "year": day.year,
        "month": day.month,
    }


# --- donations -------------------------------------------------------------------------
def donations_world(commune: Commune, officer: User, sponsor_user: User) -> dict[str, Any]:
    """A locked campaign: one household handed over, one allocated, one waiting; the
    sponsor viewer linked to the sponsor."""
    from digiward.donations import services
    from digiward.donations.tests.factories import handover_weeks_ago, scenario

    s = scenario(commune, officer, households=3, phones=3, sims=1)
    handed = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=s.head(0),
        items=[s.phones[0], s.sims[0]],
    )
    handover = services.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=handed,
        details=handover_weeks_ago(consent_to_share=True),
    )
    (waiting,) = services.allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[1],
        recipient=s.head(1),
        items=[s.phones[1]],
    )
    contact = services.sponsor_contact_link(access=s.access, sponsor=s.sponsor, user=sponsor_user)
    follow_up = handover.follow_ups.first()
    assert follow_up is not None
    return {
        "campaign": s.campaign.pk,
        "handed_household": s.households[0].pk,
        "waiting_household": s.households[1].pk,
        "handover": handover.pk,
        "handed_on": handover.handed_on.isoformat(),
        "allocation": waiting.pk,
        "item": s.phones[0].pk,
        "spare_item": s.phones[2].pk,
        "follow_up": follow_up.pk,
        "sponsor": s.sponsor.pk,
        "contact": contact.pk,
    }


def learning_world(commune: Commune, admin: User) -> dict[str, Any]:
    """The shipped frameworks and lessons, the commune's copy of one, a quiz with an
    attempt, and a certificate."""
    import uuid

    from digiward.learning.models import Framework
    from digiward.learning.seed import frameworks_load, lessons_load, quiz_files
    from digiward.learning.services import (
        ClassDetails,
        Holder,
        attempt_submit,
        certificate_issue,
        class_save,
        framework_copy,
        participant_add,
        quiz_import_gift,
    )
    from digiward.registry.tests.factories import ResidentFactory

    frameworks_load()
    lessons_load()
    access = staff_access(admin, commune)
    shared = Framework.objects.get(code="TT02-2025", commune=None)
    copy = framework_copy(access=access, framework=Framework.objects.get(code="DW-ESSENTIALS"))
    resident = ResidentFactory(commune=commune, full_name="Phạm Văn Mười")
    certificate = certificate_issue(
        access=access,
        holder=Holder(name=resident.full_name, resident=resident),
        framework=copy,
        competences=list(copy.competences.all()[:2]),
        track="citizen",
        basis="Qua bài kiểm tra ngày 01/12",
        base_url="http://testserver",
    )
    quiz = quiz_import_gift(
        access=access,
        text=quiz_files()[0].read_text(encoding="utf-8"),
        title="Kiểm tra",
        pass_mark=70,
    )
    attempt = attempt_submit(
        access=access, quiz=quiz, key=uuid.uuid4(), answers={}, resident=resident
    ).attempt
    learning_class = class_save(
        access=access,
        details=ClassDetails(
            topic="Lớp VNeID",
            held_on=timezone.localdate(),
            place="Nhà văn hóa",
            track="citizen",
            trainer=admin,
            check_quiz=quiz,
        ),
    )
    participant, _created = participant_add(
        access=access, learning_class=learning_class, resident=resident
    )
    return {
        "learning_class": learning_class.pk,
        "participant": participant.pk,
        "lesson": "dang-ky-vneid-muc-1",
        "quiz": quiz.pk,
        "attempt": attempt.pk,
        "resident": resident.pk,
        "member": admin.pk,
        "shared_framework": shared.pk,
        "framework": copy.pk,
        "competence": copy.competences.first().pk,  # type: ignore[union-attr]
        "certificate": certificate.pk,
    }


# --- public ----------------------------------------------------------------------------
def messaging_world(commune: Commune) -> dict[str, Any]:
    """One phone message of the commune whose Zalo attempt was refused (phone not on Zalo)."""
    from digiward.core.models import OutboxMessage
    from digiward.messaging.models import Delivery, PhoneMessage

    message = OutboxMessage.objects.create(
        commune=commune, channel="phone", recipient="+84912345678", subject="Lịch hẹn", body="x"
    )
    PhoneMessage.objects.create(outbox=message, kind="followup", params={}, sms_text="x")
    Delivery.objects.create(
        outbox=message, commune=commune, provider="zns", status="refused", reason="ZNS -118"
    )
    return {"outbox_message": message.pk}


def public_urls(objects: dict[str, Any]) -> dict[str, str]:
    """A real URL for every public page, given `procedures_world` of the public commune
    (test_url_coverage.py fails for a public page missing here)."""
    guide = objects["guide"]
    return {
        "public:home": reverse("public:home"),
        "public:search": reverse("public:search") + "?q=khai+sinh",
        "public:guide": reverse("public:guide", args=[guide]),
        "public:guide_card": reverse("public:guide_card", args=[guide]),
        "public:guide_picture": reverse("public:guide_picture", args=[objects["picture"]]),
        "public:help_at_home": reverse("public:help_at_home"),
        "public:help_done": reverse("public:help_done"),
        "public:status": reverse("public:status"),
        "public:figures": reverse("public:figures"),
        "public:set_language": reverse("public:set_language", args=["en"]),
    }
