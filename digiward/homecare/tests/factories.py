"""factory_boy factories for home support."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

import factory

from digiward.core.models import Absence
from digiward.homecare.models import (
    HomecareSettings,
    HomeSupportRequest,
    OfficerProfile,
    RequestSource,
    RequestStatus,
    TimeWindow,
    TravelReason,
)
from digiward.procedures.models import OnlineLevel, Procedure, ProcedureField

CENTER = (Decimal("10.034000"), Decimal("105.783000"))  # Ninh Kiều, near the wharf


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"thu-tuc-{n}")
    name = factory.Sequence(lambda n: f"Thủ tục thử {n}")
    field = ProcedureField.ONLINE_SERVICES
    online_level = OnlineLevel.ONLINE_PARTIAL
    home_support_possible = True
    documents = ["Thẻ căn cước gắn chip"]


class CertificationFactory(ProcedureFactory):
    slug = "chung-thuc-hop-dong-uy-quyen"
    name = "Chứng thực hợp đồng ủy quyền"
    field = ProcedureField.CERTIFICATION
    documents = ["Dự thảo hợp đồng ủy quyền", "Giấy tờ tùy thân của hai bên"]


class SettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomecareSettings
        django_get_or_create = ("commune",)

    center_latitude = CENTER[0]
    center_longitude = CENTER[1]


class OfficerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerProfile
        django_get_or_create = ("commune", "user")

    authorities = factory.LazyFunction(list)
    work_starts = time(7, 30)
    work_ends = time(16, 30)


class LeaveFactory(factory.django.DjangoModelFactory):
    """An officer's leave: a core.Absence of their user (``officer=`` takes the profile)."""

    class Meta:
        model = Absence

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        officer = kwargs.pop("officer", None)
        if officer is not None:
            kwargs["user"] = officer.user
        return kwargs


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeSupportRequest

    source = RequestSource.PHONE_CALL
    person_name = factory.Sequence(lambda n: f"Bà Nguyễn Thị Thử {n}")
    requester_phone = "0912345678"
    address = factory.Sequence(lambda n: f"{n + 1} Hai Bà Trưng")
    reason = TravelReason.ELDERLY
    status = RequestStatus.ACCEPTED
    eligibility_override = True
    eligibility_override_reason = "Đã gọi điện xác nhận"
    latitude = factory.Sequence(lambda n: CENTER[0] + Decimal(f"0.00{n % 9 + 1}"))
    longitude = factory.Sequence(lambda n: CENTER[1] - Decimal(f"0.00{(n * 7) % 9 + 1}"))
    procedure = factory.SubFactory(ProcedureFactory)


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeWindow

    starts_at = time(8, 0)
    ends_at = time(11, 0)
