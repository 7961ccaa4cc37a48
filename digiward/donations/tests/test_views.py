"""Donations screens: every view checks role and commune; the sponsor sees only its own."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from digiward.core.dates import day_text
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.donations import services
from digiward.donations.models import Allocation, Campaign, Item, PriorityEntry, Sponsor
from digiward.donations.tests.factories import handover_weeks_ago, imei, scenario

pytestmark = pytest.mark.django_db

STAFF = {Role.COMMUNE_ADMIN, Role.OFFICER}
DESK = {Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER}
SPONSOR_PAGES = {Role.COMMUNE_ADMIN, Role.OFFICER, Role.SPONSOR_VIEWER}


@pytest.fixture
def running(commune, officer):
    """A locked campaign: one household handed over, one allocated, one waiting."""
    s = scenario(commune, officer, households=3, phones=3, sims=1)
    handed = s.allocate(0, [s.phones[0], s.sims[0]])
    handover = services.handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=handed,
        details=handover_weeks_ago(consent_to_share=True),
    )
    (waiting,) = s.allocate(1, [s.phones[1]])
    s.handover = handover
    s.waiting = waiting
    return s


def urls(s):
    c, h = s.campaign.pk, s.households[0].pk
    follow_up = s.handover.follow_ups.first()
    return {
        "campaign_list": (reverse("donations:campaign_list"), STAFF, False),
        "campaign_create": (reverse("donations:campaign_create"), STAFF, False),
        "campaign_detail": (reverse("donations:campaign_detail", args=[c]), STAFF, True),
        "campaign_edit": (reverse("donations:campaign_edit", args=[c]), STAFF, True),
        "campaign_rules": (reverse("donations:campaign_rules", args=[c]), STAFF, True),
        "item_list": (reverse("donations:item_list", args=[c]), STAFF, True),
        "item_receive": (reverse("donations:item_receive", args=[c]), STAFF, True),
        "item_return": (reverse("donations:item_return", args=[s.phones[0].pk]), STAFF, True),
        "list": (reverse("donations:list", args=[c]), STAFF, True),
        "list_change": (reverse("donations:list_change", args=[c]), STAFF, True),
        "campaign_household": (reverse("donations:campaign_household", args=[c, h]), STAFF, True),
        "handover_create": (
            reverse("donations:handover_create", args=[c, s.households[1].pk]),
            STAFF,
            True,
        ),
        "handover_list": (reverse("donations:handover_list", args=[c]), STAFF, True),
        "handover_detail": (
            reverse("donations:handover_detail", args=[s.handover.pk]),
            STAFF,
            True,
        ),
        "handover_minutes": (
            reverse("donations:handover_minutes", args=[s.handover.pk]),
            STAFF,
            True,
        ),
        "ceremony_minutes": (
            reverse("donations:ceremony_minutes", args=[c])
            + f"?date={s.handover.handed_on:%Y-%m-%d}",
            STAFF,
            True,
        ),
        "follow_up_list": (reverse("donations:follow_up_list"), DESK, False),
        "follow_up_record": (
            reverse("donations:follow_up_record", args=[follow_up.pk]),
            DESK,
            True,
        ),
        "sponsor_list": (reverse("donations:sponsor_list"), STAFF, False),
        "sponsor_create": (reverse("donations:sponsor_create"), STAFF, False),
        "sponsor_edit": (reverse("donations:sponsor_edit", args=[s.sponsor.pk]), STAFF, True),
        "policy_list": (reverse("donations:policy_list"), STAFF, False),
        "report_list": (reverse("donations:report_list"), SPONSOR_PAGES, False),
    }


VIEW_NAMES = [
    "campaign_list",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_rules",
    "item_list",
    "item_receive",
    "item_return",
    "list",
    "list_change",
    "campaign_household",
    "handover_create",
    "handover_list",
    "handover_detail",
    "handover_minutes",
    "ceremony_minutes",
    "follow_up_list",
    "follow_up_record",
    "sponsor_list",
    "sponsor_create",
    "sponsor_edit",
    "policy_list",
    "report_list",
]


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_every_page_checks_role_and_commune(name, running, commune, other_commune):
    url, allowed, scoped = urls(running)[name]
    assert_view_access(
        url=url, commune=commune, other_commune=other_commune, allowed=allowed, scoped=scoped
    )


@pytest.mark.parametrize("name", ["report", "report_pdf", "report_xlsx"])
def test_sponsor_report_pages_are_hidden_from_unlinked_sponsor_viewers(
    name, running, commune, other_commune
):
    url = reverse(f"donations:{name}", args=[running.campaign.pk])
    assert_view_access(
        url=url,
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        hidden_from={Role.SPONSOR_VIEWER},
    )


def test_a_sponsor_viewer_sees_its_own_sponsors_campaigns_only(
    running, commune, officer, sponsor, admin
):
    services.sponsor_contact_link(access=running.access, sponsor=running.sponsor, user=sponsor)
    other = scenario(commune, admin, households=1, phones=1, sims=0, first_imei=50)
    client = client_in(sponsor, commune)
    own = client.get(reverse("donations:report", args=[running.campaign.pk]))
    assert own.status_code == 200
    assert (
        client.get(reverse("donations:report_pdf", args=[running.campaign.pk]))["Content-Type"]
        == "application/pdf"
    )
    assert client.get(reverse("donations:report", args=[other.campaign.pk])).status_code == 404
    assert client.get(reverse("donations:report_pdf", args=[other.campaign.pk])).status_code == 404
    listing = client.get(reverse("donations:report_list")).content.decode()
    assert running.campaign.name in listing and other.campaign.name not in listing
    # Officers' pages stay closed to the sponsor.
    assert (
        client.get(reverse("donations:campaign_detail", args=[running.campaign.pk])).status_code
        == 403
    )
    assert client.get(reverse("donations:list", args=[running.campaign.pk])).status_code == 403
    # Personal data only with consent: the consenting recipient's name, nobody else's.
    page = own.content.decode()
    assert running.head(0).full_name in page and running.head(1).full_name not in page


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("campaign_status", {"status": "handing_over"}),
        ("pledge_add", {"kind": "sim", "quantity": 3, "unit_value_vnd": 0}),
        ("ranking_start", {}),
        ("list_export", {}),
    ],
)
def test_posts_check_role_and_commune(name, data, running, commune, other_commune):
    if name == "pledge_add":
        data = {**data, "sponsor": running.sponsor.pk}
    url = reverse(f"donations:{name}", args=[running.campaign.pk])
    _assert_staff_post(url, data, commune, other_commune)


def test_other_posts_check_role_and_commune(running, commune, other_commune):
    for url, data in [
        (reverse("donations:allocation_cancel", args=[running.waiting.pk]), {"reason": "Nhầm"}),
        (reverse("donations:item_repaired", args=[running.phones[2].pk]), {}),
        (reverse("donations:sponsor_contact_add", args=[running.sponsor.pk]), {}),
    ]:
        _assert_staff_post(url, data, commune, other_commune)


def _assert_staff_post(url, data, commune, other_commune):
    assert_view_access(
        url=url,
        method="post",
        data=data,
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        ok_status=302,
    )


def test_receiving_items_through_the_form_is_all_or_nothing(running, officer, commune):
    client = client_in(officer, commune)
    url = reverse("donations:item_receive", args=[running.campaign.pk])
    data = {
        "kind": "phone",
        "name": "Nokia C32",
        "value_vnd": 2_000_000,
        "condition": "new",
        "received_on": timezone.localdate().isoformat(),
    }
    bad = client.post(url, {**data, "numbers": f"{imei(70)}\n490154203237517\n{imei(1)}"})
    assert bad.status_code == 200
    problems = bad.context["problems"]
    assert [line for line, _m in problems] == [2, 3]
    assert Item.objects.filter(name="Nokia C32").count() == 0
    good = client.post(url, {**data, "numbers": f"{imei(70)}\n{imei(71)}"})
    assert good.status_code == 302
    assert Item.objects.filter(name="Nokia C32").count() == 2


def test_allocation_form_refuses_a_household_off_the_list(running, officer, commune):
    PriorityEntry.objects.filter(
        campaign=running.campaign, household=running.households[2]
    ).delete()
    client = client_in(officer, commune)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English msgid
    url = reverse(
        "donations:campaign_household", args=[running.campaign.pk, running.households[2].pk]
    )
    response = client.post(url, {"recipient": running.head(2).pk, "items": [running.phones[2].pk]})
    assert response.status_code == 200
    assert "amendment" in str(response.context["form"].non_field_errors())
    assert not Allocation.objects.filter(household=running.households[2]).exists()


def test_the_list_shows_reasons_in_vietnamese(running, officer, commune, vietnamese):
    client = client_in(officer, commune)
    page = client.get(reverse("donations:list", args=[running.campaign.pk])).content.decode()
    assert "Hộ nghèo 2026 · chưa có điện thoại thông minh · có người cao tuổi" in page
    assert "Danh sách ưu tiên" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="donations.priorityentry"
    ).exists()


def test_handover_minutes_pdf_has_items_amount_in_words_and_diacritics(running, officer, commune):
    import pypdfium2 as pdfium

    response = client_in(officer, commune).get(
        reverse("donations:handover_minutes", args=[running.handover.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(io.BytesIO(response.content))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN BÀN GIAO",
        running.phones[0].imei,
        running.sims[0].sim_number,
        "2.357.000",
        "Hai triệu ba trăm năm mươi bảy nghìn đồng",
        "Số: 01/BB-BGTT",
        running.head(0).full_name,
    ]:
        assert expected in text.replace("\r\n", " ").replace("\n", " ") or expected in text, (
            expected
        )
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="donations.handover"
    ).exists()


def test_ceremony_minutes_for_a_day_without_handover_is_404(running, officer, commune):
    client = client_in(officer, commune)
    url = reverse("donations:ceremony_minutes", args=[running.campaign.pk])
    assert client.get(url + "?date=2000-01-01").status_code == 404
    assert client.get(url + "?date=nonsense").status_code == 404


def test_handover_form_then_follow_up_through_the_screens(running, officer, volunteer, commune):
    client = client_in(officer, commune)
    url = reverse("donations:handover_create", args=[running.campaign.pk, running.households[1].pk])
    response = client.post(
        url,
        {
            "allocations": [running.waiting.pk],
            "handed_on": timezone.localdate().isoformat(),
            "confirmed": "on",
            "large_font": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    again = client.post(
        url,
        {
            "allocations": [running.waiting.pk],
            "handed_on": timezone.localdate().isoformat(),
            "confirmed": "on",
        },
    )
    assert again.status_code == 200  # the allocation is no longer offered: handed over
    follow_up = running.handover.follow_ups.order_by("days_after").first()
    desk = client_in(volunteer, commune)
    too_early = (running.handover.handed_on + timedelta(days=1)).isoformat()
    refused = desk.post(
        reverse("donations:follow_up_record", args=[follow_up.pk]),
        {"reached": "1", "phone_use": "in_use", "done_on": too_early, "note": "Gặp ở chợ"},
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "can be recorded from" in page or "chỉ ghi được từ" in page
    assert "Gặp ở chợ" in page and too_early in page, "what was typed is kept"
    done = desk.post(
        reverse("donations:follow_up_record", args=[follow_up.pk]),
        {
            "reached": "1",
            "phone_use": "in_use",
            "milestones": ["first_online_service"],
            "done_on": timezone.localdate().isoformat(),
        },
    )
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.done_by == volunteer


def test_campaign_create_form(officer, commune):
    sponsor = Sponsor.objects.create(commune=commune, name="Viettel Cần Thơ", kind="telecom")
    client = client_in(officer, commune)
    response = client.post(
        reverse("donations:campaign_create"),
        {
            "name": "Đợt 2",
            "sponsors": [sponsor.pk],
            "starts_on": "2026-10-01",
            "budget_vnd": 0,
            "phones_per_household": 1,
            "first_follow_up_days": 7,
            "second_follow_up_days": 30,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Đợt 2")
    assert list(campaign.communes.all()) == [commune] and campaign.draw_seed > 0
    bad = client.post(
        reverse("donations:campaign_create"),
        {
            "name": "Đợt 3",
            "sponsors": [sponsor.pk],
            "starts_on": "2026-10-01",
            "ends_on": "2026-09-01",
            "budget_vnd": -5,
            "phones_per_household": 1,
            "first_follow_up_days": 30,
            "second_follow_up_days": 7,
        },
    )
    assert bad.status_code == 200 and not Campaign.objects.filter(name="Đợt 3").exists()


def test_ranking_and_the_excel_export_run_as_jobs(
    commune, officer, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from digiward.core.models import Job

    s = scenario(commune, officer, households=2, phones=1, sims=0, lock=False)
    client = client_in(officer, commune)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("donations:ranking_start", args=[s.campaign.pk]))
    job = Job.objects.get(kind="donations.rank")
    assert response.status_code == 302 and job.status == "succeeded", job.error
    assert job.result["eligible"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donations:list_export", args=[s.campaign.pk]))
    export = Job.objects.get(kind="donations.export_list")
    assert export.status == "succeeded", export.error
    sheet = load_workbook(export.result_file.open("rb")).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][0] == 1
    assert {rows[3][1], rows[4][1]} == {h.code for h in s.households}
    assert "Poor household 2026" in rows[3][6] or "Hộ nghèo 2026" in rows[3][6]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="donations.campaign"
    ).exists()


def test_overdue_follow_ups_stand_out_and_due_ones_do_not(running, volunteer, commune):
    """The handover was 45 days ago: both checks are past due. Once one is moved to a
    future date, only the other is marked overdue."""
    week, month = running.handover.follow_ups.order_by("days_after")
    month.due_on = timezone.localdate() + timedelta(days=3)
    month.save()
    page = client_in(volunteer, commune).get(reverse("donations:follow_up_list")).content.decode()
    items = re.findall(r'<li class="result( result--overdue)?">(.*?)</li>', page, re.S)
    overdue = [body for marked, body in items if marked]
    due = [body for marked, body in items if not marked]
    assert len(overdue) == 1 and day_text(week.due_on) in overdue[0]
    assert "Quá hạn" in overdue[0] or "Overdue" in overdue[0]
    assert len(due) == 1 and day_text(month.due_on) in due[0]


def test_ceremony_minutes_list_every_recipient_of_the_day(running, officer, commune):
    day = running.handover.handed_on
    response = client_in(officer, commune).get(
        reverse("donations:ceremony_minutes", args=[running.campaign.pk]) + f"?date={day:%Y-%m-%d}"
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(response.content)
    # Table cells wrap: compare with the whitespace folded.
    text = " ".join(
        " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).split()
    )
    assert running.head(0).full_name in text and "Tổng cộng (1 hộ) 2.357.000" in text
    assert running.phones[0].imei in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_opening_a_follow_up_is_audited(running, volunteer, commune):
    """Security test finding 9: the page shows the recipient's name and phone."""
    follow_up = running.handover.follow_ups.first()
    before = AuditEvent.objects.filter(object_type="donations.followup").count()
    response = client_in(volunteer, commune).get(
        reverse("donations:follow_up_record", args=[follow_up.pk])
    )
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type="donations.followup").order_by("-pk").first()
    assert AuditEvent.objects.filter(object_type="donations.followup").count() == before + 1
    assert event.object_id == str(follow_up.pk) and event.action == AuditAction.VIEW
