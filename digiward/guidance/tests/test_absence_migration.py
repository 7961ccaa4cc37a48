"""The move of team members' absences to core.Absence keeps every row once."""

from __future__ import annotations

from datetime import date

import pytest

from digiward.core.testing import migrate_to, migrate_to_latest

BEFORE = [
    ("guidance", "0001_team_roster_sessions"),
    ("homecare", "0007_officer_leave_to_core_absence"),  # core.Absence exists already
]
AFTER = [("guidance", "0002_absence_to_core")]


@pytest.mark.django_db(transaction=True)
def test_every_absence_is_kept_once_and_reasons_merge(commune, officer, volunteer):
    old = migrate_to(BEFORE)
    Member = old.get_model("guidance", "TeamMember")
    OldAbsence = old.get_model("guidance", "Absence")
    CoreAbsence = old.get_model("core", "Absence")
    thu = Member.objects.create(commune_id=commune.pk, user_id=volunteer.pk, skills=[])
    hung = Member.objects.create(commune_id=commune.pk, user_id=officer.pk, skills=[])
    OldAbsence.objects.create(
        commune_id=commune.pk,
        member=thu,
        start=date(2026, 3, 2),
        end=date(2026, 3, 6),
        reason="Thi",
    )
    OldAbsence.objects.create(
        commune_id=commune.pk,
        member=hung,
        start=date(2026, 4, 1),
        end=date(2026, 4, 1),
        reason="Ốm",
    )
    # the officer's leave already moved from home support: the same days merge into it
    CoreAbsence.objects.create(
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
            "user_id", "starts_on", "ends_on", "reason"
        )
    )
    assert rows == [
        (volunteer.pk, date(2026, 3, 2), date(2026, 3, 6), "Thi"),
        (officer.pk, date(2026, 4, 1), date(2026, 4, 1), "Nghỉ phép / Ốm"),
    ]
    back = migrate_to(BEFORE)  # reversible: the team's rows go back to guidance
    assert back.get_model("guidance", "Absence").objects.count() == 2
    migrate_to_latest()
