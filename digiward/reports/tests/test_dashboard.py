"""The commune dashboard: every tile counts the same period and people, its parts add up
to its whole, a figure lists the people behind it (audited), another commune never shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.models import AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in, user_with_role
from digiward.core.tests.factories import UserFactory
from digiward.donations.tests.factories import scenario
from digiward.guidance.models import HelpSession, QueueTicket
from digiward.homecare.models import RequestStatus
from digiward.homecare.tests.factories import RequestFactory, SettingsFactory
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import Milestone, Sex
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory
from digiward.reports.selectors import DashboardFilters, commune_dashboard
from digiward.reports.selectors.dashboard import period_bounds
from digiward.reports.templatetags.charts import bar_rows

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)


def _session(commune, on: date, outcome: str = "done", **fields) -> HelpSession:
    helper = fields.pop("helper", None) or UserFactory()
    return HelpSession.objects.create(
        commune=commune, helped_on=on, helper=helper, outcome=outcome, minutes=5, **fields
    )


def _board(user, commune, **filters):
    return commune_dashboard(access_for(user, commune), DashboardFilters(**filters), today=TODAY)


def test_urls_are_guarded_by_role(commune, other_commune):
    assert_view_access(
        url=reverse("reports:dashboard"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER, Role.PROVINCE_VIEWER],
        scoped=False,  # no object: another commune's user sees their own commune's figures
    )
    assert_view_access(
        url=reverse("reports:dashboard_people") + "?rung=1",
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER],
        scoped=False,  # a list of the user's own commune; test_people_* check the scoping
    )


def test_the_ladder_adds_up_to_the_residents_and_per_area_to_the_commune(
    commune, other_commune, admin
):
    areas = [AreaFactory(commune=commune) for _ in range(3)]
    for i, rung in enumerate([0, 1, 1, 3, 5, 5, 5, 8, 2, 4]):
        household = HouseholdFactory(commune=commune, area=areas[i % 3])
        ResidentFactory(commune=commune, household=household, journey_rung=rung)
    ResidentFactory(commune=other_commune, journey_rung=8)  # never counted here
    ResidentFactory(commune=commune, journey_rung=0, birth_year=TODAY.year - 3)  # a child

    whole = _board(admin, commune)
    assert whole.adults == 10
    assert sum(item.rung.count for item in whole.ladder) == whole.adults
    assert [item.rung.count for item in whole.ladder] == [1, 2, 1, 1, 1, 3, 0, 0, 1]
    per_area = [_board(admin, commune, area_id=area.pk) for area in areas]
    for number in range(9):  # every rung: khu vực → commune
        assert sum(b.ladder[number].rung.count for b in per_area) == whole.ladder[number].rung.count


def test_steps_reached_count_only_the_period_and_the_people_filtered(commune, admin):
    woman = ResidentFactory(commune=commune, sex=Sex.FEMALE, journey_rung=2)
    man = ResidentFactory(commune=commune, sex=Sex.MALE, journey_rung=1)
    for resident, kind, on in [
        (woman, MilestoneKind.HAS_SMARTPHONE, date(2026, 12, 2)),
        (woman, MilestoneKind.HAS_SIM, date(2026, 11, 20)),  # last month
        (man, MilestoneKind.HAS_SMARTPHONE, date(2026, 12, 5)),
    ]:
        Milestone.objects.create(
            commune=commune,
            resident=resident,
            kind=kind,
            achieved_on=on,
            source=MilestoneSource.OFFICER,
        )
    this_month = {i.rung.kind: i.reached_in_period for i in _board(admin, commune).ladder}
    assert this_month[MilestoneKind.HAS_SMARTPHONE] == 2
    assert this_month[MilestoneKind.HAS_SIM] == 0
    assert this_month[None] is None  # rung 0 is not a milestone
    women = {
        i.rung.kind: i.reached_in_period for i in _board(admin, commune, sex=Sex.FEMALE).ladder
    }
    assert women[MilestoneKind.HAS_SMARTPHONE] == 1
    last_month = {
        i.rung.kind: i.reached_in_period for i in _board(admin, commune, period="last_month").ladder
    }
    assert last_month[MilestoneKind.HAS_SIM] == 1


def test_help_sessions_by_outcome_and_service_add_up_and_follow_the_filters(
    commune, other_commune, admin
):
    resident = ResidentFactory(commune=commune, sex=Sex.FEMALE, birth_year=1950)
    _session(commune, date(2026, 12, 1), "done", sex="male", age_band="18-39")
    _session(commune, date(2026, 12, 3), "partly", resident=resident)
    _session(commune, date(2026, 12, 6), "done", topic="Zalo")
    _session(commune, date(2026, 11, 30), "done")  # last month
    _session(other_commune, date(2026, 12, 2), "done")  # another commune

    board = _board(admin, commune)
    assert board.help.total == 3
    assert sum(t.count for t in board.help.by_outcome) == board.help.total
    assert sum(t.count for t in board.help.by_service) == board.help.total
    assert {t.key: t.count for t in board.help.by_outcome}["done"] == 2
    # Sex: the walk-in's noted sex, or the resident's record.
    assert _board(admin, commune, sex="female").help.total == 1
    assert _board(admin, commune, sex="male").help.total == 1
    assert _board(admin, commune, age_band="75+").help.total == 1  # born 1950: 76 in 2026
    assert _board(admin, commune, period="last_month").help.total == 1


def test_desk_waits_are_median_and_nine_in_ten(commune, admin):
    start = timezone.make_aware(datetime(2026, 12, 3, 8, 0))
    for number, minutes in enumerate([2, 4, 6, 8, 10, 12, 14, 16, 18, 60], start=1):
        QueueTicket.objects.create(
            commune=commune,
            number=number,
            issued_on=date(2026, 12, 3),
            issued_at=start,
            called_at=start + timedelta(minutes=minutes),
        )
    QueueTicket.objects.create(  # still waiting: no wait measured yet
        commune=commune, number=11, issued_on=date(2026, 12, 3), issued_at=start
    )
    waits = _board(admin, commune).waits
    assert (waits.called, waits.median_minutes, waits.p90_minutes, waits.longest_minutes) == (
        10,
        11.0,
        60.0,
        60.0,
    )


def test_home_support_by_status_and_deadline(commune, other_commune, admin):
    SettingsFactory(commune=commune)
    RequestFactory(commune=commune, status=RequestStatus.ACCEPTED, due_on=TODAY - timedelta(3))
    RequestFactory(commune=commune, status=RequestStatus.RECEIVED, due_on=TODAY + timedelta(20))
    RequestFactory(commune=commune, status=RequestStatus.COMPLETED, due_on=TODAY - timedelta(3))
    RequestFactory(commune=other_commune, status=RequestStatus.ACCEPTED)
    tile = _board(admin, commune).home_support
    assert tile.open == 2 == sum(count for _v, _l, count in tile.by_status)
    assert tile.overdue == 1


def test_campaign_progress_for_officers_not_for_a_province_viewer(commune, admin):
    story = scenario(commune, admin, households=3, phones=2, sims=0)
    story.allocate(0, [story.phones[0]])
    progress = _board(admin, commune).campaigns
    assert progress is not None and len(progress) == 1
    row = progress[0]
    assert (row.households_listed, row.phones_available, row.allocated, row.handed_over) == (
        3,
        2,
        1,
        0,
    )
    viewer = user_with_role(Role.PROVINCE_VIEWER, commune)
    assert _board(viewer, commune).campaigns is None


def test_the_page_shows_every_tile_and_links_numbers_to_people(commune, admin):
    ResidentFactory(commune=commune, journey_rung=3)
    page = client_in(admin, commune).get(reverse("reports:dashboard")).content.decode()
    assert f"{reverse('reports:dashboard_people')}?rung=3" in page
    assert page.count('class="bar-chart"') >= 1
    for heading in ("ladder-heading", "help-heading", "desk-heading", "homecare-heading"):
        assert f'id="{heading}"' in page


def test_a_province_viewer_sees_figures_but_no_names(commune):
    ResidentFactory(commune=commune, journey_rung=3)
    viewer = user_with_role(Role.PROVINCE_VIEWER, commune)
    page = client_in(viewer, commune).get(reverse("reports:dashboard")).content.decode()
    assert "?rung=3" not in page  # no way to the list of people
    assert 'id="campaigns-heading"' not in page


def test_a_wrong_filter_is_said_and_the_whole_commune_shown(commune, other_commune, admin):
    ResidentFactory(commune=commune)
    elsewhere = AreaFactory(commune=other_commune)
    response = client_in(admin, commune).get(reverse("reports:dashboard"), {"area": elsewhere.pk})
    assert response.status_code == 200
    assert response.context["board"].adults == 1
    assert response.context["form"].errors


def test_people_behind_a_rung_are_listed_filtered_and_audited(commune, other_commune, officer):
    mine = ResidentFactory(commune=commune, journey_rung=4, full_name="Trần Văn Bốn", sex=Sex.MALE)
    ResidentFactory(commune=commune, journey_rung=4, full_name="Lê Thị Bốn", sex=Sex.FEMALE)
    ResidentFactory(commune=commune, journey_rung=5, full_name="Phạm Văn Năm")
    ResidentFactory(commune=other_commune, journey_rung=4, full_name="Người Xã Khác")
    client = client_in(officer, commune)

    response = client.get(reverse("reports:dashboard_people"), {"rung": 4, "sex": "male"})

    assert list(response.context["page_obj"]) == [mine]
    page = response.content.decode()
    assert "Trần Văn Bốn" in page
    assert "Lê Thị Bốn" not in page and "Phạm Văn Năm" not in page
    assert "Người Xã Khác" not in page
    assert AuditEvent.objects.filter(
        commune=commune, actor=officer, object_repr__startswith="dashboard: residents on step 4"
    ).exists()


@pytest.mark.parametrize("rung", ["", "9", "-1", "x", "١"])
def test_people_of_a_step_that_does_not_exist_is_a_404(commune, officer, rung):
    response = client_in(officer, commune).get(reverse("reports:dashboard_people"), {"rung": rung})
    assert response.status_code == 404


def test_people_on_rung_zero_are_the_adults_the_ladder_counts(commune, officer):
    nobody_yet = ResidentFactory(commune=commune, journey_rung=0)
    ResidentFactory(commune=commune, journey_rung=0, birth_year=TODAY.year - 2)  # not an adult
    response = client_in(officer, commune).get(reverse("reports:dashboard_people"), {"rung": "0"})
    assert list(response.context["page_obj"]) == [nobody_yet]


def test_period_bounds():
    assert period_bounds("this_month", TODAY) == (date(2026, 12, 1), TODAY)
    assert period_bounds("last_month", date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_bounds("last_90_days", TODAY) == (TODAY - timedelta(days=89), TODAY)
    assert period_bounds("this_year", TODAY) == (date(2026, 1, 1), TODAY)
    assert period_bounds("anything else", TODAY) == (date(2026, 12, 1), TODAY)


def test_bars_scale_to_the_largest_and_long_labels_are_shortened():
    rows = bar_rows([("Một", 10), ("Hai", 5), ("x" * 40, 0)])
    assert rows[0].width == 2 * rows[1].width > 0
    assert rows[2].width == 0
    assert len(rows[2].label) == 20 and rows[2].label.endswith("…")
    assert [row.y for row in rows] == [0, 26, 52]
