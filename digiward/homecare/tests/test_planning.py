"""Planning a day: routes that respect windows, hours and authority; reasons for the rest;
hand changes re-checked; a generated Solomon-format instance through the Django planner."""

from __future__ import annotations

import math
import random
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.homecare import dayplan, services
from digiward.homecare.dayplan import (
    DayProblem,
    IssueKind,
    LeftOutReason,
    OfficerSpec,
    StopSpec,
    best_insertion,
    check_route,
    solve_day,
)
from digiward.homecare.models import (
    Authority,
    DayPlan,
    HomeSupportRequest,
    HomeVisit,
    OfficerRoute,
    RequestStatus,
    TimeWindow,
    VisitStatus,
)
from digiward.homecare.planner import (
    gather_day,
    officer_spec,
    seconds_of,
    time_of,
    travel_for,
    without_break,
)
from digiward.homecare.selectors import plan_overview
from digiward.homecare.tests.factories import (
    CENTER,
    LeaveFactory,
    OfficerProfileFactory,
    RequestFactory,
    WindowFactory,
)
from digiward.homecare.wording import LEFT_OUT, left_out_label
from digiward.planning.routing import Point, StraightLineTravel, UnassignedReason
from digiward.planning.solomon import read_solomon

CENTER_POINT = Point(float(CENTER[0]), float(CENTER[1]))
TRAVEL = StraightLineTravel()
H = 3600


def near(dlat, dlon):
    return Point(CENTER_POINT.lat + dlat, CENTER_POINT.lon + dlon)


# --- Pure: the solver adapter and the hand checks ---------------------------------------------


def test_every_reason_code_has_words():
    codes = {r.value for r in UnassignedReason} | {r.value for r in LeftOutReason}
    assert codes == set(LEFT_OUT)
    assert all(left_out_label(code) != code for code in codes)


def test_a_visit_must_end_while_someone_is_home():
    stop = StopSpec("a", near(0.001, 0), 1800, windows=((8 * H, 9 * H), (14 * H, 14 * H + 600)))
    assert stop.start_windows() == ((8 * H, 8 * H + 1800),)  # the 10-minute window is too short


def test_solve_day_respects_windows_hours_and_authority():
    officers = (
        OfficerSpec("certifier", (7 * H + 1800, 16 * H + 1800), frozenset({Authority.CERTIFY})),
        OfficerSpec("helper", (7 * H + 1800, 16 * H + 1800)),
    )
    stops = (
        StopSpec(
            "cert", near(0.004, -0.002), 1800, ((8 * H, 10 * H),), frozenset({Authority.CERTIFY})
        ),
        StopSpec("vneid", near(-0.003, 0.002), 1800, ((13 * H, 15 * H),)),
        StopSpec("any", near(0.002, 0.003), 2400),
        StopSpec("evening", near(0.001, 0.001), 1800, ((18 * H, 20 * H),)),
        StopSpec("short", near(0.001, 0.002), 3600, ((9 * H, 9 * H + 1200),)),
    )
    solution = solve_day(DayProblem(CENTER_POINT, officers, stops), TRAVEL, polish_seconds=0)
    routed = {s.key: r.officer_key for r in solution.routes for s in r.stops}
    assert routed["cert"] == "certifier"
    assert {"vneid", "any"} <= set(routed)
    reasons = {item.key: item.reason for item in solution.left_out}
    assert reasons == {
        "evening": UnassignedReason.WINDOW_OUTSIDE_ALL_SHIFTS,
        "short": LeftOutReason.WINDOW_TOO_SHORT,
    }
    for route in solution.routes:
        for stop in route.stops:
            spec = next(s for s in stops if s.key == stop.key)
            assert (
                any(a <= stop.start and stop.end <= b for a, b in spec.windows) or not spec.windows
            )
        assert route.return_time <= 16 * H + 1800


def test_a_certification_with_nobody_authorised_is_left_out_with_its_reason():
    officers = (OfficerSpec("helper", (7 * H, 17 * H)),)
    stops = (StopSpec("cert", near(0.002, 0), 1800, (), frozenset({Authority.CERTIFY})),)
    solution = solve_day(DayProblem(CENTER_POINT, officers, stops), TRAVEL, polish_seconds=0)
    assert [(i.key, i.reason) for i in solution.left_out] == [
        ("cert", UnassignedReason.NO_OFFICER_WITH_SKILLS)
    ]


