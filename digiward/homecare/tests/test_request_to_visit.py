"""From a public request to a visit without detours (issue 12).

The relative wrote "buổi sáng trước 11 giờ" and the visit was booked at 14:37; the officer
needed three refusals to book (eligibility by hand, GPS typed as two numbers, an officer
list that hid who had room and offered the one on leave). Each test below failed before
the fix it names.

Messages are compared with gettext of their English text, so the tests hold before and
after the Vietnamese catalogue is merged.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.models import AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.homecare import services
from digiward.homecare.booking_options import booking_options
from digiward.homecare.home_times import DayPart, Window, windows_for
from digiward.homecare.matching import RequestFacts, ResidentFacts, likely_residents, score
from digiward.homecare.models import (
    HomeSupportRequest,
    HomeVisit,
    LocationSource,
    RequestSource,
    RequestStatus,
    TimeWindow,
    VisitOutcome,
)
from digiward.homecare.tests.factories import (
    CENTER,
    LeaveFactory,
    OfficerProfileFactory,
    RequestFactory,
    WindowFactory,
)
from digiward.public import views as public_views
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


# --- The public form: when someone is home ------------------------------------------------


def test_day_parts_become_windows_and_any_time_none():
    assert windows_for(DayPart.ANY, []) == ()
    assert windows_for(DayPart.MORNINGS, []) == (Window(time(7, 30), time(11, 30)),)
    assert windows_for(DayPart.AFTERNOONS, [2, 0]) == (
        Window(time(13, 30), time(17, 0), 0),
        Window(time(13, 30), time(17, 0), 2),
    )
    # Any time, but only on Tuesdays: the whole working day that day.
    assert windows_for(DayPart.ANY, [1]) == (Window(time(7, 30), time(17, 0), 1),)
    assert windows_for(DayPart.MORNINGS, [6]) == windows_for(DayPart.MORNINGS, [])  # no Sundays


@pytest.fixture
def public(commune, hc_settings):
    call_command("load_procedures", verbosity=0)
    public_views._public_commune.cache_clear()
    yield
    public_views._public_commune.cache_clear()


def public_form(**overrides):
    data = {
        "requester_relation": "relative",
        "person_name": "Nguyễn Thị Năm",
        "requester_name": "Lê Văn Con",
        "phone": "0912 345 678",
        "address": "12 Hai Bà Trưng",
        "procedure_other": "Chứng thực giấy ủy quyền",
        "reason": "elderly",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_public_form_asks_when_someone_is_home_without_javascript(client, public):
    page = client.get(reverse("public:help_at_home")).content.decode()
    # Plain radio buttons and checkboxes in the form itself: nothing needs a script.
    assert 'type="radio" name="home_part" value="mornings"' in page
    assert 'type="checkbox" name="home_days" value="0"' in page
    assert 'name="home_days" value="6"' not in page  # no Sunday visits offered


def test_mornings_on_the_public_form_become_real_windows_and_the_words_a_note(client, public):
    client.post(
        reverse("public:help_at_home"),
        public_form(home_part="mornings", home_days=["0", "3"], preferred_times="trước 11 giờ"),
    )
    request = HomeSupportRequest.objects.get()
    windows = list(request.windows.values_list("weekday", "starts_at", "ends_at"))
    assert windows == [(0, time(7, 30), time(11, 30)), (3, time(7, 30), time(11, 30))]
    assert request.preferred_times == "trước 11 giờ"


def test_any_time_on_the_public_form_stores_no_window(client, public):
    client.post(reverse("public:help_at_home"), public_form(home_part="any"))
    assert not TimeWindow.objects.exists()
    assert HomeSupportRequest.objects.get().source == RequestSource.PUBLIC_FORM


def test_a_guide_links_to_the_form_with_its_procedure_by_id_or_slug(client, public):
    from digiward.procedures.models import Procedure

    procedure = Procedure.objects.filter(home_support_possible=True).order_by("pk").first()
    not_at_home = Procedure.objects.filter(home_support_possible=False).first()
    url = reverse("public:help_at_home")
    for value in (procedure.slug, str(procedure.pk)):
        page = client.get(f"{url}?procedure={value}").content.decode()
        assert f'<option value="{procedure.pk}" selected>' in page
    page = client.get(f"{url}?procedure={not_at_home.slug}").content.decode()
    assert '<option value="" selected>' in page  # nothing chosen: "something else"


# --- Booking inside the windows ------------------------------------------------------------


def test_a_morning_request_is_booked_in_the_morning(
    commune, officer, officer_profile, officer_access, plan_day
):
    """The 14:37 case: the relative's "mornings" is a window the booking keeps to."""
    busy = RequestFactory(commune=commune)
    services.visit_book(access=officer_access, request=busy, officer=officer, day=plan_day)
    request = RequestFactory(commune=commune, preferred_times="buổi sáng trước 11 giờ")
    WindowFactory(request=request, starts_at=time(7, 30), ends_at=time(11, 0))
    visit = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    assert time(7, 30) <= visit.starts_at and visit.ends_at <= time(11, 0)


