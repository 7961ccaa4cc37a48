"""factory_boy factories and small builders for the guidance team."""

from __future__ import annotations

from datetime import time

import factory

from digiward.core.models import Membership, Role
from digiward.core.tests.factories import UserFactory
from digiward.guidance.models import (
    DutyShift,
    Experience,
    Roster,
    RosterStatus,
    ShiftAssignment,
    SlotTemplate,
    TeamMember,
)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    experience = Experience.TRAINED
    max_shifts_per_week = 3
    skills = factory.LazyFunction(list)

    @factory.post_generation
    def volunteer_role(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.get_or_create(
                user=obj.user, role=Role.VOLUNTEER, commune=obj.commune
            )


class SlotTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotTemplate

    kind = "morning"
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4, 5])
    start = time(7, 0)
    end = time(11, 30)
    required = 2
    required_skills = factory.LazyFunction(list)


class RosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roster

    status = RosterStatus.PUBLISHED
    solver_status = "optimal"


class DutyShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyShift

    roster = factory.SubFactory(RosterFactory, commune=factory.SelfAttribute("..commune"))
    kind = "morning"
    start = time(7, 0)
    end = time(11, 30)
    required = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftAssignment

    commune = factory.SelfAttribute("shift.commune")
