"""Input and output types of the duty roster, and the facts derived from them.

Pure dataclasses, no Django and no OR-Tools: the Django app builds these from its
models, `roster.solve_roster` turns them into a roster, and the same types feed the
validator, the round-robin baseline and the benchmark.

Conventions used throughout the roster modules:

- a *week* is an ISO week (Monday to Sunday), keyed by its Monday; the weekly
  limit `Member.max_shifts_per_week` counts shifts in that week;
- a *seat* is one person in one slot, so a slot with `required=2` has two seats;
- two slots *overlap* (nobody can take both) when they are on the same day and
  either have the same kind or both carry clock times that intersect. Slots of the
  same day with different kinds and no clock times do not overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Any


class Availability(StrEnum):
    """What a member said about one (weekday, slot kind)."""

    AVAILABLE = "available"
    PREFER_NOT = "prefer_not"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Member:
    """One union member of the help-desk team.

    `availability` maps (weekday 0=Monday … 6=Sunday, slot kind) to an
    `Availability`; a missing key means AVAILABLE. `absences` are whole days off
    (leave, training, sickness) that override any availability. `booked` counts the
    shifts a member already holds outside this problem in a week it shares (the
    neighbouring month's roster: a week often spans two months), keyed by the
    week's Monday; they count against the weekly limit.
    """

    id: int
    name: str
    skills: frozenset[str] = frozenset()
    experienced: bool = False
    max_shifts_per_week: int = 5
    # Left out of the hash (a dict is unhashable) so members can go in sets.
    availability: Mapping[tuple[int, str], Availability] = field(default_factory=dict, hash=False)
    absences: frozenset[date] = frozenset()
    booked: Mapping[date, int] = field(default_factory=dict, hash=False)

    def weekly_limit(self, week: date) -> int:
        """Shifts this problem may still give the member in the week starting `week`."""
        return max(0, self.max_shifts_per_week - self.booked.get(week, 0))

    def availability_for(self, slot: Slot) -> Availability:
        """The member's stated availability for the slot, absences first."""
        if slot.day in self.absences:
            return Availability.UNAVAILABLE
        return self.availability.get((slot.day.weekday(), slot.kind), Availability.AVAILABLE)

    def can_work(self, slot: Slot) -> bool:
        """May the member be assigned to the slot at all (hard rules on one person)?"""
        return (
            self.max_shifts_per_week > 0
            and self.availability_for(slot) is not Availability.UNAVAILABLE
        )


@dataclass(frozen=True)
class Slot:
    """One duty slot: `required` people on `day`, of which one experienced.

    `start`/`end` are optional clock times; they only matter to decide whether
    two slots of different kinds on the same day overlap.
    """

    id: str
    day: date
    kind: str
    required: int = 2
    required_skills: frozenset[str] = frozenset()
    start: time | None = None
    end: time | None = None

    def overlaps(self, other: Slot) -> bool:
        """Can one person not be in both slots? (See the module docstring.)"""
        if self.id == other.id or self.day != other.day:
            return False
        if self.kind == other.kind:
            return True
        if None in (self.start, self.end, other.start, other.end):
            return False
        assert self.start is not None  # narrowed above, for mypy
        assert self.end is not None
        assert other.start is not None
        assert other.end is not None
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class RosterRules:
    """Hard-rule switches and the weights of the soft rules.

    Weights are integer costs per unit of violation, so they can be compared:
    with the defaults, one shift outside a member's fair share (10) costs more
    than putting someone on a slot they would rather not take (4), which costs
    more than moving someone off their usual weekday/kind (1). Fairness is
    convex: the k-th shift away from the fair share costs k × fairness_weight.

    `previous_pattern` holds (member_id, weekday, kind) triples, the stable
    pattern to stay close to (see `pattern_from_assignments`). Members without
    any triple in it are free to go anywhere at no cost.
    """

    max_consecutive_days: int = 5
    require_experienced: bool = True
    fairness_weight: int = 10
    preference_weight: int = 4
    consecutive_weight: int = 6
    stability_weight: int = 1
    previous_pattern: frozenset[tuple[int, int, str]] = frozenset()


@dataclass(frozen=True)
class RosterProblem:
    """Everything `solve_roster` needs. Holidays are already removed from `slots`.

    `time_limit_seconds` bounds the search for a roster. When the rules cannot
    all hold, explaining why and building the draft get up to half as long
    again. With `deterministic=True` (the default) the same input gives the same
    roster whatever the machine load: CP-SAT interleaves its workers in a fixed
    order and the limit counts CP-SAT's deterministic time units, which cost
    1.3-2 s of wall time each on this 2-core machine under load; a wall-clock
    cap of twice the limit plus 1 s still applies. The benchmark instances
    finish (proven optimal) long before either limit.
    """

    members: Sequence[Member]
    slots: Sequence[Slot]
    rules: RosterRules = RosterRules()
    time_limit_seconds: float = 20.0
    workers: int = 2
    random_seed: int = 0
    deterministic: bool = True


class RosterStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best for the weights
    FEASIBLE = "feasible"  # valid, maybe not the best (time limit)
    INFEASIBLE = "infeasible"  # hard rules cannot all hold: see conflicts and the draft
    UNKNOWN = "unknown"  # no valid roster found in time, nothing proven
    INVALID = "invalid"  # only the round-robin baseline: a roster that breaks hard rules


class ConflictCode(StrEnum):
    NO_MEMBERS = "NO_MEMBERS"
    NOT_ENOUGH_AVAILABLE = "NOT_ENOUGH_AVAILABLE"
    NO_EXPERIENCED_AVAILABLE = "NO_EXPERIENCED_AVAILABLE"
    SKILL_NOT_AVAILABLE = "SKILL_NOT_AVAILABLE"
    OVERLAP_NOT_ENOUGH_PEOPLE = "OVERLAP_NOT_ENOUGH_PEOPLE"
    WEEKLY_CAPACITY_TOO_LOW = "WEEKLY_CAPACITY_TOO_LOW"
    EXPERIENCED_CAPACITY_TOO_LOW = "EXPERIENCED_CAPACITY_TOO_LOW"
    SKILL_CAPACITY_TOO_LOW = "SKILL_CAPACITY_TOO_LOW"
    # Found by CP-SAT's assumption core, not by counting:
    SLOT_REQUIREMENTS_CONFLICT = "SLOT_REQUIREMENTS_CONFLICT"
    WEEKLY_LIMIT_CONFLICT = "WEEKLY_LIMIT_CONFLICT"
    RULES_CONFLICT = "RULES_CONFLICT"
    UNEXPLAINED = "UNEXPLAINED"


class SoftCode(StrEnum):
    PREFER_NOT = "PREFER_NOT"
    CONSECUTIVE_DAYS = "CONSECUTIVE_DAYS"
    OFF_PATTERN = "OFF_PATTERN"
    UNFAIR_LOAD = "UNFAIR_LOAD"


@dataclass(frozen=True)
class Conflict:
    """Why the hard rules cannot all hold, machine-readable.

    `detail` holds JSON-friendly values only (ints, strings, ISO dates, lists of
    them) so the Django layer can store it and translate it.
    """

    code: ConflictCode
    slot_id: str | None = None
    member_id: int | None = None
    day: date | None = None
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SoftViolation:
    """A soft rule the roster does not meet; same shape as `Conflict`."""

    code: SoftCode
    slot_id: str | None = None
    member_id: int | None = None
    day: date | None = None
    detail: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class DraftGap:
    """One slot of a draft roster that is short of people, and who is missing."""

    slot_id: str
    missing: int
    needs_experienced: bool
    needs_skills: frozenset[str]


@dataclass
class RosterResult:
    """What `solve_roster` (or the baseline) returns.

    `assignments` is a valid roster only when `is_valid`. For an INFEASIBLE
    problem it is empty, `conflicts` say why, and `draft_assignments` is a
    best-effort roster that keeps every hard rule except coverage, with the
    missing seats in `unfilled` / `draft_gaps`; `shift_counts`, `fair_shares`
    and `soft_violations` then describe the draft. UNKNOWN means no roster was
    found in time and nothing was proven: retry with a longer limit.

    `relative_gap` is CP-SAT's |objective − bound| / max(1, |objective|).
    `objective_breakdown` splits the objective into fairness, preferences,
    consecutive and stability costs (already weighted).
    """

    status: RosterStatus
    assignments: list[tuple[str, int]] = field(default_factory=list)
    objective: float | None = None
    best_bound: float | None = None
    relative_gap: float | None = None
    solve_seconds: float = 0.0
    shift_counts: dict[int, int] = field(default_factory=dict)
    fair_shares: dict[int, float] = field(default_factory=dict)
    objective_breakdown: dict[str, int] = field(default_factory=dict)
    soft_violations: list[SoftViolation] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    draft_assignments: list[tuple[str, int]] = field(default_factory=list)
    unfilled: list[tuple[str, int]] = field(default_factory=list)
    draft_gaps: list[DraftGap] = field(default_factory=list)
    solver: str = "cp-sat"

    @property
    def is_valid(self) -> bool:
        return self.status in (RosterStatus.OPTIMAL, RosterStatus.FEASIBLE)


def week_of(day: date) -> date:
    """The Monday of the ISO week of `day`: the key of weekly limits."""
    return day - timedelta(days=day.weekday())


def pattern_from_assignments(
    slots: Iterable[Slot], assignments: Iterable[tuple[str, int]]
) -> frozenset[tuple[int, int, str]]:
    """The (member_id, weekday, kind) pattern of a past roster, for `previous_pattern`."""
    by_id = {slot.id: slot for slot in slots}
    return frozenset(
        (member_id, by_id[slot_id].day.weekday(), by_id[slot_id].kind)
        for slot_id, member_id in assignments
        if slot_id in by_id
    )


def water_fill(capacities: Mapping[int, int], demand: int) -> dict[int, float]:
    """Max-min fair shares: everyone gets the same level, capped by their capacity.

    This is how "fair" is normalised by availability: a member who can only give
    3 shifts is not expected to do the 10 that the others do, and the others
    share the remainder equally.
    """
    shares = dict.fromkeys(capacities, 0.0)
    remaining = float(min(demand, sum(capacities.values())))
    open_keys = sorted((k for k, cap in capacities.items() if cap > 0), key=lambda k: capacities[k])
    while open_keys and remaining > 1e-9:
        level = remaining / len(open_keys)
        smallest = open_keys[0]
        if capacities[smallest] - shares[smallest] <= level:
            # The smallest member saturates: give them everything and re-level.
            given = capacities[smallest] - shares[smallest]
            for key in open_keys:
                shares[key] += given
            remaining -= given * len(open_keys)
            open_keys = [k for k in open_keys if capacities[k] - shares[k] > 1e-9]
        else:
            for key in open_keys:
                shares[key] += level
            remaining = 0.0
    return shares


def share_band(share: float) -> tuple[int, int]:
    """The whole-shift counts that count as "fair" for a fractional share."""
    low = math.floor(share + 1e-6)
    high = math.ceil(share - 1e-6)
    return low, max(low, high)


@dataclass(frozen=True)
class RosterIndex:
    """Facts derived once from a problem and shared by the solver and the checks."""

    members: tuple[Member, ...]
    slots: tuple[Slot, ...]
    member_by_id: Mapping[int, Member]
    slot_by_id: Mapping[str, Slot]
    eligible: Mapping[str, tuple[int, ...]]  # slot id → member ids who can work it
    weeks: Mapping[date, tuple[str, ...]]  # Monday → slot ids of that week
    overlap_groups: tuple[tuple[str, ...], ...]  # groups of slots nobody can combine
    overlap_class: Mapping[str, int]  # slot id → one overlap group it belongs to
    capacity: Mapping[int, int]  # member id → most shifts they could give
    fair_share: Mapping[int, float]

    def capacity_in(self, member: Member, slot_ids: Iterable[str]) -> int:
        """An upper bound of the shifts `member` can take among `slot_ids` (one week).

        The weekly limit (less the shifts already held that week), or the number of eligible slots once each group of
        overlapping slots counts once, whichever is smaller. An upper bound (time
        chains may allow less) is what the infeasibility counting needs to stay
        sound: "needed > capacity" then proves that no roster exists.
        """
        classes: set[int] = set()
        count = 0
        week: date | None = None
        for slot_id in slot_ids:
            week = week or week_of(self.slot_by_id[slot_id].day)
            if member.id not in self.eligible[slot_id]:
                continue
            group = self.overlap_class.get(slot_id)
            if group is not None:
                if group in classes:
                    continue
                classes.add(group)
            count += 1
        if week is None:
            return 0
        return min(member.weekly_limit(week), count)

    @staticmethod
    def build(problem: RosterProblem) -> RosterIndex:
        members = tuple(sorted(problem.members, key=lambda m: m.id))
        slots = tuple(sorted(problem.slots, key=slot_sort_key))
        _check_input(members, slots)
        eligible = {slot.id: tuple(m.id for m in members if m.can_work(slot)) for slot in slots}
        weeks: dict[date, list[str]] = {}
        for slot in slots:
            weeks.setdefault(week_of(slot.day), []).append(slot.id)
        groups = _overlap_groups(slots)
        # Each slot is mapped to one clique it belongs to; slots mapped to the same
        # clique are pairwise overlapping, so at most one of them can be taken.
        overlap_class = {slot_id: i for i, group in enumerate(groups) for slot_id in group}
        index = RosterIndex(
            members=members,
            slots=slots,
            member_by_id={m.id: m for m in members},
            slot_by_id={s.id: s for s in slots},
            eligible=eligible,
            weeks={week: tuple(ids) for week, ids in weeks.items()},
            overlap_groups=groups,
            overlap_class=overlap_class,
            capacity={},
            fair_share={},
        )
        capacity = {
            m.id: sum(index.capacity_in(m, ids) for ids in index.weeks.values()) for m in members
        }
        demand = sum(slot.required for slot in slots)
        return replace(index, capacity=capacity, fair_share=water_fill(capacity, demand))


# The usual order of slot kinds in a day, for slots without clock times.
KIND_ORDER = {"morning": 0, "noon": 1, "afternoon": 2, "evening": 3, "night": 4}


def slot_sort_key(slot: Slot) -> tuple[date, time, int, str, str]:
    """Chronological order: day, start time (untimed first), usual kind order, id."""
    rank = KIND_ORDER.get(slot.kind, len(KIND_ORDER))
    return (slot.day, slot.start or time.min, rank, slot.kind, slot.id)


def _check_input(members: Sequence[Member], slots: Sequence[Slot]) -> None:
    """Malformed input is a programming error, not an infeasible roster."""
    member_ids = [m.id for m in members]
    if len(set(member_ids)) != len(member_ids):
        raise ValueError("duplicate member ids")
    slot_ids = [s.id for s in slots]
    if len(set(slot_ids)) != len(slot_ids):
        raise ValueError("duplicate slot ids")
    for slot in slots:
        if slot.required < 0:
            raise ValueError(f"slot {slot.id}: required must not be negative")
        if (slot.start is None) != (slot.end is None):
            raise ValueError(f"slot {slot.id}: give both start and end, or neither")
        if slot.start is not None and slot.end is not None and slot.start >= slot.end:
            raise ValueError(f"slot {slot.id}: start must be before end")
    for member in members:
        if member.max_shifts_per_week < 0:
            raise ValueError(f"member {member.id}: max_shifts_per_week must not be negative")
        if any(count < 0 for count in member.booked.values()):
            raise ValueError(f"member {member.id}: booked shifts must not be negative")


def _overlap_groups(slots: Sequence[Slot]) -> tuple[tuple[str, ...], ...]:
    """Cliques of mutually overlapping slots, enough to forbid every overlapping pair.

    Same-day same-kind slots form one clique each; timed slots of different kinds
    that intersect add pairs. Days have a handful of slots, so pairs are cheap.
    """
    groups: list[tuple[str, ...]] = []
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.day, []).append(slot)
    for day_slots in by_day.values():
        by_kind: dict[str, list[str]] = {}
        for slot in day_slots:
            by_kind.setdefault(slot.kind, []).append(slot.id)
        groups.extend(tuple(ids) for ids in by_kind.values() if len(ids) > 1)
        for i, first in enumerate(day_slots):
            for second in day_slots[i + 1 :]:
                if first.kind != second.kind and first.overlaps(second):
                    groups.append((first.id, second.id))
    return tuple(groups)