def test_a_request_with_only_a_note_about_times_is_not_booked_at_any_hour(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune, preferred_times="buổi sáng trước 11 giờ")
    with pytest.raises(DomainError) as refused:
        services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert refused.value.field == "times_agreed"
    assert "buổi sáng trước 11 giờ" in refused.value.message
    assert not HomeVisit.objects.exists()
    # The explicit override: the officer phoned and agreed on the time.
    visit = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day, times_agreed=True
    )
    assert visit.pk and AuditEvent.objects.filter(note__contains="time agreed").exists()


def test_booking_outside_the_windows_is_refused_with_the_reason(
    commune, officer, officer_profile, officer_access, plan_day
):
    """Home only 7:30–8:00 with a 45-minute visit: no start fits, nothing is written."""
    request = RequestFactory(commune=commune, visit_minutes=45)
    WindowFactory(request=request, starts_at=time(7, 30), ends_at=time(8, 0))
    with pytest.raises(DomainError):
        services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert not HomeVisit.objects.exists()


# --- The officer list: capacity, leave, the best slot -----------------------------------------


def test_the_booking_list_shows_capacity_leaves_out_leave_and_proposes_a_slot(
    commune, officer, admin, officer_profile, admin_profile, officer_access, plan_day
):
    officer_profile.max_visits = 3
    officer_profile.save()
    LeaveFactory(commune=commune, officer=admin_profile, starts_on=plan_day, ends_on=plan_day)
    services.visit_book(
        access=officer_access,
        request=RequestFactory(commune=commune),
        officer=officer,
        day=plan_day,
    )
    request = RequestFactory(commune=commune)
    WindowFactory(request=request, starts_at=time(9), ends_at=time(11))
    options = booking_options(officer_access, request, plan_day)
    assert [o.officer for o in options.options] == [officer]
    assert [user for user, _why in options.away] == [admin]
    best = options.best
    assert best is not None and best.officer == officer
    assert (best.planned, best.limit, best.free) == (1, 3, 2)
    assert time(9) <= best.starts_at <= time(11)
    # What is proposed is what booking does.
    visit = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    assert visit.starts_at == best.starts_at


def test_a_full_day_points_to_the_next_day_with_room(
    commune, officer, officer_profile, officer_access, plan_day
):
    officer_profile.max_visits = 1
    officer_profile.save()
    services.visit_book(
        access=officer_access,
        request=RequestFactory(commune=commune),
        officer=officer,
        day=plan_day,
    )
    options = booking_options(officer_access, RequestFactory(commune=commune), plan_day)
    assert options.best is None and options.options[0].free == 0
    assert options.options[0].problem  # says why, in words
    assert options.next_free_day is not None and options.next_free_day > plan_day


def test_the_request_page_offers_only_officers_at_work_with_their_room(
    commune, officer, admin, officer_profile, admin_profile, plan_day
):
    LeaveFactory(commune=commune, officer=admin_profile, starts_on=plan_day, ends_on=plan_day)
    request = RequestFactory(commune=commune)
    WindowFactory(request=request, starts_at=time(8), ends_at=time(10))
    client = client_in(officer, commune)
    page = client.get(
        reverse("homecare:request_detail", args=[request.pk]) + f"?day={plan_day.isoformat()}"
    ).content.decode()
    form = page.split('action="' + reverse("homecare:request_book", args=[request.pk]))[1]
    form = form.split("</form>")[0]
    assert f'value="{officer.pk}"' in form and f'value="{admin.pk}"' not in form
    assert f'data-proposal="{officer.pk}"' in page
    assert admin.get_full_name() in page.split("data-away")[1].split("</p>")[0]