def test_a_full_day_leaves_visits_out_with_no_time_left():
    officers = (OfficerSpec("alone", (8 * H, 10 * H)),)
    stops = tuple(StopSpec(f"s{i}", near(0.001 * i, 0), 1800) for i in range(6))
    solution = solve_day(DayProblem(CENTER_POINT, officers, stops), TRAVEL, polish_seconds=0)
    assert len(solution.routes[0].stops) in (3, 4)
    assert {i.reason for i in solution.left_out} == {UnassignedReason.NO_TIME_LEFT}


def test_no_officer_at_all():
    stops = (StopSpec("a", near(0.001, 0), 1800),)
    solution = solve_day(DayProblem(CENTER_POINT, (), stops), TRAVEL)
    assert [i.reason for i in solution.left_out] == [LeftOutReason.NO_OFFICER_AVAILABLE]


def test_check_route_finds_the_first_problem_and_agrees_with_planning():
    officer = OfficerSpec("o", (8 * H, 12 * H))
    early = StopSpec("early", near(0.002, 0), 1800, ((8 * H, 9 * H),))
    late = StopSpec("late", near(-0.002, 0), 1800, ((10 * H, 11 * H),))
    ok = check_route(CENTER_POINT, officer, [early, late], TRAVEL)
    assert ok.ok and [s.key for s in ok.route.stops] == ["early", "late"]
    assert ok.route.stops[1].start == 10 * H  # waits for the window
    assert ok.route.departure == 8 * H  # leaves in time for the first window, not earlier
    wrong = check_route(
        CENTER_POINT, OfficerSpec("o", (10 * H + 1800, 12 * H)), [early, late], TRAVEL
    )
    assert wrong.issue.kind == IssueKind.LATE and wrong.issue.key == "early"
    tight = check_route(
        CENTER_POINT, OfficerSpec("o", (8 * H, 10 * H + 1800)), [early, late], TRAVEL
    )
    assert tight.issue.kind == IssueKind.AFTER_HOURS
    cert = StopSpec("cert", near(0.001, 0), 600, (), frozenset({Authority.CERTIFY}))
    assert check_route(CENTER_POINT, officer, [cert], TRAVEL).issue.kind == IssueKind.AUTHORITY
    capped = OfficerSpec("o", (8 * H, 12 * H), max_visits=1)
    assert (
        check_route(CENTER_POINT, capped, [early, late], TRAVEL).issue.kind == IssueKind.MAX_VISITS
    )


def test_best_insertion_puts_a_visit_where_it_fits():
    officer = OfficerSpec("o", (8 * H, 12 * H))
    stops = [
        StopSpec("a", near(0.002, 0), 1800, ((8 * H, 9 * H),)),
        StopSpec("c", near(0.006, 0), 1800, ((10 * H, 11 * H),)),
    ]
    between = StopSpec("b", near(0.004, 0), 1800, ((9 * H, 10 * H),))
    order, result = best_insertion(CENTER_POINT, officer, stops, between, TRAVEL)
    assert [s.key for s in order] == ["a", "b", "c"] and result.ok
    impossible = StopSpec("x", near(0.004, 0), 1800, ((13 * H, 14 * H),))
    order, result = best_insertion(CENTER_POINT, officer, stops, impossible, TRAVEL)
    assert order is None and result.issue.kind in (IssueKind.LATE, IssueKind.AFTER_HOURS)


# --- The Django planner -------------------------------------------------------------------------


pytestmark_db = pytest.mark.django_db


@pytest.fixture
def third_officer(commune, hc_settings):
    from digiward.core.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="tuan", full_name="Lê Minh Tuấn")
    MembershipFactory(user=user, commune=commune)
    return OfficerProfileFactory(commune=commune, user=user)


