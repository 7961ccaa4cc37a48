"""Generate realistic, messy ward lists (xlsx/csv) for tests and benchmarks.

    python bench/ward_lists.py --residents 100000 --out var/bench/ward-100k.xlsx

Title rows above the header, Vietnamese headers, household codes written on the first
member only, dates as Excel dates, dd/mm/yyyy text or bare years, phones written
three ways, poverty status in mixed spellings, a signature footer. Deterministic.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digiward.demo import names  # noqa: E402

HEADERS = [
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
    "Địa chỉ",
]
POVERTY = [
    "Hộ nghèo",
    "HỘ CẬN NGHÈO",
    "ho ngheo",
    "Không nghèo",
    "Hộ có mức sống trung bình",
    "Không nghèo",
    "Không nghèo",
]
RELATIONS_MEMBER = ["Vợ", "Con", "Con", "Cháu", "Mẹ", "Cha", "Con dâu"]
STREETS = ["Hai Bà Trưng", "Ngô Quyền", "Nguyễn Trãi", "Mậu Thân", "Trần Hưng Đạo", "30 Tháng 4"]


def ward_rows(residents: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    number = 0
    household = 0
    used_ids: set[str] = set()
    while number < residents:
        household += 1
        size = min(
            residents - number, rng.choices([1, 2, 3, 4, 5, 6], weights=[16, 26, 27, 19, 9, 3])[0]
        )
        family = names.surname(rng)
        poverty = rng.choice(POVERTY)
        area = rng.randint(1, 12)
        address = f"{rng.randint(1, 400)} {rng.choice(STREETS)}"
        seen: set[tuple[str, int]] = set()
        for member in range(size):
            number += 1
            sex = rng.choice(["male", "female"])
            year = rng.randint(1935, 2012)
            born = date(year, rng.randint(1, 12), rng.randint(1, 28))
            birth: object = rng.choice([born, born.strftime("%d/%m/%Y"), str(year), born])
            century = (year // 100 - 19) * 2 + (1 if sex == "female" else 0)
            while True:
                cid = f"092{century}{year % 100:02d}{rng.randint(0, 999999):06d}"
                if cid not in used_ids:
                    used_ids.add(cid)
                    break
            citizen_id: object = (
                int(cid) if rng.random() < 0.3 else cid
            )  # Excel lost the leading zero
            phone_digits = f"09{rng.choice('0134678')}{rng.randint(0, 9999999):07d}"
            phone: object = rng.choice(
                [
                    f"{phone_digits[:4]}.{phone_digits[4:7]}.{phone_digits[7:]}",
                    f"+84 {phone_digits[1:4]} {phone_digits[4:7]} {phone_digits[7:]}",
                    int(phone_digits[1:]),
                    "",
                ]
            )
            first = member == 0
            name = names.full_name(
                rng, sex=sex, family_name=family if first or rng.random() < 0.5 else None
            )
            while (
                name,
                year,
            ) in seen:  # two people with one name and birth year: not in one household
                name = names.full_name(rng, sex=sex)
            seen.add((name, year))
            rows.append(
                [
                    number,
                    f"NK{household:06d}" if first else "",
                    name,
                    birth,
                    "Nam" if sex == "male" else "Nữ",
                    citizen_id,
                    "Chủ hộ" if first else rng.choice(RELATIONS_MEMBER),
                    poverty if first else "",
                    phone,
                    f"Khu vực {area}" if first else "",
                    address if first else "",
                ]
            )
    return rows


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU"])
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU NĂM 2026"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["", "", "Người lập biểu", "", "", "", "", "TM. ỦY BAN NHÂN DÂN"])
    sheet.append(["", "", "(Ký, ghi rõ họ tên)", "", "", "", "", "Chủ tịch"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--out", default="var/bench/ward-100k.xlsx")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = ward_rows(args.residents, args.seed)
    write_xlsx(Path(args.out), rows)
    households = sum(1 for r in rows if r[1])
    print(f"{args.out}: {len(rows)} residents, {households} households")


if __name__ == "__main__":
    main()