def test_booking_from_the_page_keeps_the_override_box(commune, officer, officer_profile, plan_day):
    request = RequestFactory(commune=commune, preferred_times="chiều thứ bảy")
    client = client_in(officer, commune)
    url = reverse("homecare:request_book", args=[request.pk])
    data = {"officer": officer.pk, "day": plan_day.isoformat()}
    client.post(url, data)
    assert not HomeVisit.objects.exists()
    client.post(url, {**data, "times_agreed": "on"})
    assert HomeVisit.objects.filter(request=request).exists()


# --- Eligibility: one step of accepting -------------------------------------------------------


@pytest.fixture
def stated(commune):
    """A public request for someone not in the registry: "stated", not eligible yet."""
    return RequestFactory(
        commune=commune,
        status=RequestStatus.RECEIVED,
        eligibility_override=None,
        eligibility_override_reason="",
        source=RequestSource.PUBLIC_FORM,
    )


def test_accepting_with_a_reason_records_the_decision_in_the_same_step(stated, officer_access):
    accepted = services.request_accept(
        access=officer_access, request=stated, confirm_reason="Con trai gọi: bà nằm liệt giường"
    )
    assert accepted.status == RequestStatus.ACCEPTED
    assert accepted.eligibility_override is True
    assert accepted.eligibility_override_reason == "Con trai gọi: bà nằm liệt giường"
    assert accepted.eligibility_override_by == officer_access.user
    assert AuditEvent.objects.filter(
        object_id=str(stated.pk), changes__eligibility_override=[None, True]
    ).exists()


def test_accepting_without_a_reason_is_refused_on_the_reason_field(stated, officer_access):
    with pytest.raises(DomainError) as refused:
        services.request_accept(access=officer_access, request=stated)
    assert refused.value.field == "confirm_reason"
    assert HomeSupportRequest.objects.get(pk=stated.pk).status == RequestStatus.RECEIVED


def test_an_officers_no_is_not_overruled_by_accepting(stated, officer_access):
    services.request_override_eligibility(
        access=officer_access, request=stated, eligible=False, reason="Còn đi lại được"
    )
    with pytest.raises(DomainError):
        services.request_accept(access=officer_access, request=stated, confirm_reason="Thôi nhận")
    assert HomeSupportRequest.objects.get(pk=stated.pk).eligibility_override is False


def test_the_accept_button_shows_the_registry_reasons_and_takes_the_reason(
    commune, officer, stated
):
    resident = ResidentFactory(commune=commune, birth_year=1940, limited_mobility=True)
    services.request_link_resident(
        access=access_for(officer, commune), request=stated, resident=resident
    )
    client = client_in(officer, commune)
    page = client.get(reverse("homecare:request_detail", args=[stated.pk])).content.decode()
    beside = page.split('data-accept-eligibility="')[1].split('data-action="accept"')[0]
    assert beside.startswith("eligible")
    assert "Cannot travel easily" in beside or "Khó đi lại" in beside or "Đi lại" in beside

    other = RequestFactory(
        commune=commune,
        status=RequestStatus.RECEIVED,
        eligibility_override=None,
        eligibility_override_reason="",
    )
    client.post(
        reverse("homecare:request_decide", args=[other.pk, "accept"]),
        {"confirm_reason": "Tổ trưởng xác nhận bà bị liệt"},
    )
    other.refresh_from_db()
    assert other.status == RequestStatus.ACCEPTED and other.eligibility_override is True


# --- Matching the registry, and the GPS point ------------------------------------------------


