"""The move of officers' leave to core.Absence keeps every row and merges duplicates."""

from __future__ import annotations

from datetime import date

import pytest

from digiward.core.testing import migrate_to, migrate_to_latest

BEFORE = [("core", "0007_absence"), ("homecare", "0006_personal_data_erased")]
AFTER = [("homecare", "0007_officer_leave_to_core_absence")]


@pytest.mark.django_db(transaction=True)
def test_every_leave_is_kept_once_and_reasons_merge(commune, officer, admin):
    old = migrate_to(BEFORE)
    Profile = old.get_model("homecare", "OfficerProfile")
    Leave = old.get_model("homecare", "OfficerLeave")
    OldAbsence = old.get_model("core", "Absence")
    profile = Profile.objects.create(commune_id=commune.pk, user_id=officer.pk, authorities=[])
    Leave.objects.create(
        commune_id=commune.pk,
        officer=profile,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 3),
        reason="Tập huấn",
        created_by_id=admin.pk,
    )
    Leave.objects.create(
        commune_id=commune.pk,
        officer=profile,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 1),
        reason="Ốm",
    )
    # the same days already recorded in core (e.g. from the help desk): merged, not doubled
    OldAbsence.objects.create(
        commune_id=commune.pk,
        user_id=officer.pk,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 4, 1),
        reason="Nghỉ phép",
    )
    new = migrate_to(AFTER)
    Absence = new.get_model("core", "Absence")
    rows = list(
        Absence.objects.order_by("starts_on").values_list(
            "user_id", "starts_on", "reason", "created_by_id"
        )
    )
    assert rows == [
        (officer.pk, date(2026, 3, 2), "Tập huấn", admin.pk),
        (officer.pk, date(2026, 4, 1), "Nghỉ phép / Ốm", None),
    ]
    back = migrate_to(BEFORE)  # reversible: the officer's rows go back to homecare
    assert back.get_model("homecare", "OfficerLeave").objects.count() == 2
    migrate_to_latest()
