"""Registry actions: every write to households, residents and milestones goes through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from digiward.core.chunks import chunked
from digiward.core.models import Commune, User
from digiward.registry.journey import RUNG, MilestoneSource
from digiward.registry.models import Milestone, Resident


@dataclass(frozen=True)
class NewMilestone:
    """A milestone to record in bulk (imports, demo data)."""

    resident_id: int
    kind: str
    achieved_on: date
    source: MilestoneSource
    detail: str = ""
    source_ref: str = ""


@transaction.atomic
def milestones_bulk_record(
    *, commune: Commune, milestones: Iterable[NewMilestone], recorded_by: User | None
) -> int:
    """Record many milestones at once and refresh each resident's journey position.

    Milestones already recorded for a resident are skipped (the first one stands).
    Returns how many were created.
    """
    items = list(milestones)
    resident_ids = {m.resident_id for m in items}
    existing: dict[int, set[str]] = defaultdict(set)
    for batch in chunked(resident_ids):
        for resident_id, kind in Milestone.objects.filter(resident_id__in=batch).values_list(
            "resident_id", "kind"
        ):
            existing[resident_id].add(kind)
    rows = []
    for item in items:
        if item.kind in existing[item.resident_id]:
            continue
        existing[item.resident_id].add(item.kind)
        rows.append(
            Milestone(
                commune=commune,
                resident_id=item.resident_id,
                kind=item.kind,
                achieved_on=item.achieved_on,
                source=item.source,
                source_ref=item.source_ref,
                detail=item.detail,
                recorded_by=recorded_by,
            )
        )
    Milestone.objects.bulk_create(rows, batch_size=2000)
    journey_refresh(resident_ids=resident_ids)
    return len(rows)


def journey_refresh(*, resident_ids: Iterable[int]) -> None:
    """Recompute the derived journey fields of these residents from their milestones."""
    for batch in chunked(resident_ids):
        rungs: dict[int, int] = defaultdict(int)
        last_on: dict[int, date] = {}
        for resident_id, kind, achieved_on in Milestone.objects.filter(
            resident_id__in=batch
        ).values_list("resident_id", "kind", "achieved_on"):
            rungs[resident_id] = max(rungs[resident_id], RUNG[kind])
            if resident_id not in last_on or achieved_on > last_on[resident_id]:
                last_on[resident_id] = achieved_on
        changed = []
        for resident in Resident.objects.filter(pk__in=batch).only(
            "pk", "journey_rung", "journey_last_on"
        ):
            rung, last = rungs.get(resident.pk, 0), last_on.get(resident.pk)
            if (resident.journey_rung, resident.journey_last_on) != (rung, last):
                resident.journey_rung, resident.journey_last_on = rung, last
                changed.append(resident)
        Resident.objects.bulk_update(changed, ["journey_rung", "journey_last_on"], batch_size=1000)
