"""Registry actions: the journey is derived from milestone events, never typed twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.errors import DomainError
from digiward.registry.journey import MilestoneKind, next_step, rung_of
from digiward.registry.models import HouseholdMove, Relation
from digiward.registry.services import milestone_record, milestone_remove, resident_save
from digiward.registry.tests.factories import HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def test_ladder_position_and_next_step_are_derived():
    assert rung_of([]) == 0
    assert rung_of(["has_smartphone", "vneid_level1"]) == 4
    assert next_step(["has_smartphone", "vneid_level1"]) == MilestoneKind.HAS_SIM
    assert next_step([k.value for k in MilestoneKind]) is None


def test_recording_milestones_moves_the_resident_up_and_keeps_the_first_date(commune, officer):
    resident = ResidentFactory(commune=commune)
    day = timezone.localdate() - timedelta(days=10)
    first = milestone_record(
        acting_user=officer,
        resident=resident,
        kind="vneid_level1",
        achieved_on=day,
        source="help_session",
        source_ref="guidance.helpsession:7",
    )
    again = milestone_record(
        acting_user=officer,
        resident=resident,
        kind="vneid_level1",
        achieved_on=timezone.localdate(),
        source="class",
    )
    assert first is not None and again is None
    resident.refresh_from_db()
    assert (resident.journey_rung, resident.journey_last_on) == (4, day)


@pytest.mark.django_db(transaction=True)
def test_a_milestone_is_recorded_outside_any_transaction(commune, officer):
    """Callers outside a request (commands, browser tests, tasks) hold no transaction:
    the service opens its own for the row lock (PostgreSQL refuses SELECT ... FOR UPDATE
    outside one; an edit once dropped the decorator and only the browser test saw it)."""
    resident = ResidentFactory(commune=commune)
    recorded = milestone_record(
        acting_user=officer,
        resident=resident,
        kind="has_smartphone",
        achieved_on=timezone.localdate(),
        source="officer",
    )
    assert recorded is not None
    resident.refresh_from_db()
    assert resident.journey_rung == 1


def test_bad_milestones_are_refused(commune, officer):
    resident = ResidentFactory(commune=commune, birth_date=date(2000, 1, 1))
    with pytest.raises(DomainError):
        milestone_record(
            acting_user=officer,
            resident=resident,
            kind="vneid_level1",
            achieved_on=timezone.localdate() + timedelta(days=1),
            source="officer",
        )
    with pytest.raises(DomainError):
        milestone_record(
            acting_user=officer,
            resident=resident,
            kind="vneid_level1",
            achieved_on=date(1999, 1, 1),
            source="officer",
        )
    with pytest.raises(DomainError):
        milestone_record(
            acting_user=officer,
            resident=resident,
            kind="flying",
            achieved_on=timezone.localdate(),
            source="officer",
        )


def test_removing_a_mistake_recomputes_the_journey(commune, officer):
    resident = ResidentFactory(commune=commune)
    milestone_record(
        acting_user=officer,
        resident=resident,
        kind="has_smartphone",
        achieved_on=timezone.localdate(),
        source="officer",
    )
    wrong = milestone_record(
        acting_user=officer,
        resident=resident,
        kind="independent",
        achieved_on=timezone.localdate(),
        source="officer",
    )
    access = access_for(officer, commune)
    with pytest.raises(DomainError):
        milestone_remove(access=access, milestone=wrong, reason=" ")
    milestone_remove(access=access, milestone=wrong, reason="Ghi nhầm người")
    resident.refresh_from_db()
    assert resident.journey_rung == 1


def test_moving_to_another_household_keeps_history(commune, officer):
    resident = ResidentFactory(commune=commune)
    old = resident.household
    resident.household = HouseholdFactory(commune=commune)
    resident_save(access=access_for(officer, commune), resident=resident)
    move = HouseholdMove.objects.get(resident=resident)
    assert move.from_household == old and move.recorded_by == officer


def test_a_volunteer_cannot_edit_and_another_commune_is_refused(
    commune, other_commune, officer, volunteer
):
    resident = ResidentFactory(commune=commune)
    with pytest.raises(Exception, match="edit_registry"):
        resident_save(access=access_for(volunteer, commune), resident=resident)
    stranger = ResidentFactory(commune=other_commune)
    with pytest.raises(DomainError):
        resident_save(access=access_for(officer, commune), resident=stranger)


def test_poverty_standards_are_dated_configuration():
    from digiward.registry.selectors import poverty_standard_for

    assert poverty_standard_for(2025).legal_basis == "Nghị định 07/2021/NĐ-CP"
    assert poverty_standard_for(2026).urban_income_line == 2_000_000  # 2026 still uses Decree 07
    standard_2027 = poverty_standard_for(2027)
    assert standard_2027.legal_basis == "Nghị định 351/2025/NĐ-CP"
    assert (standard_2027.rural_income_line, standard_2027.urban_income_line) == (
        2_200_000,
        2_800_000,
    )
    assert poverty_standard_for(2040) is None


def test_the_head_follows_who_is_marked_head_not_who_was_edited_last(commune, officer):
    access = access_for(officer, commune)
    household = HouseholdFactory(commune=commune)
    father = ResidentFactory(commune=commune, household=household)
    son = ResidentFactory(commune=commune, household=household)
    for person in (father, son):
        person.relation_to_head = Relation.HEAD
        resident_save(access=access, resident=person)
        household.refresh_from_db()
        assert household.head == person
    father.phone = "0912345678"  # the old record still says "head"
    resident_save(access=access, resident=father)
    household.refresh_from_db()
    assert household.head == son


def test_a_household_left_without_a_head_takes_the_person_still_marked_head(commune, officer):
    access = access_for(officer, commune)
    household = HouseholdFactory(commune=commune)
    father = ResidentFactory(commune=commune, household=household)
    father.relation_to_head = Relation.HEAD
    resident_save(access=access, resident=father)
    household.head = None  # e.g. the son who had taken over moved away
    household.save()
    father.phone = "0912345678"
    resident_save(access=access, resident=father)
    household.refresh_from_db()
    assert household.head == father
