from __future__ import annotations

import pytest

from digiward.core.models import CommuneSettings
from digiward.homecare.tests.conftest import (  # noqa: F401 - fixtures for the flow test
    hc_settings,
    officer_access,
    officer_profile,
    plan_day,
)
from digiward.messaging.models import ZnsTemplate
from digiward.messaging.templates import KINDS
from digiward.messaging.tests.fakes import FakeEsms, FakeZalo
from digiward.messaging.zns import zns_connect


@pytest.fixture
def zalo():
    server = FakeZalo()
    yield server
    server.stop()


@pytest.fixture
def esms():
    server = FakeEsms()
    yield server
    server.stop()


@pytest.fixture
def gateways(settings, zalo, esms, commune):
    """Both gateways configured against the fakes, the OA connected, templates set."""
    settings.DIGIWARD_ZNS_API_URL = zalo.url
    settings.DIGIWARD_ZNS_OAUTH_URL = zalo.url + "/oauth/v4/oa/access_token"
    settings.DIGIWARD_ZNS_APP_ID = FakeZalo.APP_ID
    settings.DIGIWARD_ZNS_SECRET_KEY = FakeZalo.SECRET
    settings.DIGIWARD_ZNS_WEBHOOK_SECRET = "oa-secret"
    settings.DIGIWARD_SMS_API_URL = esms.url
    settings.DIGIWARD_SMS_API_KEY = FakeEsms.API_KEY
    settings.DIGIWARD_SMS_SECRET_KEY = "esms-secret"
    settings.DIGIWARD_SMS_BRANDNAME = "UBND-XA"
    settings.DIGIWARD_SMS_CALLBACK_TOKEN = "cb-token"
    settings.DIGIWARD_PUBLIC_BASE_URL = "https://digiward.example.vn"
    settings.DIGIWARD_MESSAGING_TIMEOUT = 0.4
    zns_connect("refresh-0")
    for number, kind in enumerate(KINDS, start=101):
        ZnsTemplate.objects.create(kind=kind, template_id=str(number))
    CommuneSettings.objects.create(commune=commune, phone="02923123456")
    return zalo, esms
