"""One phone for the ward: the contacts every public page shows are the ones every
message gives (issue 12: it was kept twice and could differ)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digiward.core.models import CommuneSettings
from digiward.core.testing import client_in, migrate_to, migrate_to_latest
from digiward.messaging.services import stop_line, ward_phone


@pytest.mark.django_db
def test_messages_give_the_phone_of_the_wards_contacts(commune, admin):
    assert ward_phone(commune) == ""
    assert commune.name in stop_line(commune)  # no number to give: who to tell instead
    client_in(admin, commune).post(
        reverse("core:commune_settings"),
        {"phone": "0292 3821 123", "address": "Số 1", "opening_hours": "7:00 – 17:00"},
    )
    assert ward_phone(commune) == "0292 3821 123"
    assert "0292 3821 123" in stop_line(commune)
    page = client_in(admin, commune).get(reverse("messaging:settings")).content.decode()
    assert "0292 3821 123" in page and reverse("core:commune_settings") in page


@pytest.mark.django_db(transaction=True)
def test_a_phone_set_only_for_messages_moves_to_the_wards_contacts(commune, other_commune):
    old = migrate_to([("messaging", "0001_initial"), ("core", "0010_commune_name_sort")])
    OldMessaging = old.get_model("messaging", "CommuneMessaging")
    OldSettings = old.get_model("core", "CommuneSettings")
    OldMessaging.objects.create(commune_id=commune.pk, ward_phone="0292 3123 456")
    OldMessaging.objects.create(commune_id=other_commune.pk, ward_phone="0292 3000 111")
    OldSettings.objects.create(commune_id=other_commune.pk, phone="02923999888")
    migrate_to([("messaging", "0002_ward_phone_to_commune_settings")])
    migrate_to_latest()
    phones = dict(CommuneSettings.objects.values_list("commune_id", "phone"))
    # copied where the contacts had none; the contacts' own number wins where both exist
    assert phones == {commune.pk: "02923123456", other_commune.pk: "02923999888"}
