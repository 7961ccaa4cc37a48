"""Every home-support screen: who may open it, in which commune, and what it shows."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from digiward.core.models import Absence, AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.homecare import services
from digiward.homecare.models import (
    HomeSupportRequest,
    HomeVisit,
    LegalForm,
    RequestStatus,
    VisitOutcome,
)
from digiward.homecare.tests.factories import (
    LeaveFactory,
    RequestFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db

STAFF = {Role.COMMUNE_ADMIN, Role.OFFICER}


@pytest.fixture
def world(
    commune, officer, officer_profile, admin_profile, officer_access, plan_day, certification
):
    """A request booked for tomorrow with an authorization and a photo; a leave; a plan."""
    home_request = RequestFactory(commune=commune, procedure=certification)
    WindowFactory(request=home_request, starts_at=time(8), ends_at=time(11))
    visit = services.visit_book(
        access=officer_access, request=home_request, officer=officer, day=plan_day
    )
    services.visit_arrive(access=officer_access, visit=visit)
    authorization = services.authorization_record(
        access=officer_access,
        visit=visit,
        data=services.AuthorizationData(
            principal_name=home_request.person_name,
            agent_name="Lê Văn Con",
            scope="Nhận lương hưu thay",
            legal_form=LegalForm.CONTRACT,
        ),
    )
    leave = LeaveFactory(
        commune=commune, officer=admin_profile, starts_on=plan_day, ends_on=plan_day
    )
    return {
        "request": home_request.pk,
        "visit": visit.pk,
        "route": visit.officer_id,
        "day": plan_day.isoformat(),
        "profile": officer_profile.pk,
        "leave": leave.pk,
        "authorization": authorization.pk,
        "procedure": certification.pk,
    }


GET_PAGES = [
    ("homecare:request_list", [], False),
    ("homecare:request_create", [], False),
    ("homecare:deadlines", [], False),
    ("homecare:request_detail", ["request"], True),
    ("homecare:request_edit", ["request"], True),
    ("homecare:request_link", ["request"], True),
    ("homecare:request_checklist", ["request"], True),
    ("homecare:plan_detail", ["day"], False),
    ("homecare:route_sheet", ["day", "route"], True),
    ("homecare:route_pdf", ["day", "route"], True),
    ("homecare:my_visits", [], False),
    ("homecare:visit_detail", ["visit"], True),
    ("homecare:authorization_list", [], False),
    ("homecare:officer_list", [], False),
    ("homecare:officer_edit", ["profile"], True),
    ("homecare:settings", [], False),
    ("homecare:procedure_list", [], False),
    ("homecare:procedure_edit", ["procedure"], False),
]


@pytest.mark.parametrize(("name", "args", "scoped"), GET_PAGES)
def test_every_page_checks_role_and_commune(name, args, scoped, world, commune, other_commune):
    assert_view_access(
        url=reverse(name, args=[world[a] for a in args]),
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        scoped=scoped,
    )


def test_plan_today_redirects_to_the_next_working_day(commune, other_commune, world):
    assert_view_access(
        url=reverse("homecare:plan_today"),
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        scoped=False,
        ok_status=302,
    )


def test_posts_check_role_and_commune(world, commune, other_commune, plan_day, officer):
    day = world["day"]
    posts = [
        ("homecare:request_eligibility", [world["request"]], {"check": "1"}),
        ("homecare:request_decide", [world["request"], "complete"], {}),
        ("homecare:request_book", [world["request"]], {"officer": officer.pk, "day": day}),
        ("homecare:plan_run", [day], {}),
        ("homecare:route_lock", [day, world["route"]], {"locked": "0"}),
        ("homecare:visit_move", [world["visit"]], {"officer": officer.pk}),
        ("homecare:visit_reorder", [world["visit"]], {"step": "up"}),
        ("homecare:visit_arrive", [world["visit"]], {}),
        ("homecare:visit_leave", [world["visit"]], {}),
        ("homecare:visit_photo_add", [world["visit"]], {}),
        ("homecare:leave_add", [world["profile"]], {}),
    ]
    for name, args, data in posts:
        assert_view_access(
            url=reverse(name, args=args),
            method="post",
            data=data,
            commune=commune,
            other_commune=other_commune,
            allowed=STAFF,
            ok_status=302,
            scoped=not name.endswith(("plan_run",)),
        )


def test_authorization_and_unschedule_and_leave_removal_check_access(world, commune, other_commune):
    assert_view_access(
        url=reverse("homecare:visit_authorization", args=[world["visit"]]),
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        ok_status=302,  # already recorded: back to the visit
    )
    assert_view_access(
        url=reverse("homecare:visit_unschedule", args=[world["visit"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        ok_status=302,
    )
    assert_view_access(
        url=reverse("homecare:leave_remove", args=[world["leave"]]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        ok_status=302,
    )
    assert not Absence.objects.filter(pk=world["leave"]).exists()


def test_list_pages_log_the_view(world, commune, officer):
    client = client_in(officer, commune)
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    for name in ("homecare:request_list", "homecare:deadlines", "homecare:my_visits"):
        assert client.get(reverse(name)).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 3


def test_request_list_is_a_constant_number_of_queries(
    commune, officer, django_assert_max_num_queries
):
    RequestFactory.create_batch(5, commune=commune)
    client = client_in(officer, commune)
    client.get(reverse("homecare:request_list"))
    RequestFactory.create_batch(20, commune=commune)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("homecare:request_list")).content.decode()
    assert page.count('href="/app/home-support/') >= 25


def test_the_plan_page_shows_routes_with_map_links_and_times(world, commune, officer):
    page = (
        client_in(officer, commune)
        .get(reverse("homecare:plan_detail", args=[world["day"]]))
        .content.decode()
    )
    assert "geo:" in page and "openstreetmap.org/?mlat=" in page
    assert re.search(r"<strong>\d\d:\d\d</strong>–\d\d:\d\d", page)
    sheet = client_in(officer, commune).get(
        reverse("homecare:route_sheet", args=[world["day"], world["route"]])
    )
    assert sheet.status_code == 200 and "data-print" in sheet.content.decode()


def test_the_route_pdf_is_a_pdf_with_the_stops(world, commune, officer):
    from io import BytesIO

    import pypdfium2 as pdfium

    response = client_in(officer, commune).get(
        reverse("homecare:route_pdf", args=[world["day"], world["route"]])
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(BytesIO(response.content))
    text = " ".join(p.get_textpage().get_text_range() for p in pdf)
    request = HomeSupportRequest.objects.get(pk=world["request"])
    assert request.person_name in text and request.tracking_code in text


def test_the_public_status_page_shows_the_planned_day(world, client):
    from digiward.public import views as public_views

    public_views._public_commune.cache_clear()
    request = HomeSupportRequest.objects.get(pk=world["request"])
    assert request.status == RequestStatus.SCHEDULED
    page = client.post(
        reverse("public:status"), {"code": request.tracking_code, "phone_last4": "5678"}
    ).content.decode()
    visit = request.visits.get()
    assert f'data-visit-day="{visit.day:%Y-%m-%d}"' in page
    assert f"{visit.starts_at:%H:%M}" in page
    public_views._public_commune.cache_clear()


def test_recording_a_visit_from_the_phone_form(world, commune, officer):
    url = reverse("homecare:visit_detail", args=[world["visit"]])
    # Recorded at noon of the day of arrival: a record never says the officer arrives
    # later than now, so the test does not depend on the hour it runs.
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    with time_machine.travel(noon, tick=False):
        response = client_in(officer, commune).post(
            url,
            {
                "outcome": VisitOutcome.COMPLETED_ON_SITE,
                "arrived_at": "08:05",
                "left_at": "08:40",
                "person_confirmed": "on",
                "confirmed_by_name": "Bà Năm",
                "complete_now": "on",
            },
        )
    assert response.status_code == 302
    request = HomeSupportRequest.objects.get(pk=world["request"])
    assert request.status == RequestStatus.COMPLETED


def test_leave_warns_about_visits_already_planned(world, commune, officer):
    client = client_in(officer, commune)
    response = client.post(
        reverse("homecare:leave_add", args=[world["profile"]]),
        {"starts_on": world["day"], "ends_on": world["day"], "reason": "Ốm"},
        follow=True,
    )
    assert "notice--warning" in response.content.decode()


def test_the_lunch_break_is_set_on_the_settings_page_with_both_ends(commune, officer, hc_settings):
    client = client_in(officer, commune)
    url = reverse("homecare:settings")
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data |= {"lunch_starts": "12:00", "lunch_ends": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "lunch break" in refused.content.decode() or "nghỉ trưa" in refused.content.decode()
    hc_settings.refresh_from_db()
    assert hc_settings.lunch_starts == time(11, 30), "nothing saved"
    saved = client.post(url, data | {"lunch_ends": "13:00"})
    assert saved.status_code == 302
    hc_settings.refresh_from_db()
    assert hc_settings.lunch_break == (time(12), time(13))


def test_the_paired_volunteer_sees_the_officers_visits_and_nothing_more(
    commune, officer, volunteer, officer_profile, plan_day
):
    officer_profile.volunteer = volunteer
    officer_profile.save()
    person = RequestFactory(commune=commune, person_name="Bà Lâm Thị Sáu")
    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    visit = HomeVisit.objects.get(request=person)

    client = client_in(volunteer, commune)
    page = client.get(reverse("homecare:companion_visits"), {"day": plan_day.isoformat()})
    html = page.content.decode()
    assert "Bà Lâm Thị Sáu" in html and officer.full_name in html
    assert visit.starts_at.strftime("%H:%M") in html
    assert reverse("homecare:visit_detail", args=[visit.pk]) not in html
    assert client.get(reverse("homecare:visit_detail", args=[visit.pk])).status_code == 403
    assert AuditEvent.objects.filter(
        actor=volunteer, action=AuditAction.VIEW, object_type="homecare.homevisit"
    ).exists()

    officer_profile.volunteer = None
    officer_profile.save()
    html = client.get(
        reverse("homecare:companion_visits"), {"day": plan_day.isoformat()}
    ).content.decode()
    assert "Bà Lâm Thị Sáu" not in html, "only while paired"