@pytest.mark.django_db
def test_planning_a_day_writes_routes_and_lists_what_did_not_fit(
    commune, officer, admin, officer_profile, admin_profile, third_officer, plan_day, certification
):
    LeaveFactory(commune=commune, officer=third_officer, starts_on=plan_day, ends_on=plan_day)
    morning = [RequestFactory(commune=commune) for _ in range(4)]
    for request in morning:
        WindowFactory(request=request, starts_at=time(8), ends_at=time(11))
    cert = RequestFactory(commune=commune, procedure=certification)
    no_gps = RequestFactory(commune=commune, latitude=None, longitude=None)
    evening = RequestFactory(commune=commune)
    WindowFactory(request=evening, starts_at=time(18), ends_at=time(20))
    other_day = RequestFactory(commune=commune)
    WindowFactory(request=other_day, on_date=plan_day + timedelta(days=1))
    received = RequestFactory(commune=commune, status=RequestStatus.RECEIVED)

    plan = services.dayplan_for(commune, plan_day)
    outcome = services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)

    assert outcome.assigned == 5 and outcome.new_visits == 5
    visits = HomeVisit.objects.filter(day=plan_day, status=VisitStatus.PLANNED)
    assert {v.request_id for v in visits} == {r.pk for r in [*morning, cert]}
    assert visits.get(request=cert).officer == officer  # the only one who may certify
    assert not visits.filter(officer=third_officer.user).exists()  # on leave
    for visit in visits:
        assert (time(8) <= visit.starts_at and visit.ends_at <= time(11)) or visit.request == cert
    plan.refresh_from_db()
    reasons = {item["request"]: item["reason"] for item in plan.unassigned}
    assert reasons == {
        no_gps.pk: LeftOutReason.NO_LOCATION,
        evening.pk: UnassignedReason.WINDOW_OUTSIDE_ALL_SHIFTS,
        other_day.pk: LeftOutReason.NOT_HOME_THAT_DAY,
    }
    assert received.pk not in reasons
    assert all(
        r.status == RequestStatus.SCHEDULED
        for r in HomeSupportRequest.objects.filter(pk__in=[x.pk for x in [*morning, cert]])
    )
    overview = plan_overview(commune, plan_day)
    assert {lo.reason for lo in overview.left_out} == {
        left_out_label(code) for code in reasons.values()
    }
    assert next(r for r in overview.routes if r.officer_id == third_officer.user_id).unavailable


def test_the_break_is_cut_out_of_the_times_someone_is_home():
    noon = (seconds_of(time(11, 30)), seconds_of(time(13, 30)))
    h = 3600
    assert without_break((), noon) == ((0, noon[0]), (noon[1], 24 * h - 1))
    assert without_break(((8 * h, 11 * h),), noon) == ((8 * h, 11 * h),)
    assert without_break(((11 * h, 14 * h),), noon) == ((11 * h, noon[0]), (noon[1], 14 * h))
    assert without_break(((12 * h, 13 * h),), noon) == ()


@pytest.mark.django_db
def test_no_visit_is_planned_across_the_lunch_break(
    commune, officer, officer_profile, plan_day, hc_settings
):
    """Officers break from 11:30 to 13:30: a busy day continues after the break, a
    person at home only at noon is listed with the reason."""
    anytime = [RequestFactory(commune=commune) for _ in range(9)]
    noon = RequestFactory(commune=commune)  # 30 minutes needed, 15 before the break
    WindowFactory(request=noon, starts_at=time(11, 15), ends_at=time(13, 15))
    around = RequestFactory(commune=commune)
    WindowFactory(request=around, starts_at=time(11, 15), ends_at=time(14, 30))

    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)

    visits = list(HomeVisit.objects.filter(day=plan_day, status=VisitStatus.PLANNED))
    assert visits and all(v.ends_at <= time(11, 30) or v.starts_at >= time(13, 30) for v in visits)
    assert any(v.starts_at >= time(13, 30) for v in visits), "the afternoon is used"
    assert {v.request_id for v in visits} >= {around.pk} | {r.pk for r in anytime[:4]}
    plan.refresh_from_db()
    reasons = {item["request"]: item["reason"] for item in plan.unassigned}
    assert reasons.get(noon.pk) == LeftOutReason.ONLY_HOME_AT_LUNCH
    assert LEFT_OUT[LeftOutReason.ONLY_HOME_AT_LUNCH]


