"""Demo Zalo/SMS data: mobile numbers and consent for the demo ward's people.

Runs after the guidance and homecare seeders. Gives every active guidance-team member
without a phone a demo mobile number (0900 00x xxx, deterministic) and records their
consent (source "demo seeder"); records the lawful basis (their request) for every
requester's mobile number; sets the commune's phone printed in messages. Idempotent.
Nothing is sent unless the gateways are configured (DIGIWARD_ZNS_* / DIGIWARD_SMS_*):
without them the demo works as before (e-mail files and the outbox page).
"""

from __future__ import annotations

from django.db import transaction

from digiward.core.models import Commune, CommuneSettings
from digiward.guidance.models import TeamMember
from digiward.homecare.models import HomeSupportRequest
from digiward.messaging.models import ConsentBasis
from digiward.messaging.services import consent_record, mobile_e164

DEMO_WARD_PHONE = "0292 3820 000"
DEMO_WARD_ADDRESS = "Trung tâm Phục vụ hành chính công, số 1 đường 30/4"
DEMO_OPENING_HOURS = "Thứ Hai – Thứ Sáu: 7:00 – 11:30 và 13:30 – 17:00\nSáng thứ Bảy: 7:30 – 11:30"


@transaction.atomic
def seed_messaging(*, commune: Commune) -> str:
    # The ward's contacts: every public page shows them and every message gives the phone.
    CommuneSettings.objects.get_or_create(
        commune=commune,
        defaults={
            "phone": DEMO_WARD_PHONE.replace(" ", ""),
            "address": DEMO_WARD_ADDRESS,
            "opening_hours": DEMO_OPENING_HOURS,
        },
    )
    consents = 0
    members = TeamMember.objects.filter(commune=commune, is_active=True).select_related("user")
    for number, member in enumerate(members.order_by("pk"), start=1):
        user = member.user
        if not user.phone:
            user.phone = f"0900{number:06d}"
            user.save(update_fields=["phone"])
        phone = mobile_e164(user.phone)
        if phone:
            consents += consent_record(
                commune=commune,
                phone=phone,
                basis=ConsentBasis.CONSENT,
                source="demo seeder: agreed to duty reminders by Zalo/SMS",
            )
    requests = HomeSupportRequest.objects.filter(commune=commune)
    for request in requests.only("tracking_code", "requester_phone", "person_phone"):
        phone = mobile_e164(request.contact_phone or "")
        if phone:
            consents += consent_record(
                commune=commune,
                phone=phone,
                basis=ConsentBasis.REQUEST,
                source=f"demo seeder: request {request.tracking_code}",
            )
    return f"messaging: {consents} consent records, commune phone {DEMO_WARD_PHONE}"
