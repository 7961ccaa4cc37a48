"""Who home support is for: a check against the registry, which an officer may override.

Pure module. The programme serves "lonely elderly and sick people" and "the elderly, the
sick and people with difficulty travelling" (the Mỹ Tú and Long Phú examples in the
seed article). A person in the registry qualifies on any of: aged 60 or over (Law on
the Elderly 2009, Art. 2; from the birth date or year), disability, limited mobility,
chronic illness. Living alone is recorded as a basis too but does not qualify on its
own: a healthy young person living alone can come to the center. Someone not in the
registry gets "stated": the officer confirms after the phone call (an override with a
reason), and links the person to the registry when they can.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from digiward.homecare.models import EligibilityOutcome

ELDERLY_AGE = 60


class Basis(models.TextChoices):
    ELDERLY = "elderly", _("Aged 60 or over")
    DISABILITY = "disability", _("Has a disability")
    LIMITED_MOBILITY = "limited_mobility", _("Cannot travel easily")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    LIVES_ALONE = "lives_alone", _("Lives alone")


QUALIFYING = frozenset(
    {Basis.ELDERLY, Basis.DISABILITY, Basis.LIMITED_MOBILITY, Basis.CHRONIC_ILLNESS}
)


@dataclass(frozen=True)
class PersonFacts:
    """What is known about the person; `in_registry` says whether it comes from the registry."""

    in_registry: bool
    age: int | None = None
    disability: bool = False
    limited_mobility: bool = False
    chronic_illness: bool = False
    lives_alone: bool = False


@dataclass(frozen=True)
class Assessment:
    outcome: EligibilityOutcome
    bases: tuple[Basis, ...]

    @property
    def labels(self) -> list[str]:
        return [str(b.label) for b in self.bases]


def assess(facts: PersonFacts) -> Assessment:
    bases = [
        basis
        for basis, present in (
            (Basis.ELDERLY, facts.age is not None and facts.age >= ELDERLY_AGE),
            (Basis.DISABILITY, facts.disability),
            (Basis.LIMITED_MOBILITY, facts.limited_mobility),
            (Basis.CHRONIC_ILLNESS, facts.chronic_illness),
            (Basis.LIVES_ALONE, facts.lives_alone),
        )
        if present
    ]
    if not facts.in_registry:
        return Assessment(EligibilityOutcome.STATED, tuple(bases))
    qualifies = any(b in QUALIFYING for b in bases)
    outcome = EligibilityOutcome.ELIGIBLE if qualifies else EligibilityOutcome.NOT_ELIGIBLE
    return Assessment(outcome, tuple(bases))


def basis_labels(codes: list[str]) -> list[str]:
    return [str(Basis(code).label) for code in codes if code in Basis.values]
