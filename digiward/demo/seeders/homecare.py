"""Demo home support: officers who visit homes, requests over the ward, a planned day.

Deterministic (the random generator is seeded with the commune code, the people are the
registry seeder's) and idempotent (requests carry fixed tracking codes; a request or a
plan that exists is left alone). Runs after `seed_users` and `seed_registry`.

What it builds around ``today``:
- the service center of Ninh Kiều as the start of every route, travel at 20 km/h × 1.3;
- four officers who visit homes (the demo officer `canbo` and three more sign-ins),
  two of them authorised to certify, one on leave on the planned day, one paired with a
  guidance-team volunteer;
- about thirty requests from residents who qualify (aged 60 or over, disability,
  limited mobility, chronic illness), a few from people not in the registry, in every
  status: received, accepted, scheduled, visited, completed (with authorization
  confirmations in the certification register), needs a second visit, rejected,
  cancelled;
- the day plan of the next working day after ``today`` for the three officers at work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.dates import day_text
from digiward.core.models import Absence, Commune, Membership, Role, User
from digiward.core.phones import PhoneError, parse_phone
from digiward.core.selectors import calendar_for
from digiward.demo import names
from digiward.demo.seeders.users import DEMO_PASSWORD
from digiward.homecare import services
from digiward.homecare.models import (
    TRACKING_ALPHABET,
    Authority,
    DayPlan,
    HomecareSettings,
    HomeSupportRequest,
    LegalForm,
    OfficerProfile,
    RequesterRelation,
    RequestSource,
    TimeWindow,
    TravelReason,
    Urgency,
    VisitOutcome,
)
from digiward.procedures.models import Procedure
from digiward.procedures.services import SEED, catalog_load
from digiward.registry.models import Resident

CENTER = (Decimal("10.034000"), Decimal("105.783000"))  # Ninh Kiều, by the wharf
CENTER_NAME = "Trung tâm Phục vụ hành chính công phường Ninh Kiều"


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    full_name: str
    authorities: tuple[str, ...]
    volunteer: str = ""
    on_leave: bool = False


OFFICERS = [
    DemoOfficer("canbo", "Nguyễn Văn Hùng", (Authority.CERTIFY,)),
    DemoOfficer("cb.phuong", "Trần Thị Phương", (Authority.CERTIFY, Authority.CIVIL_STATUS)),
    DemoOfficer("cb.tuan", "Lê Minh Tuấn", (), volunteer="tnv.khang"),
    DemoOfficer("cb.hanh", "Đặng Thu Hạnh", (Authority.SOCIAL_PROTECTION,), on_leave=True),
]
# (slug, weight): what people ask officers to come home for.
PROCEDURES = [
    ("chung-thuc-hop-dong-uy-quyen", 30),
    ("chung-thuc-chu-ky", 12),
    ("tro-cap-huu-tri-xa-hoi", 16),
    ("vneid-dang-ky-muc-1", 22),
    ("vneid-quen-mat-khau", 10),
    ("nop-ho-so-dich-vu-cong", 10),
]
MORNING = (time(7, 30), time(11, 0))
AFTERNOON = (time(13, 30), time(16, 30))
WINDOW_PATTERNS: list[list[tuple[int | None, time, time]]] = [
    [(None, *MORNING)],
    [(None, *AFTERNOON)],
    [(None, time(8, 0), time(10, 0)), (None, time(14, 0), time(16, 0))],
    [],  # any time of the working day
    [(None, time(9, 0), time(11, 30))],
]
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "089"]
# How many requests of each kind, in this order (the first ones go furthest along).
PLAN = [
    ("completed", 3),
    ("visited", 1),
    ("second_visit", 1),
    ("accepted", 19),
    ("accepted_thursdays", 2),  # only home on Thursdays: waits for a Thursday
    ("accepted_evening", 1),  # only home after work: outside every officer's hours
    ("received", 4),
    ("rejected", 1),
    ("cancelled", 1),
]
NOT_IN_REGISTRY = 3


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(8))


def _phone(rng: random.Random) -> str:
    while True:
        number = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        try:
            return parse_phone(number).national
        except PhoneError:
            continue


def _working_days_before(commune: Commune, day: date, count: int) -> date:
    calendar = calendar_for(commune)
    current, found = day, 0
    while found < count:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            found += 1
    return current


def _officers(commune: Commune, plan_day: date) -> list[User]:
    users = []
    for spec in OFFICERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={"full_name": spec.full_name, "email": f"{spec.username}@demo.digiward.vn"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, role=Role.OFFICER, commune=commune)
        volunteer = User.objects.filter(username=spec.volunteer).first() if spec.volunteer else None
        _profile, _created = OfficerProfile.objects.get_or_create(
            commune=commune,
            user=user,
            defaults={
                "authorities": list(spec.authorities),
                "volunteer": volunteer,
                "max_visits": 8,
            },
        )
        if (
            spec.on_leave
            and not Absence.objects.for_commune(commune)
            .filter(user=user)
            .covering(plan_day)
            .exists()
        ):
            Absence.objects.create(
                commune=commune,
                user=user,
                starts_on=plan_day,
                ends_on=plan_day + timedelta(days=1),
                reason="Tập huấn chuyển đổi số",
            )
        users.append(user)
    admin = User.objects.filter(username="quantri").first()
    if admin is not None:  # the administrator plans, and does not go out
        OfficerProfile.objects.get_or_create(
            commune=commune, user=admin, defaults={"takes_home_visits": False}
        )
    return users


def _candidates(commune: Commune, today: date) -> list[Resident]:
    return list(
        Resident.objects.for_commune(commune)
        .active()
        .filter(household__latitude__isnull=False)
        .filter(
            Q(birth_year__lte=today.year - 70)
            | Q(limited_mobility=True)
            | Q(disability=True)
            | Q(chronic_illness=True, birth_year__lte=today.year - 60)
        )
        .select_related("household")
        .order_by("household__code", "pk")[:600]
    )


def seed_homecare(*, commune: Commune, today: date) -> str:
    """Build the demo's home support; returns a one-line summary."""
    rng = random.Random(f"homecare:{commune.code}")
    if not Procedure.objects.filter(home_support_possible=True).exists():
        catalog_load(SEED)
    calendar = calendar_for(commune)
    plan_day = calendar.next_working_day(today + timedelta(days=1))
    with transaction.atomic():
        HomecareSettings.objects.get_or_create(
            commune=commune,
            defaults={
                "center_name": CENTER_NAME,
                "center_latitude": CENTER[0],
                "center_longitude": CENTER[1],
            },
        )
        officers = _officers(commune, plan_day)
    procedures = {
        p.slug: p
        for p in Procedure.objects.filter(
            commune__isnull=True, slug__in=[slug for slug, _w in PROCEDURES]
        )
    }
    people = _candidates(commune, today)
    rng.shuffle(people)
    created = 0
    index = 0
    for kind, count in PLAN:
        for _n in range(count):
            person = people[index] if index < len(people) else None
            index += 1
            created += _request(rng, commune, today, plan_day, kind, person, procedures, officers)
    for _n in range(NOT_IN_REGISTRY):
        created += _request(rng, commune, today, plan_day, "accepted", None, procedures, officers)
    planned = _plan(commune, plan_day, officers[0])
    return (
        f"home support: {created} requests created, {len(officers)} officers; "
        f"day plan {day_text(plan_day)}: {planned}"
    )


