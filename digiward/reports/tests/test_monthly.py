"""The monthly report: Excel (a sheet per section, number formats, frozen headers) and PDF
(the official layout), the same numbers as the dashboard and as the raw data, written by a
background job or a command, every file audited."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import openpyxl
import pypdfium2 as pdfium
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from digiward.core.models import AuditAction, AuditEvent, Job, JobStatus, Role
from digiward.core.testing import assert_view_access, client_in
from digiward.core.tests.factories import UserFactory
from digiward.guidance.models import HelpSession
from digiward.registry.tests.factories import ResidentFactory
from digiward.reports.monthly import MonthError, month_bounds, monthly_report, parse_month
from digiward.reports.selectors import DashboardFilters, commune_dashboard

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def ward(commune, other_commune):
    """Residents on known rungs and help sessions in November, December and elsewhere."""
    for rung, how_many in ((0, 4), (2, 3), (5, 6), (8, 2)):
        for _ in range(how_many):
            ResidentFactory(commune=commune, journey_rung=rung)
    ResidentFactory(commune=other_commune, journey_rung=8)
    helper = UserFactory()
    for on, outcome, commune_of in (
        (date(2026, 11, 3), "done", commune),
        (date(2026, 11, 20), "done", commune),
        (date(2026, 11, 30), "partly", commune),
        (date(2026, 12, 1), "done", commune),  # next month
        (date(2026, 10, 31), "done", commune),  # the month before
        (date(2026, 11, 10), "done", other_commune),
    ):
        HelpSession.objects.create(
            commune=commune_of, helped_on=on, helper=helper, outcome=outcome, minutes=5
        )
    return commune


def _sheets(content: bytes) -> list[list[tuple]]:
    """Each sheet's rows below its headers, sheets in order."""
    book = openpyxl.load_workbook(BytesIO(content))
    return [list(ws.iter_rows(min_row=4, values_only=True)) for ws in book.worksheets]


def test_the_excel_report_equals_the_raw_data_and_the_dashboard(ward, admin):
    content = monthly_report(ward, NOVEMBER, "xlsx")
    book = openpyxl.load_workbook(BytesIO(content))
    assert len(book.worksheets) == 6  # one sheet per section
    journey = book.worksheets[0]
    assert journey.freeze_panes == "A4"
    assert journey["B4"].number_format == "#,##0"
    sheets = _sheets(content)
    ladder, outcomes = sheets[0], sheets[1]

    # The raw data, counted here: 15 adults; rung 0: 4, rung 2: 3, rung 5: 6, rung 8: 2.
    counts = [row[1] for row in ladder[:9]]
    assert counts == [4, 0, 3, 0, 0, 6, 0, 0, 2]
    assert ladder[9][1] == 15  # the total row
    by_outcome = {row[0]: row[1] for row in outcomes}
    assert sum(row[1] for row in outcomes[:-1]) == outcomes[-1][1] == 3  # November only

    # The dashboard over the same month shows the same numbers.
    from digiward.core.access import access_for

    board = commune_dashboard(
        access_for(admin, ward), DashboardFilters(), bounds=month_bounds(NOVEMBER)
    )
    assert counts == [item.rung.count for item in board.ladder]
    assert list(by_outcome.values())[:-1] == [t.count for t in board.help.by_outcome]


def test_the_pdf_report_is_in_the_official_layout_with_the_same_numbers(ward):
    content = monthly_report(ward, NOVEMBER, "pdf")
    document = pdfium.PdfDocument(content)
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    text = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Kết quả phổ cập số tháng 11/2026" in text
    assert "Ủy ban nhân dân phường Ninh Kiều" in text
    assert "trên địa bàn: 15 người" in text
    assert "Tổng số lượt hỗ trợ trong tháng: 3 lượt" in text


def test_asking_for_a_report_starts_a_job_whose_file_is_audited(
    ward, admin, django_capture_on_commit_callbacks
):
    client = client_in(admin, ward)
    form = client.get(reverse("reports:monthly_report"))
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:monthly_report"), {"month": "2026-11", "format": "xlsx"}
        )
    job = Job.objects.get(kind="reports.monthly")
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result_filename == "bao-cao-thang-2026-11-31135.xlsx"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    sheets = _sheets(b"".join(download.streaming_content))
    assert sheets[0][9][1] == 15
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, commune=ward)
    assert exports.filter(object_type="reports.monthly").exists()
    assert exports.filter(note="download").exists()


def test_a_wrong_month_is_said_and_kept(commune, admin):
    client = client_in(admin, commune)
    for typed, message in (
        ("11/2026", "NNNN-TT, ví dụ 2026-11"),  # the form speaks Vietnamese by default
        ("2026-13", "NNNN-TT, ví dụ 2026-11"),
        (f"{timezone.localdate().year + 1}-01", "chưa bắt đầu"),
    ):
        response = client.post(reverse("reports:monthly_report"), {"month": typed, "format": "pdf"})
        assert response.status_code == 200
        page = response.content.decode()
        assert message in page and f'value="{typed}"' in page
    assert not Job.objects.filter(kind="reports.monthly").exists()


def test_parse_month():
    assert parse_month("2026-11", today=date(2026, 12, 7)) == NOVEMBER
    assert parse_month(" 2026-12 ", today=date(2026, 12, 7)) == date(2026, 12, 1)
    for bad in ("2026-1", "2026-00", "1999-05", "", "２０２６-11"):
        with pytest.raises(MonthError):
            parse_month(bad, today=date(2026, 12, 7))
    assert month_bounds(date(2028, 2, 1)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_the_command_writes_the_file_and_audits_it(ward, tmp_path):
    target = tmp_path / "bao-cao.pdf"
    call_command(
        "monthly_report",
        "--commune",
        ward.code,
        "--month",
        "2026-11",
        "--format",
        "pdf",
        "-o",
        str(target),
    )
    assert target.read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, commune=ward, object_type="reports.monthly"
    ).exists()
    with pytest.raises(CommandError, match="No commune"):
        call_command(
            "monthly_report",
            "--commune",
            "00000",
            "--month",
            "2026-11",
            "--format",
            "pdf",
            "-o",
            str(target),
        )
    with pytest.raises(CommandError, match="2026-11"):
        call_command(
            "monthly_report",
            "--commune",
            ward.code,
            "--month",
            "nov",
            "--format",
            "pdf",
            "-o",
            str(target),
        )


def test_the_report_page_is_for_those_who_see_figures_and_jobs(commune, other_commune):
    assert_view_access(
        url=reverse("reports:monthly_report"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        scoped=False,  # a form; the job and its file are the commune's (core:job_* tests)
    )
