"""Loading provinces and communes from the `vietnam-provinces` package (2025 reform data)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import Province as PkgProvince
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as PkgWard

from digiward.core.models import Commune, CommuneKind, Province
from digiward.core.models.tenancy import ProvinceKind
from digiward.core.text import fold, sort_text

_COMMUNE_KINDS = {
    VietNamDivisionType.XA: CommuneKind.COMMUNE,
    VietNamDivisionType.PHUONG: CommuneKind.WARD,
    VietNamDivisionType.DAC_KHU: CommuneKind.SPECIAL_ZONE,
}


@dataclass(frozen=True)
class LoadResult:
    provinces_created: int
    provinces_updated: int
    communes_created: int
    communes_updated: int


def _province_kind(division: VietNamDivisionType) -> str:
    return (
        ProvinceKind.CITY
        if division == VietNamDivisionType.THANH_PHO_TRUNG_UONG
        else ProvinceKind.PROVINCE
    )


@transaction.atomic
def units_load() -> LoadResult:
    """Create or update every province and commune. Running it twice changes nothing."""
    existing_provinces = {p.code: p for p in Province.objects.all()}
    p_created = p_updated = 0
    provinces_by_code: dict[str, Province] = {}
    for pkg in PkgProvince.iter_all():
        code = f"{int(pkg.code):02d}"
        values = {
            "name": pkg.name,
            "kind": _province_kind(pkg.division_type),
            "codename": pkg.codename,
            "phone_code": pkg.phone_code,
        }
        province = existing_provinces.get(code)
        if province is None:
            province = Province.objects.create(code=code, **values)
            p_created += 1
        elif any(getattr(province, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(province, key, value)
            province.save()
            p_updated += 1
        provinces_by_code[code] = province

    existing = {c.code: c for c in Commune.objects.all()}
    to_create, to_update = [], []
    for ward in PkgWard.iter_all():
        code = f"{int(ward.code):05d}"
        province = provinces_by_code[f"{int(ward.province_code):02d}"]
        values = {
            "name": ward.name,
            "kind": _COMMUNE_KINDS[ward.division_type],
            "province_id": province.pk,
            "codename": ward.codename,
            "name_folded": fold(ward.name),
            "name_sort": sort_text(ward.name),
        }
        commune = existing.get(code)
        if commune is None:
            to_create.append(Commune(code=code, **values))
        elif any(getattr(commune, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            to_update.append(commune)
    Commune.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Commune.objects.bulk_update(
            to_update,
            ["name", "kind", "province_id", "codename", "name_folded", "name_sort"],
            batch_size=500,
        )
    return LoadResult(p_created, p_updated, len(to_create), len(to_update))