def _request(
    rng: random.Random,
    commune: Commune,
    today: date,
    plan_day: date,
    kind: str,
    person: Resident | None,
    procedures: dict[str, Procedure],
    officers: list[User],
) -> int:
    # Draw everything first, so that a request that exists changes no later draw.
    code = _code(rng)
    slug = rng.choices([s for s, _w in PROCEDURES], weights=[w for _s, w in PROCEDURES])[0]
    windows = rng.choice(WINDOW_PATTERNS)
    relative = rng.random() < 0.55
    family = person.full_name.split()[0] if person else names.surname(rng)
    helper_name = names.full_name(rng, sex=rng.choice(["male", "female"]), family_name=family)
    helper_phone = _phone(rng)
    stranger_name = names.full_name(rng, sex="female", family_name=family)
    offset = (rng.uniform(-0.010, 0.010), rng.uniform(-0.012, 0.009))
    received_ago = rng.randint(1, 9)
    urgent = rng.random() < 0.1
    with_email = rng.random() < 0.3
    visit_back, officer_pick = rng.randint(1, 4), rng.randrange(3)
    house = rng.randint(2, 180)
    if kind == "accepted_thursdays":
        windows = [(3, time(8, 0), time(11, 0))]
    elif kind == "accepted_evening":
        windows = [(None, time(17, 30), time(19, 30))]
    kind = "accepted" if kind.startswith("accepted") else kind
    if HomeSupportRequest.objects.filter(tracking_code=code).exists():
        return 0
    procedure = procedures.get(slug)
    if person is not None:
        household = person.household
        lat, lon = household.latitude, household.longitude
        name = person.full_name
        address = f"{household.house_number} {household.street}".strip() or household.address
        reason = (
            TravelReason.DISABILITY
            if person.disability
            else TravelReason.ILL
            if person.chronic_illness or person.limited_mobility
            else TravelReason.ELDERLY
        )
    else:
        lat = (CENTER[0] + Decimal(f"{offset[0]:.6f}")).quantize(Decimal("0.000001"))
        lon = (CENTER[1] + Decimal(f"{offset[1]:.6f}")).quantize(Decimal("0.000001"))
        name, address, reason = (
            stranger_name,
            f"{house} Hẻm 51 Ba Tháng Hai",
            TravelReason.ELDERLY,
        )
    received_on = calendar_for(commune).next_working_day(today - timedelta(days=received_ago))
    if received_on > today:
        received_on = today
    by_relative = relative or person is None or not person.phone
    source = RequestSource.PUBLIC_FORM if kind == "received" else RequestSource.PHONE_CALL
    with transaction.atomic():
        request = HomeSupportRequest.objects.create(
            commune=commune,
            tracking_code=code,
            source=source,
            person_name=name,
            person_phone="" if by_relative or person is None else person.phone,
            person_birth_year=person.birth_year if person else 1946,
            resident=person,
            requester_name=helper_name if by_relative else name,
            requester_phone=helper_phone
            if by_relative
            else (person.phone if person else helper_phone),
            requester_email=f"{code.lower()}@demo.digiward.vn" if with_email else "",
            requester_relation=RequesterRelation.RELATIVE
            if by_relative
            else RequesterRelation.SELF,
            address=address,
            area=person.household.area if person else None,
            latitude=None if kind == "received" and person is None else lat,
            longitude=None if kind == "received" and person is None else lon,
            procedure=procedure,
            reason=reason,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            preferred_times="Buổi sáng" if windows and windows[0][1] < time(12) else "",
            consent_at=timezone.make_aware(datetime.combine(received_on, time(9, 0))),
            received_on=received_on,
        )
        TimeWindow.objects.bulk_create(
            TimeWindow(request=request, weekday=w, starts_at=a, ends_at=b) for w, a, b in windows
        )
        services.refresh_deadline(request)
        services.refresh_eligibility(request)
        if person is None and kind != "received":
            request.eligibility_override = True
            request.eligibility_override_reason = (
                "Gọi điện xác nhận: cụ ở một mình, đi lại khó khăn"
            )
        request.save()
    if kind != "received":
        _advance(commune, today, request, kind, officers, visit_back, officer_pick)
    if kind == "second_visit":
        # The family asked for the second visit on a given day, after the planned one.
        TimeWindow.objects.filter(request=request).delete()
        TimeWindow.objects.create(
            request=request,
            on_date=calendar_for(commune).next_working_day(plan_day + timedelta(days=2)),
            starts_at=time(14, 0),
            ends_at=time(16, 30),
        )
    return 1


