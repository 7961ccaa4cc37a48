"""Home-support fixtures on top of the project's personas (conftest.py at the root)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.selectors import calendar_for
from digiward.homecare import services
from digiward.homecare.models import Authority
from digiward.homecare.tests.factories import (
    CertificationFactory,
    OfficerProfileFactory,
    ProcedureFactory,
    RequestFactory,
    SettingsFactory,
)


@pytest.fixture
def hc_settings(commune):
    return SettingsFactory(commune=commune)


@pytest.fixture
def officer_profile(commune, officer, hc_settings):
    """Nguyễn Văn Hùng may certify."""
    return OfficerProfileFactory(commune=commune, user=officer, authorities=[Authority.CERTIFY])


@pytest.fixture
def admin_profile(commune, admin, hc_settings):
    """Trần Thị Mai visits homes too, without the authority to certify."""
    return OfficerProfileFactory(commune=commune, user=admin, authorities=[])


@pytest.fixture
def officer_access(commune, officer):
    return access_for(officer, commune)


@pytest.fixture
def admin_access(commune, admin):
    return access_for(admin, commune)


@pytest.fixture
def plan_day(commune):
    """The next working day after today."""
    return calendar_for(commune).next_working_day(timezone.localdate() + timedelta(days=1))


@pytest.fixture
def certification(db):
    return CertificationFactory()


@pytest.fixture
def vneid(db):
    return ProcedureFactory(slug="vneid-dang-ky-muc-1", name="Đăng ký VNeID mức 1")


@pytest.fixture
def private_storage(settings, tmp_path):
    """Photos go to a private directory of this test (never under static files)."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def visit(commune, officer, officer_profile, officer_access, plan_day, certification):
    """Hùng has arrived at the home of a person who needs an authorization certified."""
    request = RequestFactory(commune=commune, procedure=certification, requester_name="Lê Văn Con")
    booked = services.visit_book(
        access=officer_access, request=request, officer=officer, day=plan_day
    )
    return services.visit_arrive(access=officer_access, visit=booked)
