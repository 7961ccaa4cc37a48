"""One campaign from start to finish, driven through the screens as the ward's officer,
a volunteer and the sponsor's viewer use them: every step posts the real form.

create → pledges → receive phones and a SIM → open → rank (background job) → review the
list (reasons, Excel, remove and add with reasons) → lock → allocate to a chosen member →
hand over with the setup checklist → print the minutes → follow up → close → sponsor report.

The handover is dated 45 days ago (a follow-up cannot be recorded more than two days
before it is due), so the campaign starts 60 days ago and the items arrive 50 days ago.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from digiward.core.models import AuditAction, AuditEvent, Job, JobStatus
from digiward.core.testing import client_in
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    Campaign,
    CampaignStatus,
    EntryStatus,
    FollowUpStatus,
    Handover,
    Item,
    ItemKind,
    ItemStatus,
    ListChange,
    PriorityEntry,
    Sponsor,
    SponsorContact,
)
from digiward.donations.tests.factories import imei, sim
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Household, PovertyStatus, Relation, Resident, Sex
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

PHONE_VALUE = 2_357_000
SIM_VALUE = 50_000


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def household(commune, code: str, *, poverty: str, year: int | None, head: dict) -> Household:
    home = HouseholdFactory(
        commune=commune, code=code, street="Mậu Thân", poverty_status=poverty, poverty_year=year
    )
    home.head = ResidentFactory(
        commune=commune, household=home, relation_to_head=Relation.HEAD, **head
    )
    home.save()
    return home


def messages_of(response, level: str) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


def form_errors(response) -> object:
    """What the form said, for a failing assertion (None when the view redirected)."""
    if response.status_code != 200 or response.context is None:
        return None
    form = response.context.get("form")
    return form.errors if form is not None else messages_of(response, "error")


def advance(client, campaign: Campaign, target: str) -> None:
    """Press "Move to the next stage" on the campaign's page."""
    response = client.post(
        reverse("donations:campaign_status", args=[campaign.pk]), {"status": target}, follow=True
    )
    campaign.refresh_from_db()
    assert campaign.status == target, messages_of(response, "error")
    assert messages_of(response, "success")