def _advance(
    commune: Commune,
    today: date,
    request: HomeSupportRequest,
    kind: str,
    officers: list[User],
    visit_back: int,
    officer_pick: int,
) -> None:
    officer = officers[0]
    access = access_for(officer, commune)
    assert access is not None
    if kind == "rejected":
        services.request_reject(
            access=access, request=request, reason="Cụ đi lại được, đã hướng dẫn đến Trung tâm"
        )
        return
    services.request_accept(access=access, request=request)
    if kind == "cancelled":
        services.request_cancel(access=access, request=request, reason="Gia đình đã tự làm")
        return
    if kind == "accepted":
        return
    # A visit on a past working day, recorded at the home.
    visit_day = _working_days_before(commune, today, visit_back)
    certifier = (
        officers[0]
        if request.procedure and request.procedure.field == "certification"
        else officers[officer_pick]
    )
    visit = services.visit_book(
        access=access_for(certifier, commune) or access,
        request=request,
        officer=certifier,
        day=visit_day,
    )
    visit.refresh_from_db()
    arrived = timezone.make_aware(datetime.combine(visit_day, visit.starts_at or time(8)))
    left = arrived + timedelta(minutes=35)
    their_access = access_for(certifier, commune) or access
    if kind == "second_visit":
        services.visit_record(
            access=their_access,
            visit=visit,
            record=services.VisitRecord(
                outcome=VisitOutcome.NOBODY_HOME,
                arrived_at=arrived,
                left_at=arrived + timedelta(minutes=5),
            ),
        )
        return
    if request.procedure and request.procedure.slug == "chung-thuc-hop-dong-uy-quyen":
        services.authorization_record(
            access=their_access,
            visit=visit,
            data=services.AuthorizationData(
                principal_name=request.person_name,
                agent_name=request.requester_name
                if request.requester_name != request.person_name
                else "Nguyễn Thị Hoa",
                agent_relation="Con",
                scope="Nhận trợ cấp hưu trí xã hội hằng tháng tại UBND phường thay cho người ủy quyền",
                legal_form=LegalForm.CONTRACT,
                fingerprinted=True,
                fee_vnd=50000,
            ),
        )
    services.visit_record(
        access=their_access,
        visit=visit,
        record=services.VisitRecord(
            outcome=VisitOutcome.COMPLETED_ON_SITE
            if kind == "completed"
            else VisitOutcome.PAPERS_TAKEN,
            arrived_at=arrived,
            left_at=left,
            documents_checked=tuple(request.procedure.documents[:2]) if request.procedure else (),
            person_confirmed=True,
            confirmed_by_name=request.person_name,
            complete_now=kind == "completed",
        ),
    )


def _plan(commune: Commune, day: date, planner: User) -> str:
    plan = services.dayplan_for(commune, day)
    if plan.planned_at is None:
        # VROOM only, no time-bounded polish: the same ward gives the same plan every run.
        services.dayplan_solve(
            plan.pk, acting_user=planner, polish_seconds=0, time_limit_seconds=None
        )
    plan = DayPlan.objects.get(pk=plan.pk)
    used = plan.routes.filter(departs_at__isnull=False).count()
    visits = sum(r.visits.filter(status="planned").count() for r in plan.routes.all())
    return f"{visits} visits on {used} routes, {len(plan.unassigned)} left out"
