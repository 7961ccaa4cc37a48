"""The province roll-up: every commune of the province side by side, rates per 1,000
adults, the furthest behind first, and parts that add up to the whole."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import SESSION_KEY
from digiward.core.models import Commune, Role
from digiward.core.testing import signed_in_client, user_with_role
from digiward.core.tests.factories import CommuneFactory, UserFactory
from digiward.guidance.models import HelpSession
from digiward.homecare.models import RequestStatus
from digiward.homecare.tests.factories import RequestFactory
from digiward.registry.journey import RUNG, TOP_RUNG, MilestoneKind, MilestoneSource
from digiward.registry.models import Milestone, ResidentStatus
from digiward.registry.tests.factories import ResidentFactory
from digiward.reports.selectors import province_rollup
from digiward.reports.selectors.province import trend_months
from digiward.reports.templatetags.charts import points

pytestmark = pytest.mark.django_db

VNEID2 = RUNG[MilestoneKind.VNEID_LEVEL2]
ONLINE = RUNG[MilestoneKind.FIRST_ONLINE_SERVICE]


def _adults(commune: Commune, *rungs: int) -> None:
    for rung in rungs:
        ResidentFactory(commune=commune, birth_year=1970, journey_rung=rung)


def _session(commune: Commune, helper, on: date) -> None:
    HelpSession.objects.create(
        commune=commune, helped_on=on, helper=helper, outcome="done", minutes=5
    )


def test_rates_are_per_1000_adults_and_leave_out_children_and_people_gone(commune):
    year = timezone.localdate().year
    _adults(commune, 0, VNEID2, VNEID2 + 1, TOP_RUNG)
    ResidentFactory(commune=commune, birth_year=None, journey_rung=0)  # unknown age: counted
    ResidentFactory(commune=commune, birth_year=year - 10, journey_rung=TOP_RUNG)  # a child
    ResidentFactory(commune=commune, birth_year=1950, journey_not_applicable=True)
    ResidentFactory(
        commune=commune, birth_year=1950, journey_rung=TOP_RUNG, status=ResidentStatus.MOVED_AWAY
    )

    row = province_rollup(commune.province).rows[0]

    assert row.commune == commune
    assert row.reach.adults == 5
    assert (row.reach.vneid_level2, row.reach.online_service, row.reach.independent) == (3, 2, 1)
    assert row.vneid_level2_rate == 600.0  # 3 of 5 adults
    assert row.independent_rate == 200.0
    assert row.on_journey_rate == 600.0


def test_the_furthest_behind_come_first_and_any_column_sorts(commune, other_commune):
    _adults(commune, VNEID2, VNEID2, 0, 0)  # 500 per 1,000
    _adults(other_commune, VNEID2, 0, 0, 0)  # 250 per 1,000
    quiet = CommuneFactory(province=commune.province, name="Xã Không Có Số Liệu")
    helper = UserFactory()
    _session(quiet, helper, timezone.localdate())  # activity, but no adults: rates unknown

    def order(sort: str) -> list[str]:
        return [row.commune.code for row in province_rollup(commune.province, sort=sort).rows]

    assert order("") == [other_commune.code, commune.code, quiet.code]
    assert order("-vneid_level2") == [commune.code, other_commune.code, quiet.code]
    assert order("nonsense")[0] == other_commune.code  # an unknown sort is the default
    assert order("-help_sessions")[-1] == quiet.code  # no adults: no rate, always last
    assert order("-adults")[-1] == quiet.code


def test_communes_that_have_not_started_are_listed_apart(commune, other_commune):
    _adults(commune, 1)
    rollup = province_rollup(commune.province)
    assert [row.commune for row in rollup.rows] == [commune]
    assert rollup.without_data == [other_commune]


@dataclass
class Expected:
    adults: int = 0
    vneid_level2: int = 0
    independent: int = 0
    sessions: int = 0
    open_requests: int = 0
    overdue: int = 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_communes_add_up_to_the_province_on_generated_data(province, seed):
    """Random residents, help sessions and requests over four communes; the expected
    figures are counted here, in Python, from what was generated — not by the queries
    under test — and both each commune's row and the province's total must match."""
    rng = random.Random(seed)
    today = timezone.localdate()
    helper = UserFactory()
    communes = [CommuneFactory(province=province) for _ in range(4)]
    expected: dict[int, Expected] = {}
    for commune in communes:
        counts = expected.setdefault(commune.pk, Expected())
        for _ in range(rng.randint(0, 12)):
            rung = rng.randint(0, TOP_RUNG)
            child = rng.random() < 0.2
            gone = rng.random() < 0.1
            ResidentFactory(
                commune=commune,
                journey_rung=rung,
                birth_year=today.year - (8 if child else 40),
                status=ResidentStatus.MOVED_AWAY if gone else ResidentStatus.ACTIVE,
            )
            if not child and not gone:
                counts.adults += 1
                counts.vneid_level2 += rung >= VNEID2
                counts.independent += rung == TOP_RUNG
        for _ in range(rng.randint(0, 5)):
            days_ago = rng.randint(0, 45)
            _session(commune, helper, today - timedelta(days=days_ago))
            counts.sessions += days_ago < 30
        for _ in range(rng.randint(0, 3)):
            status = rng.choice([RequestStatus.ACCEPTED, RequestStatus.COMPLETED])
            due = today + timedelta(days=rng.choice([-3, 2]))
            RequestFactory(commune=commune, status=status, due_on=due)
            if status == RequestStatus.ACCEPTED:
                counts.open_requests += 1
                counts.overdue += due < today

    rollup = province_rollup(province)

    by_commune = {row.commune.pk: row for row in rollup.rows}
    for commune in communes:
        want = expected[commune.pk]
        row = by_commune.get(commune.pk)
        if row is None:
            assert want == Expected(), commune
            continue
        got = Expected(
            row.reach.adults,
            row.reach.vneid_level2,
            row.reach.independent,
            row.help_sessions,
            row.requests.open,
            row.requests.overdue,
        )
        assert got == want, commune
    total = rollup.total
    assert total.reach.adults == sum(e.adults for e in expected.values())
    assert total.reach.vneid_level2 == sum(e.vneid_level2 for e in expected.values())
    assert total.reach.independent == sum(e.independent for e in expected.values())
    assert total.help_sessions == sum(e.sessions for e in expected.values())
    assert total.requests.open == sum(e.open_requests for e in expected.values())
    assert total.requests.overdue == sum(e.overdue for e in expected.values())
    if total.reach.adults:  # the province's rate is from its sums, not a mean of rates
        assert total.vneid_level2_rate == round(
            1000 * total.reach.vneid_level2 / total.reach.adults, 1
        )


def test_the_trend_counts_steps_reached_per_month(commune):
    today = date(2026, 12, 7)
    resident = ResidentFactory(commune=commune)
    reached = (date(2026, 12, 1), date(2026, 11, 30), date(2026, 11, 2), date(2026, 5, 1))
    for kind, achieved in zip(MilestoneKind, reached, strict=False):  # one of each kind
        Milestone.objects.create(
            commune=commune,
            resident=resident,
            kind=kind,
            achieved_on=achieved,
            source=MilestoneSource.OFFICER,
        )
    rollup = province_rollup(commune.province, today=today)
    assert rollup.months == [date(2026, m, 1) for m in (7, 8, 9, 10, 11, 12)]
    assert rollup.rows[0].trend == (0, 0, 0, 0, 2, 1)  # May is older than six months
    assert rollup.total.trend == (0, 0, 0, 0, 2, 1)


def test_trend_months_cross_the_new_year():
    assert trend_months(date(2027, 2, 14), 4) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_sparkline_points_scale_to_the_largest_value():
    assert points([0, 5, 10], width=22, height=12) == "2.0,10.0 11.0,6.0 20.0,2.0"
    assert points([0, 0], width=22, height=12) == "2.0,10.0 20.0,10.0"  # flat, no division by 0
    assert points([]) == ""


def test_the_roll_up_reads_the_same_few_queries_for_many_communes(
    province, django_assert_max_num_queries
):
    for _ in range(3):
        _adults(CommuneFactory(province=province), 1, VNEID2)
    # communes, reach, sessions, requests, milestones by month, skills confirmed
    with django_assert_max_num_queries(6) as few:
        province_rollup(province)
    for _ in range(12):
        _adults(CommuneFactory(province=province), 1, VNEID2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(province_rollup(province).rows) == 15


def test_a_province_viewer_lands_on_the_roll_up_and_can_open_a_commune(commune, other_commune):
    _adults(commune, VNEID2, 0)
    viewer = user_with_role(Role.PROVINCE_VIEWER, commune)
    client = signed_in_client(viewer)

    landed = client.get(reverse("reports:home"))
    assert landed.status_code == 302 and landed["Location"] == reverse("reports:province")

    page = client.get(reverse("reports:province")).content.decode()
    assert commune.name in page and "500,0" in page  # Vietnamese decimals: 1 of 2 adults
    assert other_commune.name in page  # among those that have not started

    opened = client.post(
        reverse("core:choose_commune"), {"commune": commune.code, "next": reverse("reports:home")}
    )
    assert opened.status_code == 302 and client.session[SESSION_KEY] == commune.pk
    home = client.get(reverse("reports:home"))
    assert home.status_code == 200
    assert reverse("reports:province") in home.content.decode()  # the way back


def test_a_commune_user_is_not_sent_to_the_roll_up(client_for, officer):
    response = client_for(officer).get(reverse("reports:home"))
    assert response.status_code == 200
    assert reverse("reports:province") not in response.content.decode()


def test_another_province_never_shows(commune, far_commune):
    _adults(commune, VNEID2)
    _adults(far_commune, VNEID2)
    viewer = signed_in_client(user_with_role(Role.PROVINCE_VIEWER, far_commune))
    page = viewer.get(reverse("reports:province")).content.decode()
    assert far_commune.name in page
    assert commune.name not in page
