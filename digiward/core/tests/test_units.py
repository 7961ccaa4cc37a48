"""Provinces and communes from the vietnam-provinces package."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from digiward.core.models import Commune, CommuneKind, Province

pytestmark = pytest.mark.django_db


def test_load_units_loads_the_2025_map_once():
    call_command("load_units", verbosity=0)
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    kinds = {kind: Commune.objects.filter(kind=kind).count() for kind in CommuneKind}
    assert kinds == {CommuneKind.COMMUNE: 2621, CommuneKind.WARD: 687, CommuneKind.SPECIAL_ZONE: 13}
    ninh_kieu = Commune.objects.select_related("province").get(code="31135")
    assert ninh_kieu.name == "Phường Ninh Kiều"
    assert ninh_kieu.province.name == "Thành phố Cần Thơ" and ninh_kieu.province.code == "92"
    assert ninh_kieu.name_folded == "phuong ninh kieu"
    assert Commune.objects.get(code="00004").name == "Phường Ba Đình"

    before = list(Commune.objects.order_by("pk").values_list("pk", "code", "name"))
    call_command("load_units", verbosity=0)
    assert list(Commune.objects.order_by("pk").values_list("pk", "code", "name")) == before


def test_load_units_repairs_a_changed_name():
    call_command("load_units", verbosity=0)
    Commune.objects.filter(code="31135").update(name="Sai tên")
    call_command("load_units", verbosity=0)
    assert Commune.objects.get(code="31135").name == "Phường Ninh Kiều"