@pytest.mark.django_db
def test_home_only_inside_the_break_is_never_read_as_any_time(
    commune, officer, officer_profile, officer_access, plan_day, hc_settings
):
    """12:00–12:20 for a 30-minute visit: left out with the lunch reason, never put at
    08:00 when nobody is home; the officer may still book it by hand at noon."""
    short = RequestFactory(commune=commune)
    WindowFactory(request=short, starts_at=time(12), ends_at=time(12, 50))
    shorter = RequestFactory(commune=commune)  # too short even without the break
    WindowFactory(request=shorter, starts_at=time(12), ends_at=time(12, 20))
    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    assert not HomeVisit.objects.filter(request__in=[short, shorter]).exists()
    plan.refresh_from_db()
    assert {i["request"]: i["reason"] for i in plan.unassigned} == {
        short.pk: LeftOutReason.ONLY_HOME_AT_LUNCH,
        shorter.pk: LeftOutReason.WINDOW_TOO_SHORT,  # break or not, 20 minutes are too few
    }
    visit = services.visit_book(access=officer_access, request=short, officer=officer, day=plan_day)
    assert time(12) <= visit.starts_at and visit.ends_at <= time(12, 50)
    # Another booking on the same route re-times it: the noon visit keeps its place, and
    # the new one (home any time) is not put in the break.
    later = RequestFactory(commune=commune)
    added = services.visit_book(access=officer_access, request=later, officer=officer, day=plan_day)
    visit.refresh_from_db()
    assert time(12) <= visit.starts_at and visit.ends_at <= time(12, 50)
    assert added.ends_at <= time(11, 30) or added.starts_at >= time(13, 30)
    # Planning the day again keeps the noon visit (booked by hand, lunch-only) and keeps
    # everyone else out of the break.
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert time(12) <= visit.starts_at and visit.ends_at <= time(12, 50)
    for other in HomeVisit.objects.filter(status=VisitStatus.PLANNED).exclude(pk=visit.pk):
        assert other.ends_at <= time(11, 30) or other.starts_at >= time(13, 30)


@pytest.mark.django_db
def test_a_visit_planned_before_the_break_was_set_moves_out_of_it_on_replanning(
    commune, officer, officer_profile, plan_day, hc_settings
):
    hc_settings.lunch_starts = hc_settings.lunch_ends = None
    hc_settings.save()
    request = RequestFactory(commune=commune, visit_minutes=45)
    WindowFactory(request=request, starts_at=time(11), ends_at=time(17))
    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    visit = HomeVisit.objects.get(request=request)
    assert visit.starts_at < time(11, 30), "planned across what will be the break"
    hc_settings.lunch_starts, hc_settings.lunch_ends = time(11, 30), time(13, 30)
    hc_settings.save()
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    visit = HomeVisit.objects.get(request=request, status=VisitStatus.PLANNED)
    assert visit.starts_at >= time(13, 30)


@pytest.mark.django_db
def test_without_a_lunch_break_a_noon_visit_is_planned(
    commune, officer, officer_profile, plan_day, hc_settings
):
    hc_settings.lunch_starts = hc_settings.lunch_ends = None
    hc_settings.save()
    noon = RequestFactory(commune=commune)
    WindowFactory(request=noon, starts_at=time(11, 15), ends_at=time(13, 15))
    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    visit = HomeVisit.objects.get(request=noon)
    assert time(11, 15) <= visit.starts_at and visit.ends_at <= time(13, 15)


@pytest.mark.django_db
def test_planning_again_keeps_locked_routes_and_planned_people(
    commune, officer, admin, officer_profile, admin_profile, plan_day
):
    requests = [RequestFactory(commune=commune) for _ in range(6)]
    plan = services.dayplan_for(commune, plan_day)
    services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    before = {v.request_id: (v.officer_id, v.sequence) for v in HomeVisit.objects.all()}
    assert len(before) == 6
    route = OfficerRoute.objects.filter(plan=plan).exclude(departs_at=None).first()
    services.route_lock(access=_access(officer, commune), route=route, locked=True)
    locked_before = list(route.visits.values_list("pk", "sequence", "starts_at"))
    newcomer = RequestFactory(commune=commune)
    outcome = services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0)
    assert outcome.new_visits == 1
    assert list(route.visits.values_list("pk", "sequence", "starts_at")) == locked_before
    assert HomeVisit.objects.filter(status=VisitStatus.PLANNED).count() == 7
    assert HomeVisit.objects.get(request=newcomer).route != route
    # Nobody already told a day lost it, and no visit was duplicated.
    assert set(
        HomeVisit.objects.filter(status=VisitStatus.PLANNED).values_list("request", flat=True)
    ) == {r.pk for r in [*requests, newcomer]}


