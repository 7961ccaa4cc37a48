"""Every guidance page checks role and commune; the main pages render what they should."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.models import Absence, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.guidance.models import HelpSession, QueueTicket, SlotTemplate, SwapRequest
from digiward.guidance.tests.factories import SlotTemplateFactory
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

TEAM = {Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER}
LEADS = {Role.COMMUNE_ADMIN, Role.OFFICER}


@pytest.fixture
def world(commune, member_thu, member_khang, shift_factory, seat, future_day):
    shift = shift_factory(future_day)
    mine = seat(shift, member_thu)
    swap = SwapRequest.objects.create(
        commune=commune, assignment=mine, requester=member_thu, kind="stand_in"
    )
    absence = Absence.objects.create(
        commune=commune,
        user=member_thu.user,
        starts_on=future_day + timedelta(days=30),
        ends_on=future_day + timedelta(days=31),
    )
    template = SlotTemplateFactory(commune=commune)
    ticket = QueueTicket.objects.create(
        commune=commune, number=1, issued_on=timezone.localdate(), issued_at=timezone.now()
    )
    session = HelpSession.objects.create(
        commune=commune,
        helped_on=timezone.localdate(),
        helper=member_thu.user,
        outcome="done",
        minutes=5,
        age_band="60-74",
        topic="VNeID",
        visitor_name="Bác Tư",
    )
    return {
        "shift": shift.pk,
        "seat": mine.pk,
        "swap": swap.pk,
        "absence": absence.pk,
        "member": member_thu.pk,
        "template": template.pk,
        "ticket": ticket.pk,
        "session": session.pk,
        "roster": shift.roster.pk,
        "year": future_day.year,
        "month": future_day.month,
    }


@pytest.mark.parametrize(
    ("name", "args", "allowed", "scoped"),
    [
        ("guidance:home", [], TEAM, False),
        ("guidance:roster_month", ["year", "month"], TEAM, False),
        ("guidance:my_shifts", [], TEAM, False),
        ("guidance:team", [], TEAM, False),
        ("guidance:session_log", [], TEAM, False),
        ("guidance:session_residents", [], TEAM, False),
        ("guidance:session_procedures", [], TEAM, False),
        ("guidance:session_list", [], TEAM, False),
        ("guidance:queue", [], TEAM, False),
        ("guidance:queue_screen", [], TEAM, False),
        ("guidance:swap_list", [], LEADS, False),
        ("guidance:slot_list", [], LEADS, False),
        ("guidance:slot_add", [], LEADS, False),
        ("guidance:member_add", [], LEADS, False),
        ("guidance:shift_detail", ["shift"], TEAM, True),
        ("guidance:member_detail", ["member"], TEAM, True),
        ("guidance:slot_edit", ["template"], LEADS, True),
        ("guidance:ticket_print", ["ticket"], TEAM, True),
        ("guidance:session_link", ["session"], TEAM, True),
    ],
)
def test_every_page_checks_role_and_commune(
    name, args, allowed, scoped, commune, other_commune, world
):
    url = reverse(name, args=[world[a] for a in args])
    assert_view_access(
        url=url, commune=commune, other_commune=other_commune, allowed=allowed, scoped=scoped
    )


def test_roster_redirect(commune, other_commune, world):
    assert_view_access(
        url=reverse("guidance:roster"),
        commune=commune,
        other_commune=other_commune,
        allowed=TEAM,
        scoped=False,
        ok_status=302,
    )


@pytest.mark.parametrize(
    ("name", "arg", "data", "allowed", "scoped"),
    [
        ("guidance:roster_generate", None, {"month": "2030-04"}, LEADS, False),
        ("guidance:roster_publish", "roster", {}, LEADS, True),
        ("guidance:assignment_add", "shift", {"member": "0"}, LEADS, True),
        ("guidance:assignment_remove", "seat", {}, LEADS, True),
        ("guidance:attendance_set", "seat", {"state": "excused"}, LEADS, True),
        ("guidance:swap_request", "seat", {"kind": "stand_in"}, TEAM, True),
        ("guidance:swap_accept", "swap", {}, TEAM, True),
        ("guidance:swap_cancel", "swap", {}, TEAM, True),
        ("guidance:swap_decide", "swap", {"decision": "reject"}, LEADS, True),
        (
            "guidance:absence_add",
            "member",
            {"starts_on": "2030-01-01", "ends_on": "2030-01-02"},
            TEAM,
            True,
        ),
        ("guidance:absence_remove", "absence", {}, TEAM, True),
        ("guidance:slot_defaults", None, {}, LEADS, False),
        ("guidance:ticket_take", None, {}, TEAM, False),
        ("guidance:queue_call_next", None, {"desk": "1"}, TEAM, False),
        ("guidance:ticket_close", "ticket", {"status": "no_show"}, TEAM, True),
        ("guidance:ticket_requeue", "ticket", {}, TEAM, True),
        ("guidance:session_link", "session", {"resident": "0"}, TEAM, True),
    ],
)
def test_every_action_checks_role_and_commune(
    name, arg, data, allowed, scoped, commune, other_commune, world
):
    url = reverse(name, args=[world[arg]] if arg else [])
    assert_view_access(
        url=url,
        method="post",
        data=data,
        commune=commune,
        other_commune=other_commune,
        allowed=allowed,
        scoped=scoped,
        ok_status=(200, 302),
    )


def test_session_log_post_checks_role(commune, other_commune):
    assert_view_access(
        url=reverse("guidance:session_log"),
        method="post",
        data={
            "age_band": "60-74",
            "topic": "VNeID",
            "outcome": "done",
            "minutes": "5",
            "channel": "desk",
        },
        commune=commune,
        other_commune=other_commune,
        allowed=TEAM,
        scoped=False,
        ok_status=302,
    )


def test_roster_month_shows_gaps_and_marks_my_shifts(commune, volunteer, officer, world):
    page = client_in(volunteer, commune).get(
        reverse("guidance:roster_month", args=[world["year"], world["month"]])
    )
    html = page.content.decode()
    assert "cal-shift--mine" in html and "cal-shift--gap" in html  # 1 of 2 seats filled
    assert "Lê Minh Thư" in html


def test_my_shifts_as_a_calendar(
    commune, volunteer, member_khang, shift_factory, seat, future_day, world
):
    other = shift_factory(future_day, kind="afternoon")
    seat(other, member_khang)
    url = reverse("guidance:roster_month", args=[world["year"], world["month"]])
    client = client_in(volunteer, commune)
    everyone = client.get(url).content.decode()
    mine = client.get(url, {"mine": "1"}).content.decode()
    assert "Huỳnh Gia Khang" in everyone and "Huỳnh Gia Khang" not in mine.split('class="cal"')[1]
    assert mine.count("cal-shift--mine") == 1


def test_a_draft_is_hidden_from_volunteers(commune, volunteer, officer, world):
    from digiward.guidance.models import Roster

    Roster.objects.filter(pk=world["roster"]).update(status="draft")
    month = reverse("guidance:roster_month", args=[world["year"], world["month"]])
    assert "cal-shift" not in client_in(volunteer, commune).get(month).content.decode()
    assert "cal-shift" in client_in(officer, commune).get(month).content.decode()
    assert (
        client_in(volunteer, commune)
        .get(reverse("guidance:shift_detail", args=[world["shift"]]))
        .status_code
        == 404
    )


def test_resident_picker_searches_and_audits(commune, volunteer):
    from digiward.core.models import AuditEvent

    ResidentFactory(commune=commune, full_name="Nguyễn Thị Hoa")
    page = client_in(volunteer, commune).get(
        reverse("guidance:session_residents"), {"q": "nguyen thi hoa"}
    )
    assert "Nguyễn Thị Hoa" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="registry.resident").exists()


def test_generate_from_the_page_with_no_members_says_why(commune, officer):
    SlotTemplate.objects.create(
        commune=commune, kind="morning", weekdays=[0], start="07:00", end="11:30"
    )
    client = client_in(officer, commune)
    response = client.post(reverse("guidance:roster_generate"), {"month": "2030-04"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "04/2030" in messages[0]


def test_member_edits_own_availability_not_others(commune, volunteer, member_thu, member_khang):
    client = client_in(volunteer, commune)
    SlotTemplate.objects.create(
        commune=commune, kind="morning", weekdays=[0, 1], start="07:00", end="11:30"
    )
    data = {"form": "availability", "a_0_morning": "unavailable", "a_1_morning": "prefer_not"}
    client.post(reverse("guidance:member_detail", args=[member_thu.pk]), data)
    assert dict(member_thu.availability.values_list("weekday", "value")) == {
        0: "unavailable",
        1: "prefer_not",
    }
    client.post(reverse("guidance:member_detail", args=[member_khang.pk]), data)
    assert not member_khang.availability.exists()
    assert date.today()  # keep the import used
