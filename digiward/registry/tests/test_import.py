"""Importing ward lists: messy cells, all-or-nothing, skip-invalid, idempotent re-import."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from digiward.core.models import AuditAction, AuditEvent
from digiward.registry.identity import citizen_id_hash, reveal_citizen_id
from digiward.registry.imports.reader import UnreadableFile
from digiward.registry.imports.runner import import_file
from digiward.registry.models import Household, HouseholdMove, PovertyStatus, Relation, Resident

pytestmark = pytest.mark.django_db

HEADER = [
    "STT",
    "Mã hộ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Quan hệ với chủ hộ",
    "Phân loại hộ",
    "Số điện thoại",
    "Khu vực",
]


def write_xlsx(
    path: Path,
    rows: list[list[object]],
    *,
    title_rows: int = 2,
    footer: bool = True,
    header=HEADER,
    merges=(),
) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for n in range(title_rows):
        sheet.append(["ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU" if n == 0 else "DANH SÁCH HỘ NĂM 2026"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if footer:
        sheet.append([])
        sheet.append(["", "", "Người lập biểu", "", "", "", "", "Chủ tịch UBND"])
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def run(path, commune, **kwargs):
    return import_file(path, commune=commune, acting_user=None, today=date(2026, 11, 25), **kwargs)


GOOD = [
    [
        1,
        "NK001",
        "Nguyễn Văn An",
        date(1950, 3, 4),
        "Nam",
        "092050001234",
        "Chủ hộ",
        "Hộ nghèo",
        "0912.345.678",
        "Khu vực 3",
    ],
    [2, "", "Lê Thị Bé", "12/05/1955", "Nữ", 92155001235, "Vợ", "", "+84 912 345 679", ""],
    [
        3,
        "NK002",
        "TRẦN VĂN CƯỜNG",
        "1980",
        "Nam",
        "",
        "Chủ hộ",
        "HỘ CẬN NGHÈO",
        912345680,
        "Khu vực 3",
    ],
    [4, "NK002", "Trần Thị Dung", "2010", "Nữ", "", "Con", "ho can ngheo", "", "Khu vực 3"],
]


def test_a_messy_list_is_read_right(tmp_path, commune):
    report = run(write_xlsx(tmp_path / "ds.xlsx", GOOD), commune)
    assert report.written and report.rejected == []
    assert (report.households_created, report.residents_created) == (2, 4)
    assert report.header_row == 3 and report.footer_row == 9
    an = Resident.objects.get(full_name="Nguyễn Văn An")
    assert an.birth_date == date(1950, 3, 4)
    assert an.phone == "0912345678" and an.phone_carrier == "Vinaphone"
    assert an.household.head == an and an.relation_to_head == Relation.HEAD
    assert an.household.poverty_status == PovertyStatus.POOR
    assert str(an.household.area) == "Khu vực 3"
    be = Resident.objects.get(full_name="Lê Thị Bé")
    assert be.household == an.household  # the code was written on the head's row only
    assert be.birth_date == date(1955, 5, 12)
    assert reveal_citizen_id(be.citizen_id_encrypted) == "092155001235"  # the lost zero is back
    assert be.citizen_id_masked == "•••••••••235"
    assert be.phone == "0912345679"
    cuong = Resident.objects.get(full_name="Trần Văn Cường")  # capitals made readable
    assert (cuong.birth_date, cuong.birth_year) == (None, 1980)
    assert cuong.phone == "0912345680"
    assert cuong.household.poverty_status == PovertyStatus.NEAR_POOR
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, commune=commune).count() == 1


def test_citizen_ids_are_stored_encrypted_never_in_clear(tmp_path, commune):
    run(write_xlsx(tmp_path / "ds.xlsx", GOOD), commune)
    row = Resident.objects.filter(full_name="Nguyễn Văn An").values().get()
    assert not any("092050001234" in str(value) for value in row.values())
    assert row["citizen_id_hash"] == citizen_id_hash("092050001234")


def test_two_row_header_with_birth_under_nam_or_nu(tmp_path, commune):
    path = tmp_path / "namnu.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH"])
    sheet.append(["STT", "Mã hộ", "Họ và tên", "Ngày, tháng, năm sinh", None, "Quan hệ"])
    sheet.append([None, None, None, "Nam", "Nữ", None])
    sheet.merge_cells("D2:E2")
    sheet.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    sheet.append([1, "H1", "Lê Văn Tám", "1948", None, "Chủ hộ"])
    sheet.append([2, "H1", "Phạm Thị Chín", None, "1950", "Vợ"])
    book.save(path)
    report = run(path, commune)
    assert report.written, report.rejected
    assert Resident.objects.get(full_name="Lê Văn Tám").sex == "male"
    assert Resident.objects.get(full_name="Phạm Thị Chín").sex == "female"


def test_merged_household_code_reaches_every_member(tmp_path, commune):
    rows = [
        [1, "H7", "Võ Văn Mười", "1970", "Nam", "", "Chủ hộ", "", "", ""],
        [2, None, "Võ Thị Mười Một", "1972", "Nữ", "", "Vợ", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merges=["B4:B5"])
    assert run(path, commune).written
    assert Household.objects.get(code="H7").residents.count() == 2


def test_all_or_nothing_by_default(tmp_path, commune):
    bad = [
        *GOOD,
        [
            5,
            "NK003",
            "Hồ Văn Sai",
            "31/02/1960",
            "Nam",
            "0920600012",
            "Chủ hộ",
            "Hộ giàu",
            "12345",
            "",
        ],
    ]
    report = run(write_xlsx(tmp_path / "bad.xlsx", bad), commune)
    assert not report.written
    assert Resident.objects.count() == 0 and Household.objects.count() == 0
    problems = {(p["row"], p["column"]) for p in report.rejected}
    assert problems == {(8, "Ngày sinh"), (8, "Số CCCD"), (8, "Phân loại hộ"), (8, "Số điện thoại")}
    reasons = " ".join(p["reason"] for p in report.rejected)
    assert "không có thật" in reasons and "12 chữ số" in reasons and "Hộ giàu" in reasons


def test_skip_invalid_writes_the_good_rows_and_reports_the_rest(tmp_path, commune):
    bad = [*GOOD, [5, "NK003", "Hồ Văn Sai", "01/01/2030", "Nam", "", "Chủ hộ", "", "", ""]]
    report = run(write_xlsx(tmp_path / "bad.xlsx", bad), commune, skip_invalid=True)
    assert report.written
    assert Resident.objects.count() == 4
    assert report.rejected == [
        {"row": 8, "column": "Ngày sinh", "reason": "Ngày sinh ở tương lai."}
    ]


def test_same_citizen_id_twice_in_the_file(tmp_path, commune):
    rows = [
        GOOD[0],
        [2, "NK009", "Phan Văn Trùng", "1950", "Nam", "092050001234", "Chủ hộ", "", "", ""],
    ]
    report = run(write_xlsx(tmp_path / "dup.xlsx", rows), commune)
    assert not report.written
    assert report.rejected == [
        {"row": 5, "column": "Số CCCD", "reason": "Số CCCD này trùng với dòng 4 trong tệp."}
    ]


def test_citizen_id_already_belonging_to_someone_else(tmp_path, commune):
    run(write_xlsx(tmp_path / "first.xlsx", GOOD), commune)
    rows = [[1, "NK050", "Đặng Văn Khác", "1950", "Nam", "092050001234", "Chủ hộ", "", "", ""]]
    report = run(write_xlsx(tmp_path / "second.xlsx", rows), commune)
    assert not report.written
    assert "NK001" in report.rejected[0]["reason"]


def test_reimport_is_idempotent_and_a_change_is_an_audited_update(tmp_path, commune):
    path = write_xlsx(tmp_path / "ds.xlsx", GOOD)
    run(path, commune)
    ids = set(Resident.objects.values_list("pk", flat=True))
    again = run(path, commune)
    assert (
        again.residents_created,
        again.residents_updated,
        again.households_created,
        again.unchanged,
    ) == (0, 0, 0, 4)
    assert set(Resident.objects.values_list("pk", flat=True)) == ids
    changed = [list(r) for r in GOOD]
    changed[0][8] = "0987654321"  # An has a new phone
    changed[2][7] = "Hộ nghèo"  # household NK002 became poor
    report = run(write_xlsx(tmp_path / "ds2.xlsx", changed), commune)
    assert (report.residents_updated, report.households_updated, report.unchanged) == (1, 1, 3)
    assert Resident.objects.get(full_name="Nguyễn Văn An").phone == "0987654321"
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="registry.resident")
    assert event.changes == {"phone": ["0912345678", "0987654321"]}
    assert AuditEvent.objects.get(
        action=AuditAction.CHANGE, object_type="registry.household"
    ).changes["poverty_status"] == ["near_poor", "poor"]


def test_a_person_found_by_citizen_id_in_another_household_moves(tmp_path, commune):
    run(write_xlsx(tmp_path / "ds.xlsx", GOOD), commune)
    moved = [[1, "NK777", "Lê Thị Bé", "12/05/1955", "Nữ", "092155001235", "Chủ hộ", "", "", ""]]
    report = run(write_xlsx(tmp_path / "move.xlsx", moved), commune)
    assert report.residents_updated == 1 and report.households_created == 1
    be = Resident.objects.get(full_name="Lê Thị Bé")
    assert be.household.code == "NK777"
    move = HouseholdMove.objects.get(resident=be)
    assert (move.from_household.code, move.to_household.code) == ("NK001", "NK777")


def test_the_same_household_code_in_another_commune_is_another_household(
    tmp_path, commune, other_commune
):
    path = write_xlsx(tmp_path / "ds.xlsx", GOOD)
    run(path, commune)
    report = run(path, other_commune)
    assert report.residents_created == 4 and report.unchanged == 0
    assert Household.objects.filter(code="NK001").count() == 2


def test_missing_required_column_and_unreadable_files(tmp_path, commune):
    report = run(
        write_xlsx(
            tmp_path / "nocode.xlsx",
            [[1, "Lê Văn A", "1950"]],
            header=["STT", "Họ tên", "Năm sinh"],
        ),
        commune,
    )
    assert not report.written and "Mã hộ" in report.rejected[0]["reason"]
    text = tmp_path / "notes.docx"
    text.write_text("x")
    with pytest.raises(UnreadableFile):
        run(text, commune)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    with pytest.raises(UnreadableFile):
        run(broken, commune)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_csv_lists(tmp_path, commune, encoding):
    content = "Mã hộ;Họ và tên;Năm sinh;Số điện thoại\nC1;Nguyễn Thị Hoa;1962;0912345678\nC1;Lê Văn Hùng;1960;\n"
    path = tmp_path / "ds.csv"
    path.write_bytes(content.encode(encoding))
    report = run(path, commune)
    assert report.written, report.rejected
    assert Resident.objects.get(full_name="Nguyễn Thị Hoa").phone == "0912345678"


def test_command_json_exit_status_and_error_report(tmp_path, commune):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    out = StringIO()
    call_command(
        "import_residents", str(good), "--commune", "31135", "--dry-run", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert list(data)[:7] == [
        "households_created",
        "households_updated",
        "residents_created",
        "residents_updated",
        "unchanged",
        "rejected",
        "written",
    ]
    assert data["written"] is False and data["residents_created"] == 4
    assert Resident.objects.count() == 0
    bad = write_xlsx(
        tmp_path / "bad.xlsx", [*GOOD, [5, "NK3", "Sai", "2030", "Nam", "", "", "", "", ""]]
    )
    errors = tmp_path / "errors.xlsx"
    out = StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "import_residents",
            str(bad),
            "--commune",
            "31135",
            "--json",
            "--errors-out",
            str(errors),
            stdout=out,
        )
    assert stopped.value.code == 1
    data = json.loads(out.getvalue())
    assert data["written"] is False and data["rejected"][0]["row"] == 8
    sheet = load_workbook(errors).active
    assert any(str(row[0]) == "8" for row in sheet.iter_rows(values_only=True))
    out = StringIO()
    call_command("import_residents", str(good), "--commune", "31135", "--json", stdout=out)
    assert json.loads(out.getvalue())["written"] is True


def test_a_citizen_id_that_disagrees_with_sex_or_birth_year_is_a_warning_not_a_rejection(
    tmp_path, commune
):
    # 092 1 50…: digit 4 says a woman born in the 1900s; digits 5-6 say 1950.
    rows = [
        [1, "NK101", "Võ Văn Lệch", "1952", "Nam", "092150001236", "Chủ hộ", "", "", ""],
    ]
    report = run(write_xlsx(tmp_path / "lech.xlsx", rows), commune)
    assert report.written and report.rejected == []
    reasons = " ".join(w["reason"] for w in report.warnings)
    assert {w["row"] for w in report.warnings} == {4}
    assert "nữ" in reasons and "1950" in reasons
    assert Resident.objects.get(full_name="Võ Văn Lệch").birth_year == 1952, "kept as typed"
