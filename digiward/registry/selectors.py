"""Reads of the registry that several screens need."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from digiward.core.models import Commune
from digiward.registry.journey import RUNG, MilestoneKind
from digiward.registry.models import ELDERLY_AGE, Household, PovertyStatus, Resident


@dataclass(frozen=True)
class RegistryCounts:
    households: int
    poor_households: int
    near_poor_households: int
    residents: int
    elderly_alone: int
    without_smartphone: int
    with_vneid_level2: int
    independent: int


def registry_counts(commune: Commune) -> RegistryCounts:
    """Headline numbers of the commune: two aggregate queries."""
    households = Household.objects.for_commune(commune).aggregate(
        total=Count("pk"),
        poor=Count("pk", filter=Q(poverty_status=PovertyStatus.POOR)),
        near_poor=Count("pk", filter=Q(poverty_status=PovertyStatus.NEAR_POOR)),
    )
    elderly_born_by = timezone.localdate().year - ELDERLY_AGE
    residents = (
        Resident.objects.for_commune(commune)
        .active()
        .aggregate(
            total=Count("pk"),
            elderly_alone=Count("pk", filter=Q(lives_alone=True, birth_year__lte=elderly_born_by)),
            no_phone=Count("pk", filter=Q(journey_rung=0)),
            vneid2=Count("pk", filter=Q(journey_rung__gte=RUNG[MilestoneKind.VNEID_LEVEL2])),
            independent=Count("pk", filter=Q(journey_rung=RUNG[MilestoneKind.INDEPENDENT])),
        )
    )
    return RegistryCounts(
        households=households["total"],
        poor_households=households["poor"],
        near_poor_households=households["near_poor"],
        residents=residents["total"],
        elderly_alone=residents["elderly_alone"],
        without_smartphone=residents["no_phone"],
        with_vneid_level2=residents["vneid2"],
        independent=residents["independent"],
    )
