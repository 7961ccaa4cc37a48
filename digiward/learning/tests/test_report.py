from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.models import AuditAction, AuditEvent, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.learning.models import EvidenceKind, Framework
from digiward.learning.report import skills_report
from digiward.learning.services import (
    Holder,
    Learner,
    certificate_issue,
    certificate_revoke,
    evidence_observe,
)
from digiward.registry.tests.factories import AreaFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def essentials(frameworks) -> Framework:
    return Framework.objects.get(code="DW-ESSENTIALS", commune=None)


def test_the_report_counts_adults_started_and_confirmed_and_the_parts_add_up(
    essentials, commune, admin, volunteer, officer
):
    year = timezone.localdate().year
    areas = [AreaFactory(commune=commune, name=n) for n in ("Khu vực 1", "Khu vực 2")]
    people = []
    for index in range(12):
        household = HouseholdFactory(commune=commune, area=areas[index % 2])
        people.append(
            ResidentFactory(
                commune=commune,
                household=household,
                sex="female" if index % 3 else "male",
                birth_year=year - (20 + 5 * index),
            )
        )
    ResidentFactory(commune=commune, birth_year=year - 10)  # a child: not in the report
    access = access_for(volunteer, commune)
    for person in people[:6]:
        evidence_observe(
            access=access,
            learner=Learner(resident=person),
            competence=essentials.competences.get(code="AT.1"),
            kind=EvidenceKind.DESK,
            level=1,
            achieved_on=timezone.localdate(),
        )
    admin_access = access_for(admin, commune)
    issued = [
        certificate_issue(
            access=admin_access,
            holder=Holder(name=person.full_name, resident=person),
            framework=essentials,
            competences=list(essentials.competences.filter(code="AT.1")),
            track="citizen",
            basis="Quan sát tại quầy",
            base_url="http://testserver",
        )
        for person in people[:3]
    ]
    certificate_revoke(access=admin_access, certificate=issued[0], reason="Cấp nhầm người")
    report = skills_report(commune, essentials)
    assert (report.total.adults, report.total.started, report.total.confirmed) == (12, 6, 2)
    for rows in (report.by_age, report.by_sex, report.by_area):
        assert sum(row.cell.adults for row in rows) == 12
        assert sum(row.cell.started for row in rows) == 6
        assert sum(row.cell.confirmed for row in rows) == 2
    assert {row.label for row in report.by_area} == {"Khu vực 1", "Khu vực 2"}
    assert {code: n for code, _name, n in report.by_competence}["AT.1"] == 6
    assert report.total.confirmed_percent == round(100 * 2 / 12, 1)


def test_officials_see_their_tracks_completion(essentials, commune, officer, volunteer):
    evidence_observe(
        access=access_for(officer, commune),
        learner=Learner(user=volunteer),
        competence=essentials.competences.get(code="DV.1"),
        kind=EvidenceKind.OBSERVED,
        level=2,
        achieved_on=timezone.localdate(),
    )
    rows = {row.name: row for row in skills_report(commune, essentials).officials}
    assert rows[volunteer.full_name].reached == 1
    assert rows[volunteer.full_name].total == 14  # every essential is on the officials' track
    assert rows[officer.full_name].reached == 0


def test_the_excel_has_one_sheet_per_section_and_is_audited(essentials, commune, officer):
    ResidentFactory(commune=commune, birth_year=timezone.localdate().year - 40)
    response = client_in(officer, commune).get(reverse("learning:report_xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) == 5
    first = book.worksheets[0]
    assert first.freeze_panes == "A4"
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="learning.report"
    ).exists()


def test_report_pages_are_for_those_who_confirm_skills(essentials, commune, other_commune):
    for url in (reverse("learning:report"), reverse("learning:report_xlsx")):
        assert_view_access(
            url=url,
            commune=commune,
            other_commune=other_commune,
            allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
            scoped=False,  # the viewer's own commune, whichever it is
        )


def test_evidence_recorded_before_the_commune_copied_the_framework_still_counts(
    essentials, commune, admin, volunteer
):
    from digiward.learning import selectors
    from digiward.learning.services import framework_copy

    resident = ResidentFactory(commune=commune, birth_year=timezone.localdate().year - 50)
    evidence_observe(
        access=access_for(volunteer, commune),
        learner=Learner(resident=resident),
        competence=essentials.competences.get(code="AT.2"),  # the shared framework's row
        kind=EvidenceKind.DESK,
        level=2,
        achieved_on=timezone.localdate(),
    )
    copy = framework_copy(access=access_for(admin, commune), framework=essentials)
    reach = {code: n for code, _name, n in skills_report(commune, copy).by_competence}
    assert reach["AT.2"] == 1
    # The same person seen again, now on the copy's row: still one person.
    evidence_observe(
        access=access_for(volunteer, commune),
        learner=Learner(resident=resident),
        competence=copy.competences.get(code="AT.2"),
        kind=EvidenceKind.OBSERVED,
        level=2,
        achieved_on=timezone.localdate(),
    )
    reach = {code: n for code, _name, n in skills_report(commune, copy).by_competence}
    assert reach["AT.2"] == 1
    rows = {r.competence.code: r for r in selectors.progress_for(framework=copy, resident=resident)}
    assert rows["AT.2"].level == 2 and rows["AT.2"].competence.framework == copy
