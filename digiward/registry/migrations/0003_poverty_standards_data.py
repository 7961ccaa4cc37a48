"""The two poverty standards in force around the product's launch (sources in docs)."""

from datetime import date

from django.db import migrations

STANDARDS = [
    {
        "name": "Chuẩn nghèo đa chiều giai đoạn 2022–2025",
        "legal_basis": "Nghị định 07/2021/NĐ-CP",
        "valid_from": date(2022, 1, 1),
        # Decree 351/2025 Art. 3: the 2022–2025 standard still applies for all of 2026.
        "valid_to": date(2026, 12, 31),
        "rural_income_line": 1_500_000,
        "urban_income_line": 2_000_000,
        "rural_average_living_line": 2_250_000,
        "urban_average_living_line": 3_000_000,
        "min_deprivations": 3,
        "source": "https://english.luatvietnam.vn/decree-no-07-2021-nd-cp-dated-january-27-2021-of-the-government-on-defining-multidimensional-poverty-line-for-2021-2025-197236-doc1.html",
    },
    {
        "name": "Chuẩn nghèo đa chiều giai đoạn 2026–2030",
        "legal_basis": "Nghị định 351/2025/NĐ-CP",
        "valid_from": date(2027, 1, 1),
        "valid_to": date(2030, 12, 31),
        "rural_income_line": 2_200_000,
        "urban_income_line": 2_800_000,
        "rural_average_living_line": None,  # not found in the sources read
        "urban_average_living_line": None,
        "min_deprivations": 3,
        "source": "https://www.vietnamplus.vn/ban-hanh-quy-dinh-ve-chuan-ngheo-da-chieu-quoc-gia-giai-doan-2026-2030-post1086100.vnp",
    },
]


def add(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    PovertyStandard = apps.get_model("registry", "PovertyStandard")
    for standard in STANDARDS:
        PovertyStandard.objects.using(db).update_or_create(
            legal_basis=standard["legal_basis"], defaults=standard
        )


def remove(apps, schema_editor):
    db = schema_editor.connection.alias  # a restore migrates a scratch database too
    apps.get_model("registry", "PovertyStandard").objects.using(db).filter(
        legal_basis__in=[s["legal_basis"] for s in STANDARDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_poverty_standard")]
    operations = [migrations.RunPython(add, remove)]