def _access(user, commune):
    from digiward.core.access import access_for

    return access_for(user, commune)


@pytest.mark.django_db
def test_moving_a_visit_to_an_officer_without_authority_is_refused(
    commune, officer, admin, officer_profile, admin_profile, officer_access, plan_day, certification
):
    cert = RequestFactory(commune=commune, procedure=certification)
    visit = services.visit_book(access=officer_access, request=cert, officer=officer, day=plan_day)
    with pytest.raises(DomainError) as refused:
        services.visit_move(access=officer_access, visit=visit, officer=admin)
    assert str(Authority.CERTIFY.label) in refused.value.message
    visit.refresh_from_db()
    assert visit.officer == officer and visit.status == VisitStatus.PLANNED
    plain = RequestFactory(commune=commune)
    other = services.visit_book(access=officer_access, request=plain, officer=officer, day=plan_day)
    services.visit_move(access=officer_access, visit=other, officer=admin)
    other.refresh_from_db()
    assert other.officer == admin and other.sequence == 1
    assert (
        OfficerRoute.objects.get(plan__day=plan_day, officer=officer)
        .visits.exclude(status=VisitStatus.CANCELLED)
        .count()
        == 1
    )


@pytest.mark.django_db
def test_reordering_by_hand_is_rechecked(
    commune, officer, officer_profile, officer_access, plan_day
):
    first = RequestFactory(commune=commune)
    WindowFactory(request=first, starts_at=time(8), ends_at=time(9))
    second = RequestFactory(commune=commune)
    WindowFactory(request=second, starts_at=time(9, 30), ends_at=time(16))
    a = services.visit_book(access=officer_access, request=first, officer=officer, day=plan_day)
    b = services.visit_book(access=officer_access, request=second, officer=officer, day=plan_day)
    assert (HomeVisit.objects.get(pk=a.pk).sequence, HomeVisit.objects.get(pk=b.pk).sequence) == (
        1,
        2,
    )
    with pytest.raises(DomainError) as refused:  # the 8–9 visit cannot come after a 9:30 one
        services.visit_reorder(access=officer_access, visit=b, step=-1)
    assert first.person_name in refused.value.message
    assert HomeVisit.objects.get(pk=b.pk).sequence == 2
    WindowFactory(request=first, starts_at=time(13), ends_at=time(16))  # now also home after 13:00
    services.visit_reorder(access=officer_access, visit=b, step=-1)
    assert (HomeVisit.objects.get(pk=a.pk).sequence, HomeVisit.objects.get(pk=b.pk).sequence) == (
        2,
        1,
    )


@pytest.mark.django_db
def test_booking_an_officer_on_leave_or_on_a_holiday_is_refused(
    commune, officer, officer_profile, officer_access, plan_day
):
    request = RequestFactory(commune=commune)
    LeaveFactory(
        commune=commune, officer=officer_profile, starts_on=plan_day, ends_on=plan_day, reason="Ốm"
    )
    with pytest.raises(DomainError) as refused:
        services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    assert refused.value.field == "day" and "Ốm" in refused.value.message
    assert officer.get_full_name() in refused.value.message
    from datetime import date

    with pytest.raises(DomainError) as holiday:
        services.visit_book(
            access=officer_access, request=request, officer=officer, day=date(2027, 2, 8)
        )
    assert "08/02/2027" in holiday.value.message
    assert HomeSupportRequest.objects.get(pk=request.pk).status == RequestStatus.ACCEPTED
    assert not HomeVisit.objects.exists()


@pytest.mark.django_db
def test_booking_the_same_request_twice_names_who_booked_it(
    commune, officer, admin, officer_profile, admin_profile, officer_access, admin_access, plan_day
):
    request = RequestFactory(commune=commune)
    services.visit_book(access=officer_access, request=request, officer=officer, day=plan_day)
    with pytest.raises(DomainError) as refused:
        services.visit_book(access=admin_access, request=request, officer=admin, day=plan_day)
    assert (
        _("%(officer)s has already booked this visit for %(day)s. Nothing was changed.")
        % {
            "officer": officer.get_full_name(),
            "day": f"{plan_day:%d/%m/%Y}",
        }
        == refused.value.message
    )
    assert HomeVisit.objects.count() == 1


