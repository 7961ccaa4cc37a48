"""One absence row per stretch of days, with each app's rule on who may record it."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from digiward.core.absences import absence_add, absence_remove, own_or, requires
from digiward.core.access import Access
from digiward.core.errors import DomainError
from digiward.core.models import Absence, AuditAction, AuditEvent, Role
from digiward.core.permissions import Perm

pytestmark = pytest.mark.django_db

DESK = own_or(Perm.MANAGE_ROSTER)
HOME = requires(Perm.MANAGE_HOME_SUPPORT)


def _access(user, commune, role):
    return Access(user=user, commune=commune, roles=frozenset({role}))


def test_a_volunteer_records_and_removes_own_days_with_audit(commune, volunteer):
    access = _access(volunteer, commune, Role.VOLUNTEER)
    absence = absence_add(
        access=access,
        user_id=volunteer.pk,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 4),
        reason="  thi học kỳ  ",
        rule=DESK,
    )
    assert (absence.commune, absence.user, absence.created_by) == (commune, volunteer, volunteer)
    assert absence.reason == "thi học kỳ"
    assert absence.covers(date(2026, 3, 4)) and not absence.covers(date(2026, 3, 5))
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(absence.pk)).exists()
    pk = absence.pk
    absence_remove(access=access, absence=absence, rule=DESK)
    assert not Absence.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(pk)).exists()


def test_desk_rule_refuses_someone_elses_days_in_vietnamese(
    commune, volunteer, officer, vietnamese
):
    access = _access(volunteer, commune, Role.VOLUNTEER)
    with pytest.raises(DomainError, match="ngày vắng của chính mình"):
        absence_add(
            access=access,
            user_id=officer.pk,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 2),
            rule=DESK,
        )
    # the roster manager may record anyone's
    manager = _access(officer, commune, Role.OFFICER)
    theirs = absence_add(
        access=manager,
        user_id=volunteer.pk,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 2),
        rule=DESK,
    )
    with pytest.raises(DomainError):
        absence_remove(access=_access(officer, commune, Role.VOLUNTEER), absence=theirs, rule=DESK)


def test_home_rule_needs_the_permission_even_for_oneself(commune, volunteer):
    with pytest.raises(PermissionDenied):
        absence_add(
            access=_access(volunteer, commune, Role.VOLUNTEER),
            user_id=volunteer.pk,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 2),
            rule=HOME,
        )


def test_dates_are_checked_and_a_year_is_the_most(commune, officer):
    access = _access(officer, commune, Role.OFFICER)
    with pytest.raises(DomainError) as backwards:
        absence_add(
            access=access,
            user_id=officer.pk,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 1),
            rule=HOME,
        )
    assert backwards.value.field == "ends_on"
    with pytest.raises(DomainError):
        absence_add(
            access=access,
            user_id=officer.pk,
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 1, 3),
            rule=HOME,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(
            commune=commune, user=officer, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1)
        )


def test_overlapping_and_scoping(commune, other_commune, officer, other_officer):
    Absence.objects.create(
        commune=commune, user=officer, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6)
    )
    Absence.objects.create(
        commune=other_commune,
        user=other_officer,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 6),
    )
    ours = Absence.objects.for_access(_access(officer, commune, Role.OFFICER))
    assert ours.overlapping(date(2026, 3, 6), date(2026, 3, 9)).count() == 1
    assert ours.overlapping(date(2026, 3, 7), date(2026, 3, 9)).count() == 0
    assert ours.covering(date(2026, 3, 1)).count() == 0


def test_removing_another_communes_row_is_refused(commune, other_commune, officer, other_officer):
    theirs = Absence.objects.create(
        commune=other_commune,
        user=other_officer,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 2),
    )
    with pytest.raises(DomainError):
        absence_remove(access=_access(officer, commune, Role.OFFICER), absence=theirs, rule=HOME)
    assert Absence.objects.filter(pk=theirs.pk).exists()