def test_the_score_weighs_name_year_phone_and_street_without_diacritics():
    asked = RequestFacts(
        name="Bà Nguyen Thi Nam", birth_year=1944, address="12 hai ba trung", phones=("0912345678",)
    )
    same = ResidentFacts("Nguyễn Thị Năm", 1944, "0912345678", "12", "Hai Bà Trưng")
    points, reasons = score(asked, same)
    assert points == 4 + 3 + 4 + 2 and len(reasons) == 4
    namesake = ResidentFacts("Nguyễn Thị Năm", 1990, "", "40", "Lý Tự Trọng")
    assert score(asked, namesake)[0] < 4  # another generation, another street


def test_likely_residents_are_found_and_one_tap_links_and_takes_the_gps(
    commune, officer, officer_access, hc_settings
):
    home = HouseholdFactory(
        commune=commune,
        house_number="12",
        street="Hai Bà Trưng",
        latitude=CENTER[0] + Decimal("0.002"),
        longitude=CENTER[1] + Decimal("0.001"),
    )
    her = ResidentFactory(
        commune=commune, household=home, full_name="Nguyễn Thị Năm", birth_year=1944
    )
    ResidentFactory(commune=commune, full_name="Nguyễn Thị Năm", birth_year=1991)
    request = RequestFactory(
        commune=commune,
        status=RequestStatus.RECEIVED,
        person_name="Nguyen Thi Nam",
        person_birth_year=1944,
        address="12 Hai Ba Trung",
        latitude=None,
        longitude=None,
    )
    matches = likely_residents(
        officer_access,
        RequestFacts(request.person_name, 1944, request.address, ("0912345678",)),
        purpose="test",
    )
    assert [m.resident for m in matches] == [her]
    client = client_in(officer, commune)
    page = client.get(reverse("homecare:request_detail", args=[request.pk])).content.decode()
    assert f'data-match="{her.pk}"' in page
    client.post(reverse("homecare:request_link", args=[request.pk]), {"resident": her.pk})
    request.refresh_from_db()
    assert request.resident == her
    assert (request.latitude, request.longitude) == (home.latitude, home.longitude)
    assert request.location_source == LocationSource.HOUSEHOLD


def test_the_phones_location_at_the_house_gives_the_point(
    commune, officer, officer_access, hc_settings
):
    HouseholdFactory(commune=commune, latitude=CENTER[0], longitude=CENTER[1])
    request = RequestFactory(commune=commune, latitude=None, longitude=None)
    client = client_in(officer, commune)
    page = client.get(reverse("homecare:request_detail", args=[request.pk])).content.decode()
    assert "data-geolocate-form" in page and "data-geolocate hidden" in page  # JS shows it
    client.post(
        reverse("homecare:request_link", args=[request.pk]),
        {
            "location": "phone",
            "latitude": str(CENTER[0] + Decimal("0.0012347")),
            "longitude": str(CENTER[1]),
            "accuracy": "8",
        },
    )
    request.refresh_from_db()
    assert request.latitude == CENTER[0] + Decimal("0.001235")  # rounded to 6 places
    assert (request.location_source, request.location_accuracy_m) == (LocationSource.PHONE, 8)
    assert AuditEvent.objects.filter(object_id=str(request.pk), note="GPS point").exists()


def test_a_phone_point_far_outside_the_commune_is_refused(commune, officer_access, hc_settings):
    HouseholdFactory(commune=commune, latitude=CENTER[0], longitude=CENTER[1])
    request = RequestFactory(commune=commune, latitude=None, longitude=None)
    with pytest.raises(DomainError):
        services.request_set_location(
            access=officer_access,
            request=request,
            latitude=Decimal("21.028511"),  # Hà Nội
            longitude=Decimal("105.804817"),
        )
    request.refresh_from_db()
    assert request.latitude is None


def test_the_location_post_checks_role_and_commune(commune, other_commune, officer, hc_settings):
    request = RequestFactory(commune=commune, latitude=None, longitude=None)
    assert_view_access(
        url=reverse("homecare:request_link", args=[request.pk]),
        method="post",
        data={"location": "phone", "latitude": str(CENTER[0]), "longitude": str(CENTER[1])},
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER},
        ok_status=302,
    )


# --- At the home: arrival on the planned day, one way to record departure ---------------------


@pytest.fixture
def booked(commune, officer, officer_profile, officer_access, plan_day):
    request = RequestFactory(commune=commune)
    return services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )


