"""Consent is recorded with its date, purposes and who recorded it; an import records the
ward's official list as the basis, never consent; the resident page says what DigiWard
may do with the person's data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.core.testing import client_in
from digiward.registry.imports.runner import import_file
from digiward.registry.models import ConsentPurpose, LegalBasis, Resident
from digiward.registry.privacy.consent import data_use
from digiward.registry.services import resident_save
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory
from digiward.registry.tests.test_import import write_xlsx

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "full_name": "Phạm Thị Mới",
        "household": "NK001",
        "birth": "1990",
        "sex": "female",
        "relation_to_head": "child",
        "status": "active",
    }
    data.update(extra)
    return data


@pytest.fixture
def household(commune):
    return HouseholdFactory(commune=commune, code="NK001")


def test_consent_without_a_date_is_refused_in_vietnamese_keeping_what_was_typed(
    commune, officer, household, vietnamese
):
    response = client_in(officer, commune).post(
        reverse("registry:resident_add"),
        form_data(consent="on", consent_purposes=["journey"], consent_scope="Phiếu số 12"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hãy ghi ngày người dân đồng ý: sự đồng ý phải được ghi kèm ngày." in page
    assert 'value="Phạm Thị Mới"' in page and 'value="Phiếu số 12"' in page
    assert 'value="journey"' in page and "checked" in page
    assert not Resident.objects.filter(full_name="Phạm Thị Mới").exists()


def test_consent_needs_purposes_and_a_date_not_in_the_future(commune, officer, household):
    client = client_in(officer, commune)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("registry:resident_add"), form_data(consent="on", consent_on=tomorrow)
    )
    form = response.context["form"]
    assert set(form.errors) == {"consent_on", "consent_purposes"}
    response = client.post(
        reverse("registry:resident_add"), form_data(consent_on="2026-01-02")
    )  # a date without the box
    assert "consent" in response.context["form"].errors


def test_consent_with_its_date_and_purposes_is_the_basis_recorded_by_the_officer(
    commune, officer, household
):
    response = client_in(officer, commune).post(
        reverse("registry:resident_add"),
        form_data(
            consent="on",
            consent_on="2026-11-20",
            consent_purposes=["journey", "contact"],
            consent_scope="Phiếu số 12",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Resident.objects.get(full_name="Phạm Thị Mới")
    assert person.consent_on == date(2026, 11, 20) and person.consent_by == officer
    assert person.consent_purposes == ["journey", "contact"]
    assert person.legal_basis == LegalBasis.CONSENT
    assert (person.legal_basis_on, person.legal_basis_by) == (date(2026, 11, 20), officer)
    use = data_use(person)
    assert use.basis and use.consent_on == date(2026, 11, 20) and not use.warning
    assert len(use.may) == 4  # keep + the two purposes + sharing


def test_consent_stays_recorded_and_is_withdrawn_with_a_date(commune, officer, household):
    person = ResidentFactory(
        commune=commune,
        household=household,
        consent_on=date(2026, 3, 1),
        consent_by=officer,
        consent_purposes=[ConsentPurpose.JOURNEY],
        legal_basis=LegalBasis.CONSENT,
        legal_basis_on=date(2026, 3, 1),
    )
    client = client_in(officer, commune)
    url = reverse("registry:resident_edit", args=[person.pk])
    base = form_data(full_name=person.full_name, birth="1960", sex="male")
    response = client.post(url, base)  # the box unticked: consent cannot be emptied
    assert "consent" in response.context["form"].errors
    response = client.post(
        url,
        {
            **base,
            "consent": "on",
            "consent_on": "2026-03-01",
            "consent_purposes": ["journey"],
            "consent_withdrawn_on": "2026-02-01",
        },
    )
    assert "consent_withdrawn_on" in response.context["form"].errors  # before the consent
    response = client.post(
        url,
        {
            **base,
            "consent": "on",
            "consent_on": "2026-03-01",
            "consent_purposes": ["journey"],
            "consent_withdrawn_on": "2026-10-01",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.consent_withdrawn_on == date(2026, 10, 1) and person.consent_on
    use = data_use(person)
    assert use.may == []
    assert "anonymise" in use.warning or "ẩn danh" in use.warning


def test_the_service_refuses_consent_without_a_date(commune, officer, household):
    person = Resident(commune=commune, household=household, full_name="A", birth_year=1970)
    with pytest.raises(DomainError) as refused:
        resident_save(access=access_for(officer, commune), resident=person, consent_given=True)
    assert refused.value.field == "consent_on"


def test_a_basis_is_changed_never_removed(commune, officer, household):
    person = ResidentFactory(
        commune=commune, household=household, legal_basis=LegalBasis.OFFICIAL_LIST
    )
    person.legal_basis = ""
    resident_save(access=access_for(officer, commune), resident=person)
    person.refresh_from_db()
    assert person.legal_basis == LegalBasis.OFFICIAL_LIST
    person.legal_basis = LegalBasis.OWN_REQUEST
    resident_save(access=access_for(officer, commune), resident=person)
    person.refresh_from_db()
    assert person.legal_basis == LegalBasis.OWN_REQUEST
    assert (person.legal_basis_on, person.legal_basis_by) == (timezone.localdate(), officer)


def test_an_import_records_the_official_list_never_consent(tmp_path, commune, household):
    known = ResidentFactory(
        commune=commune, household=household, full_name="Trần Văn Cũ", birth_year=1950
    )
    consented = ResidentFactory(
        commune=commune,
        household=household,
        full_name="Lê Thị Đồng Ý",
        birth_year=1955,
        consent_on=date(2026, 1, 1),
        legal_basis=LegalBasis.CONSENT,
    )
    rows = [
        [1, "NK001", "Trần Văn Cũ", "1950", "Nam", "", "Chủ hộ", "", "", ""],
        [2, "NK001", "Lê Thị Đồng Ý", "1955", "Nữ", "", "Vợ", "", "", ""],
        [3, "NK002", "Ngô Văn Mới", "1980", "Nam", "", "Chủ hộ", "", "", ""],
    ]
    report = import_file(write_xlsx(tmp_path / "ds.xlsx", rows), commune=commune, acting_user=None)
    assert report.written, report.rejected
    new = Resident.objects.get(full_name="Ngô Văn Mới")
    assert (
        new.legal_basis == LegalBasis.OFFICIAL_LIST and new.legal_basis_on == timezone.localdate()
    )
    assert new.consent_on is None and new.consent_purposes == []
    known.refresh_from_db()
    consented.refresh_from_db()
    assert known.legal_basis == LegalBasis.OFFICIAL_LIST  # on the list, no basis before
    assert consented.legal_basis == LegalBasis.CONSENT  # a recorded basis stays


def test_what_the_page_says_for_each_basis(commune, officer, household, vietnamese):
    listed = ResidentFactory(
        commune=commune,
        household=household,
        legal_basis=LegalBasis.OFFICIAL_LIST,
        legal_basis_on=date(2026, 1, 5),
        legal_basis_by=officer,
    )
    nothing = ResidentFactory(commune=commune, household=household)
    client = client_in(officer, commune)
    page = client.get(reverse("registry:resident_detail", args=[listed.pk])).content.decode()
    assert "Điều 17 Nghị định 13/2023/NĐ-CP" in page
    assert "05/01/2026" in page and "do Nguyễn Văn Hùng ghi nhận" in page
    assert "Tìm người dân tại quầy và ghi nhận việc đã hỗ trợ." in page
    page = client.get(reverse("registry:resident_detail", args=[nothing.pk])).content.decode()
    assert "Chưa ghi nhận căn cứ pháp lý cho người này." in page


def test_a_consent_written_without_a_basis_still_counts_as_the_basis(commune, officer, household):
    person = ResidentFactory(  # as older code and the demo data wrote it
        commune=commune, household=household, consent_on=date(2026, 5, 18), consent_by=officer
    )
    use = data_use(person)
    assert use.basis and use.basis_on == date(2026, 5, 18) and use.basis_by == officer.full_name
    assert not use.warning
