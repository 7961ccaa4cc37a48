"""The digital-journey ladder: the milestones, in order, and what "next step" means.

Pure module. A resident stands on the rung of the highest milestone reached
(0 = none yet); the next step is the first milestone of the ladder not reached,
which may lie below that rung (someone with VNeID but no SIM in their own name
still has that step to take).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class MilestoneKind(models.TextChoices):
    HAS_SMARTPHONE = "has_smartphone", _("Has a smartphone")
    HAS_SIM = "has_sim", _("Has a SIM card in their own name")
    HAS_MOBILE_DATA = "has_mobile_data", _("Has mobile data")
    VNEID_LEVEL1 = "vneid_level1", _("VNeID level 1")
    VNEID_LEVEL2 = "vneid_level2", _("VNeID level 2")
    FIRST_ONLINE_SERVICE = "first_online_service", _("First online public service done")
    FIRST_CASHLESS_PAYMENT = "first_cashless_payment", _("First cashless payment")
    INDEPENDENT = "independent", _("Does it alone")


LADDER: tuple[MilestoneKind, ...] = tuple(MilestoneKind)
RUNG: dict[str, int] = {kind.value: index for index, kind in enumerate(LADDER, start=1)}
TOP_RUNG = len(LADDER)

# What a helper should do next, in plain words, for each missing milestone.
NEXT_STEP_HINTS: dict[str, StrOrPromise] = {
    MilestoneKind.HAS_SMARTPHONE: _("Help the person get a smartphone (own, shared or donated)."),
    MilestoneKind.HAS_SIM: _("Register a SIM card in the person's own name (needed for VNeID)."),
    MilestoneKind.HAS_MOBILE_DATA: _("Set up a mobile data package."),
    MilestoneKind.VNEID_LEVEL1: _("Install VNeID from the official store and register level 1."),
    MilestoneKind.VNEID_LEVEL2: _(
        "Go with the chip ID card to the commune police for VNeID level 2."
    ),
    MilestoneKind.FIRST_ONLINE_SERVICE: _(
        "Do a first online public service together (e.g. a stay notification)."
    ),
    MilestoneKind.FIRST_CASHLESS_PAYMENT: _(
        "Make a first cashless payment (a fee, a bill) with them."
    ),
    MilestoneKind.INDEPENDENT: _("Watch the person do a service alone; record it when they can."),
}


class MilestoneSource(models.TextChoices):
    HELP_SESSION = "help_session", _("Help session")
    DONATION = "donation", _("Device donation")
    CLASS = "class", _("Class")
    HOME_VISIT = "home_visit", _("Home visit")
    SELF_REPORT = "self_report", _("Told us themselves")
    OFFICER = "officer", _("Recorded by an officer")
    IMPORT = "import", _("Imported list")
    LEARNING = "learning", _("Digital-skills learning")


class SmartphoneOwnership(models.TextChoices):
    OWN = "own", _("Own phone")
    SHARED = "shared", _("Shared with family")
    DONATED = "donated", _("Donated")


def rung_of(kinds: Iterable[str]) -> int:
    """The highest rung among the milestones reached (0 when none)."""
    return max((RUNG[k] for k in kinds if k in RUNG), default=0)


def next_step(kinds: Iterable[str]) -> MilestoneKind | None:
    """The first milestone of the ladder not yet reached (None at the top)."""
    reached = set(kinds)
    for kind in LADDER:
        if kind.value not in reached:
            return kind
    return None