def test_arriving_a_day_early_is_refused_until_the_officer_confirms(booked, officer_access):
    with pytest.raises(DomainError) as refused:
        services.visit_arrive(access=officer_access, visit=booked, allow_other_day=False)
    assert refused.value.field == "other_day"
    assert HomeVisit.objects.get(pk=booked.pk).arrived_at is None
    services.visit_arrive(access=officer_access, visit=booked, allow_other_day=True)
    assert AuditEvent.objects.filter(note="arrived on another day than planned").exists()


def test_the_visit_page_warns_before_an_early_arrival(commune, officer, booked):
    client = client_in(officer, commune)
    url = reverse("homecare:visit_detail", args=[booked.pk])
    page = client.get(url).content.decode()
    assert "data-other-day" in page and 'data-action="arrive-other-day"' in page
    client.post(reverse("homecare:visit_arrive", args=[booked.pk]))  # a slip: nothing recorded
    assert HomeVisit.objects.get(pk=booked.pk).arrived_at is None
    client.post(reverse("homecare:visit_arrive", args=[booked.pk]), {"other_day": "1"})
    assert HomeVisit.objects.get(pk=booked.pk).arrived_at is not None


def test_on_the_planned_day_arrival_is_one_tap(commune, officer, booked, plan_day):
    with time_machine.travel(timezone.make_aware(datetime.combine(plan_day, time(9))), tick=False):
        client = client_in(officer, commune)
        page = client.get(reverse("homecare:visit_detail", args=[booked.pk])).content.decode()
        assert 'data-action="arrive"' in page and "data-other-day" not in page
        client.post(reverse("homecare:visit_arrive", args=[booked.pk]))
    assert HomeVisit.objects.get(pk=booked.pk).arrived_at is not None


def test_departure_is_recorded_one_way_only(commune, officer, officer_access, booked):
    services.visit_arrive(access=officer_access, visit=booked)
    page = (
        client_in(officer, commune)
        .get(reverse("homecare:visit_detail", args=[booked.pk]))
        .content.decode()
    )
    assert 'data-action="leave"' not in page  # no second "I am leaving" button
    assert 'name="left_at"' in page  # the record's "Left at" is the one way


def test_a_visit_record_cannot_arrive_in_the_future(booked, officer_access):
    with pytest.raises(DomainError) as refused:
        services.visit_record(
            access=officer_access,
            visit=booked,
            record=services.VisitRecord(
                outcome=VisitOutcome.NOBODY_HOME,
                arrived_at=timezone.now() + timedelta(days=1),
            ),
        )
    assert refused.value.field == "arrived_at"


# --- The public status shows the visit's date -------------------------------------------------


def _status_page(client, request):
    return client.post(
        reverse("public:status"), {"code": request.tracking_code, "phone_last4": "5678"}
    ).content.decode()


def test_the_public_status_shows_the_planned_and_the_done_visit_dates(
    client, public, commune, officer, officer_access, booked, plan_day
):
    request = booked.request
    page = _status_page(client, request)
    assert f'data-visit-day="{plan_day.isoformat()}"' in page
    assert plan_day.strftime("%d/%m/%Y") in page
    services.visit_arrive(access=officer_access, visit=booked)
    services.visit_record(
        access=officer_access,
        visit=booked,
        record=services.VisitRecord(
            outcome=VisitOutcome.PAPERS_TAKEN,
            person_confirmed=True,
            confirmed_by_name="Bà Năm",
        ),
    )
    page = _status_page(client, request)
    today = timezone.localdate()
    assert f'data-visited-day="{today.isoformat()}"' in page


def test_the_status_of_another_communes_request_is_not_found(client, public, other_commune):
    request = RequestFactory(commune=other_commune)
    page = _status_page(client, request)
    assert "data-visit-day" not in page and request.person_name not in page


def test_booking_helpers_ignore_another_communes_officers(
    commune, other_commune, officer, officer_access, officer_profile, other_officer, plan_day
):
    OfficerProfileFactory(commune=other_commune, user=other_officer)
    options = booking_options(officer_access, RequestFactory(commune=commune), plan_day)
    assert other_officer not in [o.officer for o in options.options]
