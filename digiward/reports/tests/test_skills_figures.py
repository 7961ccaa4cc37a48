"""The Bình dân học vụ số figure (issue 14) on the dashboard, the province roll-up and the
API's KPIs: adults holding a valid certificate of basic digital skills, per commune."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.models import Role
from digiward.core.testing import client_in, user_with_role
from digiward.learning.models import Framework
from digiward.learning.seed import frameworks_load
from digiward.learning.services import Holder, certificate_issue, certificate_revoke
from digiward.registry.models import Sex
from digiward.registry.tests.factories import ResidentFactory
from digiward.reports.selectors import DashboardFilters, commune_dashboard, province_rollup

pytestmark = pytest.mark.django_db


def certify(user, commune, resident):
    access = access_for(user, commune)
    framework = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    return certificate_issue(
        access=access,
        holder=Holder(name=resident.full_name, resident=resident),
        framework=framework,
        competences=list(framework.competences.all()[:3]),
        track="citizen",
        basis="Quan sát tại bộ phận một cửa",
        base_url="http://testserver",
    )


@pytest.fixture
def world(commune, other_commune, admin):
    """Four adults here (two women), two certified, one revoked; a certified child; and a
    certified adult of the neighbouring commune."""
    frameworks_load()
    year = timezone.localdate().year
    women = [ResidentFactory(commune=commune, birth_year=1960, sex=Sex.FEMALE) for _ in range(2)]
    men = [ResidentFactory(commune=commune, birth_year=1970, sex=Sex.MALE) for _ in range(2)]
    certify(admin, commune, women[0])
    certify(admin, commune, women[0])  # a second certificate: still one person
    certify(admin, commune, men[0])
    revoked = certify(admin, commune, men[1])
    certificate_revoke(
        access=access_for(admin, commune), certificate=revoked, reason="Cấp nhầm người"
    )
    certify(admin, commune, ResidentFactory(commune=commune, birth_year=year - 12))
    neighbour_admin = user_with_role(Role.COMMUNE_ADMIN, other_commune)
    certify(neighbour_admin, other_commune, ResidentFactory(commune=other_commune, birth_year=1980))
    return women, men


def test_the_dashboard_counts_adults_with_a_valid_certificate(commune, admin, world):
    board = commune_dashboard(access_for(admin, commune), DashboardFilters())
    assert (board.skills_confirmed, board.adults) == (2, 4)
    assert board.skills_confirmed_percent == 50.0
    # The filters apply as to every tile: of the two women, one is certified.
    women = commune_dashboard(access_for(admin, commune), DashboardFilters(sex=Sex.FEMALE))
    assert (women.skills_confirmed, women.adults) == (1, 2)
    page = client_in(admin, commune).get(reverse("reports:dashboard")).content.decode()
    assert "Kỹ năng số cơ bản đã được xác nhận" in page
    assert "2 trên 4 người trưởng thành" in page
    assert reverse("learning:report") in page


def test_the_province_rollup_has_the_skills_column_and_its_total(
    commune, other_commune, admin, world
):
    rollup = province_rollup(commune.province, sort="-skills_confirmed")
    by_code = {row.commune.code: row for row in rollup.rows}
    assert by_code[commune.code].skills_confirmed == 2
    assert by_code[commune.code].skills_confirmed_rate == 500.0  # 2 of 4 adults, per 1,000
    assert by_code[other_commune.code].skills_confirmed == 1
    assert rollup.total.skills_confirmed == 3
    # Sorted by the new column, the higher rate first (1 of 1 adult next door).
    assert [row.commune.code for row in rollup.rows] == [other_commune.code, commune.code]


def test_the_api_kpis_count_the_same(commune, admin, world):
    from django.test import Client

    from digiward.api.models import TokenScope
    from digiward.api.tokens import token_create

    created = token_create(
        access=access_for(admin, commune), name="Sở KH&CN", scope=TokenScope.READ, days=30
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}").get("/api/v1/kpis")
    assert response.status_code == 200, response.content
    assert response.json()["skills_confirmed"] == 2
