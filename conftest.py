"""Standing personas for every test (healthchecks style).

Phường Ninh Kiều is "our" commune; Phường Cái Răng is another commune of the same
province, whose officer must never see our data.

- admin: Trần Thị Mai, commune administrator of Ninh Kiều
- officer: Nguyễn Văn Hùng, officer of Ninh Kiều
- volunteer: Lê Minh Thư, volunteer of Ninh Kiều
- sponsor: Phạm Quốc Bảo, sponsor viewer of Ninh Kiều
- province_viewer: Võ Thanh Tâm, province viewer of Cần Thơ
- other_officer: Đỗ Thị Lan, officer of Cái Răng only
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from digiward.core.models import Commune, Membership, Province, Role, User
from digiward.core.testing import signed_in_client
from digiward.core.tests.factories import CommuneFactory, ProvinceFactory, UserFactory
from digiward.public import page_cache


def pytest_sessionstart(session):
    """Tests read the compiled catalogues: rebuild any .mo older than its .po."""
    for po in Path(__file__).parent.glob("locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Each worker's caches (rendered public pages, their content stamp) start empty: a
    page cached by one test must not answer the next test's database."""
    cache.clear()
    page_cache.reset()


@pytest.fixture
def vietnamese():
    """For tests that read a page or a refusal as a ward officer does, in an app whose
    other tests read English msgids: the real catalogue (locale/vi is the source)."""
    with translation.override("vi"):
        yield


@pytest.fixture
def province(db) -> Province:
    return ProvinceFactory(code="92", name="Thành phố Cần Thơ")


@pytest.fixture
def commune(province) -> Commune:
    return CommuneFactory(
        code="31135", name="Phường Ninh Kiều", province=province, codename="phuong_ninh_kieu"
    )


@pytest.fixture
def other_commune(province) -> Commune:
    return CommuneFactory(
        code="31150", name="Phường Cái Răng", province=province, codename="phuong_cai_rang"
    )


@pytest.fixture
def far_commune(db) -> Commune:
    hanoi = ProvinceFactory(code="01", name="Thành phố Hà Nội", codename="ha_noi")
    return CommuneFactory(
        code="00004", name="Phường Ba Đình", province=hanoi, codename="phuong_ba_dinh"
    )


def _member(username: str, full_name: str, role: Role, commune: Commune) -> User:
    user = UserFactory(username=username, full_name=full_name)
    Membership.objects.create(user=user, role=role, commune=commune)
    return user


@pytest.fixture
def admin(commune) -> User:
    return _member("mai", "Trần Thị Mai", Role.COMMUNE_ADMIN, commune)


@pytest.fixture
def officer(commune) -> User:
    return _member("hung", "Nguyễn Văn Hùng", Role.OFFICER, commune)


@pytest.fixture
def volunteer(commune) -> User:
    return _member("thu", "Lê Minh Thư", Role.VOLUNTEER, commune)


@pytest.fixture
def sponsor(commune) -> User:
    return _member("bao", "Phạm Quốc Bảo", Role.SPONSOR_VIEWER, commune)


@pytest.fixture
def province_viewer(province) -> User:
    user = UserFactory(username="tam", full_name="Võ Thanh Tâm")
    Membership.objects.create(user=user, role=Role.PROVINCE_VIEWER, province=province)
    return user


@pytest.fixture
def other_officer(other_commune) -> User:
    return _member("lan", "Đỗ Thị Lan", Role.OFFICER, other_commune)


@pytest.fixture
def client_for():
    """client_for(user) → a test client signed in as `user` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        return signed_in_client(user) if user is not None else Client()

    return make