def run_job(client, django_capture_on_commit_callbacks, url: str) -> Job:
    """Post a button that starts a background job; the job runs when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert client.get(response["Location"]).status_code == 200  # the job's page
    return job


def pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(io.BytesIO(content))
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", " ", text)


def test_a_campaign_from_creation_to_the_sponsor_report(
    commune, officer, volunteer, sponsor, vietnamese, django_capture_on_commit_callbacks
):
    # ---- The registry already knows the ward's households ---------------------------------
    bay = household(
        commune,
        "HN001",
        poverty=PovertyStatus.POOR,
        year=2025,
        head={"full_name": "Trần Văn Bảy", "birth_year": 1948, "sex": Sex.MALE},
    )
    hoa = ResidentFactory(  # his daughter: she will use the phone, not the head
        commune=commune,
        household=bay,
        full_name="Trần Thị Hoa",
        birth_year=1987,
        sex=Sex.FEMALE,
        relation_to_head=Relation.CHILD,
    )
    nam = household(
        commune,
        "HN002",
        poverty=PovertyStatus.NEAR_POOR,
        year=2025,
        head={"full_name": "Lê Thị Năm", "birth_year": 1975, "sex": Sex.FEMALE},
    )
    tu = household(  # not poor: the ranking leaves it out, the review adds it
        commune,
        "HN003",
        poverty=PovertyStatus.NOT_POOR,
        year=None,
        head={"full_name": "Nguyễn Văn Tư", "birth_year": 1980, "sex": Sex.MALE},
    )
    staff = client_in(officer, commune)

    # ---- 1. The sponsor, and the sign-in that will read its report -------------------------
    response = staff.post(
        reverse("donations:sponsor_create"),
        {
            "name": "Ngân hàng Nông nghiệp Ninh Kiều",
            "kind": "bank",
            "representative": "Võ Minh Khang",
            "representative_title": "Giám đốc chi nhánh",
            "phone": "",
            "email": "",
            "address": "",
        },
    )
    assert response.status_code == 302, form_errors(response)
    bank = Sponsor.objects.get(commune=commune, name="Ngân hàng Nông nghiệp Ninh Kiều")
    response = staff.post(
        reverse("donations:sponsor_contact_add", args=[bank.pk]), {"user": sponsor.pk}
    )
    assert response.status_code == 302
    assert SponsorContact.objects.filter(sponsor=bank, user=sponsor).exists()

    # ---- 2. The campaign, through its form -----------------------------------------------
    response = staff.post(
        reverse("donations:campaign_create"),
        {
            "name": "Điện thoại cho hộ nghèo 2026",
            "description": "Mỗi hộ một điện thoại và một SIM có dữ liệu.",
            "sponsors": [bank.pk],
            "starts_on": days_ago(60).isoformat(),
            "ends_on": "",
            "budget_vnd": 10_000_000,
            "phones_per_household": 1,
            "first_follow_up_days": 7,
            "second_follow_up_days": 30,
            "handover_place": "Hội trường UBND phường Ninh Kiều",
            "ward_representative": "Nguyễn Văn Hùng",
            "ward_representative_title": "Phó Chủ tịch UBND phường",
        },
    )
    assert response.status_code == 302, form_errors(response)
    campaign = Campaign.objects.get(name="Điện thoại cho hộ nghèo 2026")
    assert response["Location"] == reverse("donations:campaign_detail", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT and campaign.commune == commune
    page = staff.get(response["Location"])
    assert page.status_code == 200 and "Ngân hàng Nông nghiệp Ninh Kiều" in page.content.decode()

    # ---- 3. What the sponsor pledged -------------------------------------------------------
    for kind, quantity, value in [("phone", 3, PHONE_VALUE), ("sim", 2, SIM_VALUE)]:
        response = staff.post(
            reverse("donations:pledge_add", args=[campaign.pk]),
            {"sponsor": bank.pk, "kind": kind, "quantity": quantity, "unit_value_vnd": value},
            follow=True,
        )
        assert messages_of(response, "success"), messages_of(response, "error")
    assert campaign.pledges.count() == 2

    # ---- 4. Open the campaign; the guard refuses to lock a list that was never ranked ------
    advance(staff, campaign, CampaignStatus.OPEN)
    response = staff.post(
        reverse("donations:campaign_status", args=[campaign.pk]),
        {"status": CampaignStatus.LIST_LOCKED},
        follow=True,
    )
    refusal = "Hãy xét chọn, xếp thứ tự các hộ trước khi chốt danh sách."
    assert messages_of(response, "error") == [refusal]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN

    # ---- 5. Receive the phones (IMEIs with their Luhn digit) and a SIM ----------------------
    receive = reverse("donations:item_receive", args=[campaign.pk])
    response = staff.post(
        receive,
        {
            "kind": "phone",
            "name": "Samsung Galaxy A06",
            "numbers": f"{imei(801)}\n{imei(802)}\n",
            "value_vnd": PHONE_VALUE,
            "condition": "new",
            "received_on": days_ago(50).isoformat(),
            "sponsor": bank.pk,
        },
    )
    assert response.status_code == 302, form_errors(response)
    response = staff.post(
        receive,
        {
            "kind": "sim",
            "name": "SIM Viettel",
            "numbers": sim(801),
            "value_vnd": SIM_VALUE,
            "condition": "new",
            "received_on": days_ago(50).isoformat(),
            "sponsor": bank.pk,
            "carrier": "Viettel",
            "data_package": "3GB/ngày",
            "free_months": 6,
        },
    )
    assert response.status_code == 302, form_errors(response)
    phone = Item.objects.get(campaign=campaign, imei=imei(801))
    sim_card = Item.objects.get(campaign=campaign, kind=ItemKind.SIM)
    assert sim_card.sim_number == sim(801) and sim_card.carrier == "Viettel"
    items_page = staff.get(reverse("donations:item_list", args=[campaign.pk])).content.decode()
    assert imei(801) in items_page and imei(802) in items_page and sim(801) in items_page

    # ---- 6. Rank the households (a background job) ----------------------------------------
    job = run_job(
        staff,
        django_capture_on_commit_callbacks,
        reverse("donations:ranking_start", args=[campaign.pk]),
    )
    assert job.kind == "donations.rank"
    assert (job.result["eligible"], job.result["considered"]) == (2, 3)
    entries = {
        e.household.code: e
        for e in PriorityEntry.objects.filter(campaign=campaign).select_related("household")
    }
    assert set(entries) == {"HN001", "HN002"}  # HN003 is not poor: not on the list
    assert entries["HN001"].position == 1  # poor comes before near-poor

    # ---- 7. The list shows each household with its reasons in plain Vietnamese -------------
    page = staff.get(reverse("donations:list", args=[campaign.pk])).content.decode()
    assert "Danh sách ưu tiên" in page
    assert "Trần Văn Bảy" in page and "Lê Thị Năm" in page and "Nguyễn Văn Tư" not in page
    assert "Hộ nghèo 2025 · chưa có điện thoại thông minh · có người cao tuổi" in page
    assert "Hộ cận nghèo 2025 · chưa có điện thoại thông minh" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="donations.priorityentry"
    ).exists()

    # ---- 8. The Excel file for the review meeting (a job too), downloaded -------------------
    export = run_job(
        staff,
        django_capture_on_commit_callbacks,
        reverse("donations:list_export", args=[campaign.pk]),
    )
    assert export.result == {"rows": 2}
    download = staff.get(reverse("core:job_download", args=[export.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Danh sách ưu tiên"
    assert campaign.name in rows[1][0]
    assert rows[2][:3] == ("Thứ tự", "Mã hộ", "Chủ hộ")
    assert len(rows[2]) == 11
    position, code, head, *_rest = rows[3]
    assert (position, code, head) == (1, "HN001", "Trần Văn Bảy")
    assert rows[3][6] == "Hộ nghèo 2025 · chưa có điện thoại thông minh · có người cao tuổi"
    assert rows[4][1] == "HN002" and len(rows) == 5
    # Both the file's making and its download leave a trace.
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="donations.campaign", object_id=str(campaign.pk)
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="core.job", object_id=str(export.pk), actor=officer
    ).exists()

    # ---- 9. The review removes one household and adds another, each with a reason ----------
    change = reverse("donations:list_change", args=[campaign.pk])
    assert staff.get(change + "?household=HN002&action=remove").status_code == 200
    response = staff.post(
        change,
        {"household": "hn002", "action": "remove", "reason": "Con trai đã mua điện thoại cho bà."},
    )
    assert response.status_code == 302, form_errors(response)
    response = staff.post(
        change,
        {
            "household": "HN003",
            "action": "add",
            "reason": "Nhà bị cháy tháng 3, Hội nghị xét duyệt đề nghị bổ sung.",
        },
    )
    assert response.status_code == 302, form_errors(response)
    entries = {
        e.household.code: e
        for e in PriorityEntry.objects.filter(campaign=campaign).select_related("household")
    }
    assert entries["HN002"].status == EntryStatus.REMOVED
    assert entries["HN002"].note == "Con trai đã mua điện thoại cho bà."
    assert entries["HN003"].status == EntryStatus.ADDED and entries["HN003"].position is None
    assert ListChange.objects.filter(campaign=campaign, is_amendment=False).count() == 2
    page = staff.get(reverse("donations:list", args=[campaign.pk])).content.decode()
    # Issue 12: a removed household keeps its place by default, marked, with the reason;
    # "on the list" hides it and says so.
    assert "Nguyễn Văn Tư" in page and "Lê Thị Năm" in page and "priority--removed" in page
    listed = staff.get(reverse("donations:list", args=[campaign.pk]) + "?show=listed")
    assert "Lê Thị Năm" not in listed.content.decode()
    assert "Con trai đã mua điện thoại cho bà." in page  # the change, with its reason
    removed = staff.get(reverse("donations:list", args=[campaign.pk]) + "?show=removed")
    assert "Lê Thị Năm" in removed.content.decode()
    list_audits = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="donations.campaign", object_id=str(campaign.pk)
    )
    assert {tuple(a.changes["list"]) for a in list_audits if "list" in a.changes} == {
        (None, "remove HN002"),
        (None, "add HN003"),
    }

    # ---- 10. Lock the list -----------------------------------------------------------------
    advance(staff, campaign, CampaignStatus.LIST_LOCKED)
    assert campaign.locked_by == officer and campaign.locked_at is not None

    # ---- 11. Allocate a phone and the SIM to the daughter, who will use them --------------
    household_url = reverse("donations:campaign_household", args=[campaign.pk, bay.pk])
    page = staff.get(household_url)
    assert page.status_code == 200
    offered = page.context["form"]
    assert hoa in offered.fields["recipient"].queryset
    assert {phone, sim_card} <= set(offered.fields["items"].queryset)
    response = staff.post(household_url, {"recipient": hoa.pk, "items": [phone.pk, sim_card.pk]})
    assert response.status_code == 302, form_errors(response)
    allocations = list(Allocation.objects.filter(campaign=campaign, household=bay))
    assert {a.item for a in allocations} == {phone, sim_card}
    assert {a.recipient for a in allocations} == {hoa}
    assert {a.status for a in allocations} == {AllocationStatus.ALLOCATED}
    allocation_audits = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="donations.allocation", actor=officer
    )
    assert allocation_audits.count() == 2
    # The household page was read as personal data, and says so in the log.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="registry.household", object_id=str(bay.pk)
    ).exists()

    # ---- 12. Start the handover stage ------------------------------------------------------
    advance(staff, campaign, CampaignStatus.HANDING_OVER)

    # ---- 13. Hand over, 45 days ago, with the setup checklist -----------------------------
    handed_on = days_ago(45)
    handover_url = reverse("donations:handover_create", args=[campaign.pk, bay.pk])
    form = staff.get(handover_url).context["form"]
    assert set(form.fields["allocations"].queryset) == set(allocations)
    response = staff.post(
        handover_url,
        {
            "allocations": [a.pk for a in allocations],
            "handed_on": handed_on.isoformat(),
            "place": "",
            "vneid_installed": "on",
            "vneid_level1": "on",
            "large_font": "on",
            "relative_number_saved": "on",
            "scam_warning": "on",
            "sim_in_own_name": "on",
            "confirmed": "on",
            "confirmed_by": "",
            "consent_to_share": "on",
            "note": "Chị Hoa dùng máy để gọi video cho cha.",
        },
    )
    assert response.status_code == 302, form_errors(response)
    handover = Handover.objects.get(campaign=campaign)
    assert response["Location"] == reverse("donations:handover_detail", args=[handover.pk])
    assert handover.recipient == hoa and handover.household == bay
    assert handover.handed_on == handed_on and handover.number == 1
    assert handover.place == "Hội trường UBND phường Ninh Kiều"  # the campaign's place
    checklist = ("vneid_installed", "vneid_level1", "large_font", "relative_number_saved")
    checklist += ("scam_warning", "sim_in_own_name")
    assert all(getattr(handover, name) for name in checklist)
    phone.refresh_from_db()
    assert phone.status == ItemStatus.HANDED_OVER
    # The handover proves steps of her digital journey.
    assert set(hoa.milestones.values_list("kind", flat=True)) >= {
        MilestoneKind.HAS_SMARTPHONE,
        MilestoneKind.HAS_SIM,
        MilestoneKind.HAS_MOBILE_DATA,
        MilestoneKind.VNEID_LEVEL1,
    }
    created = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="donations.handover")
    assert created.actor == officer and "Trần Thị Hoa" in created.object_repr
    assert created.changes["sim_in_own_name"] == [None, True]
    detail = staff.get(response["Location"]).content.decode()
    assert "Trần Thị Hoa" in detail and handover.reference in detail
    follow_ups = {f.days_after: f for f in handover.follow_ups.all()}
    assert set(follow_ups) == {7, 30}
    assert all(f.due_on <= days_ago(3) for f in follow_ups.values())  # both already due

    # ---- 14. Print the minutes ------------------------------------------------------------
    response = staff.get(reverse("donations:handover_minutes", args=[handover.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bien-ban-ban-giao-01.pdf"'
    text = pdf_text(response.content)
    for expected in [
        "BIÊN BẢN BÀN GIAO",
        "Số: 01/BB-BGTT",
        "Trần Thị Hoa",
        "HN001",
        "Hộ nghèo 2025",
        f"IMEI {imei(801)}",
        f"Số {sim(801)}",
        "2.407.000",
        "Hai triệu bốn trăm lẻ bảy nghìn đồng",
        "Ngân hàng Nông nghiệp Ninh Kiều",
    ]:
        assert expected in text, expected
    assert imei(802) not in text  # the other phone stays in stock
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="donations.handover", object_id=str(handover.pk)
    ).exists()

    # ---- 15. The volunteer follows up ------------------------------------------------------
    desk = client_in(volunteer, commune)
    todo = desk.get(reverse("donations:follow_up_list"))
    assert todo.status_code == 200
    assert {f.pk for f in todo.context["page_obj"]} == {f.pk for f in follow_ups.values()}
    first, second = follow_ups[7], follow_ups[30]
    response = desk.post(
        reverse("donations:follow_up_record", args=[first.pk]),
        {
            "reached": "1",
            "phone_use": "in_use",
            "milestones": [],
            "done_on": first.due_on.isoformat(),
            "note": "Chị Hoa đã biết gọi video.",
        },
    )
    assert response.status_code == 302, form_errors(response)
    # The 30-day check cannot be recorded on day 7: it would say nothing about day 30.
    response = desk.post(
        reverse("donations:follow_up_record", args=[second.pk]),
        {"reached": "1", "phone_use": "in_use", "done_on": first.due_on.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("done_on")
    second.refresh_from_db()
    assert second.status == FollowUpStatus.PENDING
    response = desk.post(
        reverse("donations:follow_up_record", args=[second.pk]),
        {
            "reached": "1",
            "phone_use": "in_use",
            "milestones": ["first_online_service"],
            "done_on": timezone.localdate().isoformat(),
            "note": "Đã tự nộp hồ sơ trực tuyến.",
        },
    )
    assert response.status_code == 302, form_errors(response)
    for follow_up in (first, second):
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUpStatus.DONE and follow_up.done_by == volunteer
        assert follow_up.phone_use == "in_use"
    assert hoa.milestones.filter(kind=MilestoneKind.FIRST_ONLINE_SERVICE).exists()
    follow_up_audits = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="donations.followup", actor=volunteer
    )
    assert follow_up_audits.count() == 2
    assert {tuple(a.changes["status"]) for a in follow_up_audits} == {("pending", "done")}
    assert not desk.get(reverse("donations:follow_up_list")).context["page_obj"].object_list

    # ---- 16. Follow-up stage, then closed -------------------------------------------------
    advance(staff, campaign, CampaignStatus.FOLLOW_UP)
    advance(staff, campaign, CampaignStatus.CLOSED)
    stages = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="donations.campaign", object_id=str(campaign.pk)
    )
    assert [a.changes["status"][1] for a in stages.order_by("pk") if "status" in a.changes] == [
        "open",
        "list_locked",
        "handing_over",
        "follow_up",
        "closed",
    ]

    # ---- 17. The sponsor's viewer reads the report ----------------------------------------
    viewer = client_in(sponsor, commune)
    listing = viewer.get(reverse("donations:report_list"))
    assert listing.status_code == 200 and campaign.name in listing.content.decode()
    response = viewer.get(reverse("donations:report", args=[campaign.pk]))
    assert response.status_code == 200
    report = response.context["report"]
    kinds = {k.kind: k for k in report.kinds}
    assert (kinds["phone"].pledged, kinds["phone"].received, kinds["phone"].handed_over) == (
        3,
        2,
        1,
    )
    assert (kinds["sim"].pledged, kinds["sim"].received, kinds["sim"].handed_over) == (2, 1, 1)
    assert report.pledged_vnd == 3 * PHONE_VALUE + 2 * SIM_VALUE
    assert report.received_vnd == 2 * PHONE_VALUE + SIM_VALUE
    assert report.handed_over_vnd == PHONE_VALUE + SIM_VALUE
    assert (report.households, report.recipients) == (1, 1)
    assert (report.first_done, report.first_in_use) == (1, 1)
    assert (report.second_done, report.second_in_use, report.second_due_later) == (1, 1, 0)
    page = response.content.decode()
    assert re.search(
        r'<div class="stat">1/1</div><div class="stat-label">điện thoại đang được dùng sau 30 ngày',
        page,
    )
    assert "Trần Thị Hoa" in page  # she agreed to be named
    assert "Trần Văn Bảy" not in page and "Lê Thị Năm" not in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="donations.handover", actor=sponsor
    ).exists()  # a named recipient was shown

    # ---- 18. … and its Excel file ----------------------------------------------------------
    response = viewer.get(reverse("donations:report_xlsx", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2] == ("Nội dung", "Chi tiết", "Số", "Giá trị (đồng) / ghi chú")
    table = {(r[0], r[1]): (r[2], r[3]) for r in rows[3:]}
    assert table["Cam kết", "Điện thoại thông minh"] == (3, 3 * PHONE_VALUE)
    assert table["Đã nhận", "Điện thoại thông minh"] == (2, 2 * PHONE_VALUE)
    assert table["Đã bàn giao", "Điện thoại thông minh"] == (1, PHONE_VALUE)
    assert table["Đã bàn giao", "Thẻ SIM"] == (1, SIM_VALUE)
    assert table["Số hộ đã nhận", None][0] == 1
    assert table["Đang sử dụng sau 30 ngày", "trên 1 người đã kiểm tra"][0] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT,
        object_type="donations.campaign",
        object_id=str(campaign.pk),
        actor=sponsor,
    ).exists()

    # Nothing of this campaign was written outside the commune, nor for another household.
    assert not Allocation.objects.exclude(household=bay).exists()
    assert Resident.objects.get(pk=nam.head_id).milestones.count() == 0
    assert not Allocation.objects.filter(household=tu).exists()
