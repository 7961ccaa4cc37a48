"""Taking a request on the phone: bad input is explained, nothing typed is lost.

Messages are compared with gettext of their English text, so the tests hold before and
after the Vietnamese catalogue is merged.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.core.models import AuditAction, AuditEvent
from digiward.core.testing import client_in
from digiward.homecare import services
from digiward.homecare.eligibility import Basis, PersonFacts, assess
from digiward.homecare.models import (
    EligibilityOutcome,
    HomeSupportRequest,
    RequestSource,
    RequestStatus,
    TimeWindow,
)
from digiward.homecare.tests.factories import RequestFactory
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def details(**overrides):
    data = {
        "person_name": "Bà Nguyễn Thị Năm",
        "address": "12/3 Hẻm 5 Trần Hưng Đạo",
        "reason": "elderly",
        "requester_relation": "relative",
        "requester_name": "Lê Văn Con",
        "requester_phone": "0912345678",
        "procedure_other": "Chứng thực giấy ủy quyền",
    }
    data.update(overrides)
    return services.RequestDetails(**data)


def form_data(**overrides):
    data = {
        "source": RequestSource.PHONE_CALL,
        "requester_relation": "relative",
        "requester_name": "Lê Văn Con",
        "requester_phone": "0912 345 678",
        "person_name": "Bà Nguyễn Thị Năm",
        "address": "12/3 Hẻm 5 Trần Hưng Đạo",
        "procedure_other": "Chứng thực giấy ủy quyền",
        "reason": "elderly",
        "urgency": "normal",
        "consent": "on",
        "windows-TOTAL_FORMS": "3",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "8",
        "windows-0-weekday": "",
        "windows-0-starts_at": "08:00",
        "windows-0-ends_at": "11:00",
    }
    data.update(overrides)
    return data


def test_an_officer_records_a_phone_call_with_windows_and_gps(
    commune, officer, officer_access, hc_settings
):
    HouseholdFactory(
        commune=commune, latitude=Decimal("10.030000"), longitude=Decimal("105.770000")
    )
    HouseholdFactory(
        commune=commune, latitude=Decimal("10.040000"), longitude=Decimal("105.790000")
    )
    response = client_in(officer, commune).post(
        reverse("homecare:request_create"),
        form_data(
            latitude="10.0351",
            longitude="105.7812",
            **{
                "windows-1-weekday": "2",
                "windows-1-starts_at": "14:00",
                "windows-1-ends_at": "16:30",
            },
        ),
    )
    request = HomeSupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("homecare:request_detail", args=[request.pk])
    assert (request.source, request.created_by, request.status) == (
        RequestSource.PHONE_CALL,
        officer,
        RequestStatus.RECEIVED,
    )
    assert (request.requester_phone, request.requester_name) == ("0912345678", "Lê Văn Con")
    windows = list(TimeWindow.objects.filter(request=request).order_by("starts_at"))
    assert [(w.weekday, w.starts_at, w.ends_at) for w in windows] == [
        (None, time(8), time(11)),
        (2, time(14), time(16, 30)),
    ]
    assert request.due_on is not None and request.consent_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(request.pk)).exists()


def test_no_way_to_contact_anyone_is_refused_and_the_form_keeps_what_was_typed(
    commune, officer, hc_settings
):
    response = client_in(officer, commune).post(
        reverse("homecare:request_create"), form_data(requester_phone="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Bà Nguyễn Thị Năm"' in page and 'value="08:00"' in page
    assert (
        _(
            "Give at least one phone number, of the person or of whoever asks: an officer phones "
            "the day before the visit."
        )
        in page
    )
    assert not HomeSupportRequest.objects.exists()


def test_the_service_refuses_no_phone_too(officer_access, hc_settings):
    with pytest.raises(DomainError) as refused:
        services.request_create(access=officer_access, details=details(requester_phone=""))
    assert refused.value.field == "requester_phone"
    assert not HomeSupportRequest.objects.exists()


def test_the_database_refuses_a_request_nobody_can_be_reached_by(commune):
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestFactory(commune=commune, requester_phone="", person_phone="")


def test_a_window_ending_before_it_starts_is_refused(commune, officer, officer_access, hc_settings):
    response = client_in(officer, commune).post(
        reverse("homecare:request_create"),
        form_data(**{"windows-0-starts_at": "11:00", "windows-0-ends_at": "08:00"}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        _("A time window must end after it starts (%(start)s–%(end)s).")
        % {
            "start": "11:00",
            "end": "08:00",
        }
        in page
    )
    assert not HomeSupportRequest.objects.exists()
    with pytest.raises(DomainError) as refused:
        services.request_create(
            access=officer_access,
            details=details(windows=(services.WindowData(time(11), time(8)),)),
        )
    assert refused.value.field == "windows"
    request = RequestFactory(commune=commune)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeWindow.objects.create(request=request, starts_at=time(11), ends_at=time(8))


def test_an_address_outside_the_commune_is_refused(commune, officer, officer_access, hc_settings):
    HouseholdFactory(
        commune=commune, latitude=Decimal("10.030000"), longitude=Decimal("105.770000")
    )
    HouseholdFactory(
        commune=commune, latitude=Decimal("10.040000"), longitude=Decimal("105.790000")
    )
    # Cái Răng, about 6 km south-east of Ninh Kiều: outside the ward.
    with pytest.raises(DomainError) as refused:
        services.request_create(
            access=officer_access,
            details=details(latitude=Decimal("9.995000"), longitude=Decimal("105.800000")),
        )
    assert refused.value.field == "latitude"
    assert "km" in refused.value.message and commune.name in refused.value.message
    response = client_in(officer, commune).post(
        reverse("homecare:request_create"), form_data(latitude="9.995", longitude="105.8")
    )
    assert response.status_code == 200 and 'value="9.995"' in response.content.decode()
    assert not HomeSupportRequest.objects.exists()
    # Just outside the last household but within the margin (1 km): fine.
    inside = services.request_create(
        access=officer_access,
        details=details(latitude=Decimal("10.045000"), longitude=Decimal("105.790000")),
    )
    assert inside.latitude == Decimal("10.045000")


def test_a_stored_point_now_outside_the_commune_is_kept_on_an_unchanged_save(
    commune, officer_access, hc_settings
):
    """Decision 61: the area known to DigiWard can shrink (households moved, a request
    point stored before); saving the request as it is must not be refused for it."""
    HouseholdFactory(
        commune=commune, latitude=Decimal("10.030000"), longitude=Decimal("105.770000")
    )
    far = RequestFactory(
        commune=commune, latitude=Decimal("9.995000"), longitude=Decimal("105.800000")
    )
    services.request_update(
        access=officer_access,
        request=far,
        details=details(latitude=far.latitude, longitude=far.longitude),
    )
    far.refresh_from_db()
    assert far.latitude == Decimal("9.995000")
    # a new point outside is still refused
    with pytest.raises(DomainError) as refused:
        services.request_update(
            access=officer_access,
            request=far,
            details=details(latitude=Decimal("9.990000"), longitude=Decimal("105.800000")),
        )
    assert refused.value.field == "latitude"


def test_half_a_gps_point_is_refused(officer_access, hc_settings):
    with pytest.raises(DomainError) as refused:
        services.request_create(access=officer_access, details=details(latitude=Decimal("10.03")))
    assert refused.value.field == "latitude"


def test_nothing_to_do_is_refused(officer_access, hc_settings):
    with pytest.raises(DomainError) as refused:
        services.request_create(access=officer_access, details=details(procedure_other=""))
    assert refused.value.field == "procedure"


def test_the_public_form_gets_a_deadline(client, commune, hc_settings):
    from django.core.management import call_command

    from digiward.public import views as public_views

    call_command("load_procedures", verbosity=0)
    public_views._public_commune.cache_clear()
    client.post(
        reverse("public:help_at_home"),
        {
            "requester_relation": "self",
            "person_name": "Ông Lý Văn Bảy",
            "phone": "0912345678",
            "address": "5 Ngô Quyền",
            "procedure_other": "Xin xác nhận",
            "reason": "elderly",
            "consent": "on",
            "website": "",
        },
    )
    public_views._public_commune.cache_clear()
    request = HomeSupportRequest.objects.get()
    assert request.source == RequestSource.PUBLIC_FORM
    assert request.sla_working_days == hc_settings.default_sla_working_days
    assert request.due_on is not None and request.due_on > request.received_on
    assert request.eligibility == EligibilityOutcome.STATED


# --- Eligibility -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "outcome", "bases"),
    [
        (PersonFacts(True, age=72), EligibilityOutcome.ELIGIBLE, {Basis.ELDERLY}),
        (PersonFacts(True, age=60), EligibilityOutcome.ELIGIBLE, {Basis.ELDERLY}),
        (PersonFacts(True, age=59), EligibilityOutcome.NOT_ELIGIBLE, set()),
        (
            PersonFacts(True, age=40, disability=True),
            EligibilityOutcome.ELIGIBLE,
            {Basis.DISABILITY},
        ),
        (
            PersonFacts(True, age=45, limited_mobility=True, chronic_illness=True),
            EligibilityOutcome.ELIGIBLE,
            {Basis.LIMITED_MOBILITY, Basis.CHRONIC_ILLNESS},
        ),
        (
            PersonFacts(True, age=30, lives_alone=True),
            EligibilityOutcome.NOT_ELIGIBLE,
            {Basis.LIVES_ALONE},
        ),
        (
            PersonFacts(True, age=80, lives_alone=True),
            EligibilityOutcome.ELIGIBLE,
            {Basis.ELDERLY, Basis.LIVES_ALONE},
        ),
        (PersonFacts(False, age=85), EligibilityOutcome.STATED, {Basis.ELDERLY}),
        (PersonFacts(False), EligibilityOutcome.STATED, set()),
    ],
)
def test_eligibility_against_the_registry(facts, outcome, bases):
    result = assess(facts)
    assert result.outcome == outcome
    assert set(result.bases) == bases


def test_linking_to_the_registry_checks_eligibility_and_takes_the_gps(
    commune, officer_access, hc_settings
):
    household = HouseholdFactory(
        commune=commune, latitude=Decimal("10.036000"), longitude=Decimal("105.781000")
    )
    grandmother = ResidentFactory(
        commune=commune, household=household, birth_year=1940, phone="0987654321"
    )
    young = ResidentFactory(commune=commune, household=household, birth_year=1995)
    request = RequestFactory(
        commune=commune,
        status=RequestStatus.RECEIVED,
        latitude=None,
        longitude=None,
        eligibility_override=None,
        eligibility_override_reason="",
    )
    linked = services.request_link_resident(access=officer_access, request=request, resident=young)
    assert linked.eligibility == EligibilityOutcome.NOT_ELIGIBLE and not linked.is_eligible
    assert (linked.latitude, linked.longitude) == (Decimal("10.036000"), Decimal("105.781000"))
    linked = services.request_link_resident(
        access=officer_access, request=request, resident=grandmother
    )
    assert linked.eligibility == EligibilityOutcome.ELIGIBLE and linked.eligibility_bases == [
        "elderly"
    ]
    assert services.request_accept(access=officer_access, request=linked).status == "accepted"


def test_an_officer_overrides_the_registry_only_with_a_reason(commune, officer_access):
    young = ResidentFactory(commune=commune, birth_year=1995)
    request = RequestFactory(
        commune=commune,
        status=RequestStatus.RECEIVED,
        resident=young,
        eligibility_override=None,
        eligibility_override_reason="",
    )
    services.request_check_eligibility(access=officer_access, request=request)
    with pytest.raises(DomainError) as refused:
        services.request_override_eligibility(
            access=officer_access, request=request, eligible=True, reason=" "
        )
    assert refused.value.field == "reason"
    decided = services.request_override_eligibility(
        access=officer_access,
        request=request,
        eligible=True,
        reason="Vừa mổ chân, nằm một chỗ 2 tháng",
    )
    assert decided.is_eligible and decided.eligibility == EligibilityOutcome.NOT_ELIGIBLE
    assert decided.eligibility_override_by == officer_access.user
    event = AuditEvent.objects.filter(object_id=str(request.pk), note="eligibility decision").get()
    assert event.changes["eligibility_override"] == [None, True]
    back = services.request_override_eligibility(
        access=officer_access, request=request, eligible=None, reason=""
    )
    assert not back.is_eligible and back.eligibility_override_reason == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeSupportRequest.objects.filter(pk=request.pk).update(
            eligibility_override=False, eligibility_override_reason=""
        )


def test_a_closed_request_cannot_be_edited(commune, officer_access, hc_settings):
    request = RequestFactory(commune=commune, status=RequestStatus.COMPLETED)
    with pytest.raises(DomainError):
        services.request_update(access=officer_access, request=request, details=details())