@pytest.mark.django_db
def test_gather_needs_the_service_center(commune, officer_profile, plan_day):
    from digiward.homecare.models import HomecareSettings

    HomecareSettings.objects.filter(commune=commune).update(
        center_latitude=None, center_longitude=None
    )
    with pytest.raises(DomainError):
        gather_day(commune, plan_day)


# --- A generated Solomon-format instance through the Django planner ---------------------------


def generated_instance(rng, customers=24):
    """A small, always solvable VRPTW instance written in Solomon's text format.

    Coordinates are hundreds of metres around the depot (the service center); ready and due
    times are minutes after 07:30; service times are minutes.
    """
    rows = [(0, 50, 50, 0, 0, 540, 0)]
    for number in range(1, customers + 1):
        x, y = rng.randint(35, 65), rng.randint(35, 65)
        ready = rng.randint(0, 360)
        rows.append((number, x, y, 1, ready, ready + rng.randint(90, 150), rng.choice([20, 30])))
    lines = [
        "HC24",
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        "  3         100",
        "",
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
        "",
    ]
    lines += ["    " + "   ".join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_a_generated_solomon_instance_planned_through_the_django_planner(
    commune, officer, admin, officer_profile, admin_profile, third_officer, plan_day
):
    instance = read_solomon(generated_instance(random.Random(7)))
    depot = instance.depot
    metres_per_degree = 111_320.0
    day_start = 7 * H + 1800

    def to_point(c):
        dx, dy = (c.x - depot.x) * 100, (c.y - depot.y) * 100  # hundreds of metres
        return (
            Decimal(f"{CENTER_POINT.lat + dy / metres_per_degree:.6f}"),
            Decimal(
                f"{CENTER_POINT.lon + dx / (metres_per_degree * math.cos(math.radians(CENTER_POINT.lat))):.6f}"
            ),
        )

    by_request = {}
    for customer in instance.customers[1:]:
        lat, lon = to_point(customer)
        request = RequestFactory(
            commune=commune, latitude=lat, longitude=lon, visit_minutes=int(customer.service)
        )
        # Solomon's due date bounds the start; ours bounds the end: add the service time.
        TimeWindow.objects.create(
            request=request,
            starts_at=time_of(day_start + int(customer.ready) * 60),
            ends_at=time_of(day_start + int(customer.due + customer.service) * 60),
        )
        by_request[request.pk] = customer
    for profile in (officer_profile, admin_profile, third_officer):
        profile.work_starts, profile.work_ends = time(7, 30), time(16, 30)
        profile.save()

    plan = services.dayplan_for(commune, plan_day)
    outcome = services.dayplan_solve(plan.pk, acting_user=officer, polish_seconds=0.2)
    plan.refresh_from_db()

    assert outcome.assigned + len(plan.unassigned) == len(by_request)
    assert outcome.assigned >= len(by_request) - 2
    for item in plan.unassigned:
        assert item["reason"] in LEFT_OUT
    gathered = gather_day(commune, plan_day, plan)  # the planned visits, re-read
    settings = gathered.settings
    for route in OfficerRoute.objects.filter(plan=plan).exclude(departs_at=None):
        visits = list(route.visits.filter(status=VisitStatus.PLANNED).order_by("sequence"))
        stops = [
            next(s for s in gathered.problem.stops if s.key == str(v.request_id)) for v in visits
        ]
        profile = officer_profile.__class__.objects.get(user=route.officer)
        check = check_route(
            gathered.problem.center, officer_spec(profile), stops, travel_for(settings)
        )
        assert check.ok, check.issue
        for visit, stop in zip(visits, check.route.stops, strict=True):
            customer = by_request[visit.request_id]
            start = seconds_of(visit.starts_at) - day_start
            assert customer.ready * 60 <= start <= customer.due * 60
            assert stop.start == seconds_of(visit.starts_at)
    assert dayplan.LeftOutReason  # the module under test
    assert DayPlan.objects.get(pk=plan.pk).solve_seconds < 5
