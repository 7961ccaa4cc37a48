"""The priority list of a campaign: eligibility, priority group, score, reasons, order.

Pure module: plain tuples in, plain tuples out, no database, so the rules can be tested
(and argued about) without one, and a province of a million households ranks in seconds.

Order (Circular 14/2022/TT-BTTTT, Public-Utility Telecom Programme to 2025, support for
smartphones: poor or near-poor households that are also (1) families of people with
merit, then (2) social-policy families, then (3) poor, then (4) near-poor households;
source: docs/research/vietnam-facts.md §2 "Smartphone support for poor households"):

1. the priority group, 1 to 4 as above; 5 for the other households the campaign admits
   (a particularly disadvantaged household that is not poor, as in the Ninh Kiều
   campaign: "14 poor households and 1 particularly disadvantaged household");
2. the score: the sum of the campaign's weights for the household's facts (higher first);
3. the oldest active member (earlier year of birth first; unknown last);
4. the draw: a number computed from the campaign's draw seed and the household's id with
   SplitMix64 (lower first) — a lottery anyone can recompute, printed on the list, so no
   household is favoured by its code or by when it was typed in;
5. the household id (only to make the order total; two draws never collide in practice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# ---- Facts about a household, as bits ----------------------------------------------------
NO_SMARTPHONE = 1 << 0  # no active member has the "has a smartphone" milestone
ELDERLY_ALONE = 1 << 1  # a member aged 60+ who lives alone
ELDERLY = 1 << 2  # a member aged 60+ (Law on the Elderly 2009, Art. 2)
DISABILITY = 1 << 3
LIMITED_MOBILITY = 1 << 4
CHRONIC_ILLNESS = 1 << 5
PARTICULARLY_DISADVANTAGED = 1 << 6
MERIT_FAMILY = 1 << 7  # family of a person with merit to the revolution
SOCIAL_POLICY_FAMILY = 1 << 8
EARLIER_DEVICE = 1 << 9  # a phone was handed over to the household in an earlier campaign
NO_ACTIVE_MEMBER = 1 << 10  # nobody lives there any more
# Stored with a ranked household so that its reasons can be written without the registry.
POOR_STATUS = 1 << 11
NEAR_POOR_STATUS = 1 << 12

# The facts a campaign may weigh, in the order the reasons are written.
WEIGHTED: dict[str, int] = {
    "particularly_disadvantaged": PARTICULARLY_DISADVANTAGED,
    "no_smartphone": NO_SMARTPHONE,
    "elderly_alone": ELDERLY_ALONE,
    "disability": DISABILITY,
    "limited_mobility": LIMITED_MOBILITY,
    "chronic_illness": CHRONIC_ILLNESS,
    "elderly": ELDERLY,
}
WEIGHTED_MASK = sum(WEIGHTED.values())
DEFAULT_WEIGHTS: dict[str, int] = {
    "particularly_disadvantaged": 30,
    "no_smartphone": 20,
    "elderly_alone": 25,
    "disability": 20,
    "limited_mobility": 10,
    "chronic_illness": 10,
    "elderly": 5,
}
MAX_WEIGHT = 100  # 7 weights of at most 100: a score fits in 10 bits

# ---- Priority groups and exclusions ------------------------------------------------------
GROUP_MERIT = 1
GROUP_SOCIAL_POLICY = 2
GROUP_POOR = 3
GROUP_NEAR_POOR = 4
GROUP_OTHER = 5
GROUPS = (GROUP_MERIT, GROUP_SOCIAL_POLICY, GROUP_POOR, GROUP_NEAR_POOR, GROUP_OTHER)
GROUP_NONE = 9  # not in any group (a household added by the review meeting)

POOR = "poor"
NEAR_POOR = "near_poor"

# Why a household is not on the list (codes; worded in donations.wording).
EXCLUDED_NOT_POOR = "not_poor"
EXCLUDED_POVERTY_YEAR = "poverty_year"
EXCLUDED_HAS_SMARTPHONE = "has_smartphone"
EXCLUDED_EARLIER_DEVICE = "earlier_device"
EXCLUDED_NO_MEMBER = "no_member"
EXCLUSIONS = (
    EXCLUDED_NO_MEMBER,
    EXCLUDED_NOT_POOR,
    EXCLUDED_POVERTY_YEAR,
    EXCLUDED_HAS_SMARTPHONE,
    EXCLUDED_EARLIER_DEVICE,
)

UNKNOWN_BIRTH_YEAR = 9999  # sorts after every real year: unknown age counts as youngest


class Facts(NamedTuple):
    """What the registry (and the donations app) knows about one household."""

    household_id: int
    poverty: str  # "poor", "near_poor" or anything else
    poverty_year: int | None
    flags: int
    oldest_birth_year: int | None


class Ranked(NamedTuple):
    """One household's place on the list."""

    household_id: int
    position: int
    group: int
    score: int
    flags: int  # the facts plus POOR_STATUS / NEAR_POOR_STATUS
    poverty_year: int | None
    oldest_birth_year: int  # UNKNOWN_BIRTH_YEAR when nobody's age is known
    draw: int


class Assessment(NamedTuple):
    group: int | None  # None: not eligible
    score: int
    excluded: tuple[str, ...]  # why not eligible (empty when eligible)


@dataclass(frozen=True)
class Rules:
    """A campaign's eligibility rules and weights (stored as JSON on the campaign)."""

    include_poor: bool = True
    include_near_poor: bool = True
    include_particularly_disadvantaged: bool = True
    # Only certifications from this year on count (None: any year).
    poverty_year_from: int | None = None
    require_no_smartphone: bool = True
    exclude_earlier_recipients: bool = True
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def to_json(self) -> dict[str, Any]:
        return {
            "include_poor": self.include_poor,
            "include_near_poor": self.include_near_poor,
            "include_particularly_disadvantaged": self.include_particularly_disadvantaged,
            "poverty_year_from": self.poverty_year_from,
            "require_no_smartphone": self.require_no_smartphone,
            "exclude_earlier_recipients": self.exclude_earlier_recipients,
            "weights": {name: int(self.weights.get(name, 0)) for name in WEIGHTED},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Rules:
        data = dict(data or {})
        weights = dict(DEFAULT_WEIGHTS)
        for name, value in (data.pop("weights", None) or {}).items():
            if name in WEIGHTED:
                weights[name] = max(0, min(MAX_WEIGHT, int(value)))
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(weights=weights, **known)

    def score_table(self) -> list[int]:
        """Score of every combination of weighted bits, indexed by `flags & WEIGHTED_MASK`."""
        table = [0] * (WEIGHTED_MASK + 1)
        for bits in range(WEIGHTED_MASK + 1):
            if bits & ~WEIGHTED_MASK:
                continue
            table[bits] = sum(
                self.weights.get(name, 0) for name, bit in WEIGHTED.items() if bits & bit
            )
        return table

    def counted_poverty(self, poverty: str, year: int | None) -> str | None:
        """The poverty status that counts for this campaign ('poor', 'near_poor' or None)."""
        admitted = (poverty == POOR and self.include_poor) or (
            poverty == NEAR_POOR and self.include_near_poor
        )
        recent = self.poverty_year_from is None or (
            year is not None and year >= self.poverty_year_from
        )
        return poverty if admitted and recent else None


def assess(facts: Facts, rules: Rules, table: list[int] | None = None) -> Assessment:
    """Eligibility, group and score of one household, with every reason it is left out."""
    flags = facts.flags
    excluded: list[str] = []
    counted = rules.counted_poverty(facts.poverty, facts.poverty_year)
    if flags & NO_ACTIVE_MEMBER:
        excluded.append(EXCLUDED_NO_MEMBER)
    admitted_anyway = (
        rules.include_particularly_disadvantaged and flags & PARTICULARLY_DISADVANTAGED
    )
    if counted is None and not admitted_anyway:
        if facts.poverty in (POOR, NEAR_POOR) and rules.poverty_year_from is not None:
            excluded.append(EXCLUDED_POVERTY_YEAR)
        else:
            excluded.append(EXCLUDED_NOT_POOR)
    if rules.require_no_smartphone and not flags & NO_SMARTPHONE:
        excluded.append(EXCLUDED_HAS_SMARTPHONE)
    if rules.exclude_earlier_recipients and flags & EARLIER_DEVICE:
        excluded.append(EXCLUDED_EARLIER_DEVICE)
    score = (table or rules.score_table())[flags & WEIGHTED_MASK]
    if excluded:
        return Assessment(None, score, tuple(excluded))
    return Assessment(group_of(counted, flags), score, ())


def group_of(counted_poverty: str | None, flags: int) -> int:
    if counted_poverty is None:
        return GROUP_OTHER if flags & PARTICULARLY_DISADVANTAGED else GROUP_NONE
    if flags & MERIT_FAMILY:
        return GROUP_MERIT
    if flags & SOCIAL_POLICY_FAMILY:
        return GROUP_SOCIAL_POLICY
    return GROUP_POOR if counted_poverty == POOR else GROUP_NEAR_POOR


_MASK64 = (1 << 64) - 1


def draw_number(seed: int, household_id: int) -> int:
    """SplitMix64 of seed+id, cut to 48 bits (fits a signed 64-bit column everywhere)."""
    z = (seed + household_id * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return (z ^ (z >> 31)) >> 16


def sort_key(
    group: int, score: int, oldest_birth_year: int | None, draw: int, household_id: int
) -> tuple[int, int, int, int, int]:
    """The documented order: group, score (desc), oldest member, draw, id."""
    oldest = UNKNOWN_BIRTH_YEAR if oldest_birth_year is None else oldest_birth_year
    return (group, -score, oldest, draw, household_id)


@dataclass
class Summary:
    considered: int = 0
    eligible: int = 0
    by_group: dict[int, int] = field(default_factory=dict)
    # A household left out for several reasons counts under each of them.
    excluded: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "considered": self.considered,
            "eligible": self.eligible,
            "by_group": {str(k): v for k, v in sorted(self.by_group.items())},
            "excluded": dict(sorted(self.excluded.items())),
        }


def rank(facts: Iterable[Facts], rules: Rules, *, seed: int) -> tuple[list[Ranked], Summary]:
    """Assess every household and order the eligible ones. Deterministic for a given seed.

    Written for a million households (a province): the score and the group come from
    precomputed tables, the draw is inlined, and the order is one integer per household
    (group, score, oldest, draw and id packed in that order of significance), which
    sorts several times faster than tuples. It must agree with `assess`: the tests check.
    """
    table = rules.score_table()
    excluded = dict.fromkeys(EXCLUSIONS, 0)
    by_group = dict.fromkeys(GROUPS, 0)
    year_from = rules.poverty_year_from
    # poverty status → (the status bit kept with the entry, its group before policy bits)
    admitted = {}
    if rules.include_poor:
        admitted[POOR] = (POOR_STATUS, GROUP_POOR)
    if rules.include_near_poor:
        admitted[NEAR_POOR] = (NEAR_POOR_STATUS, GROUP_NEAR_POOR)
    other_bits = {POOR: POOR_STATUS, NEAR_POOR: NEAR_POOR_STATUS}
    include_pd = rules.include_particularly_disadvantaged
    # Any of these bits excludes a household (checked on the slow path, with reasons).
    reject = NO_ACTIVE_MEMBER | (EARLIER_DEVICE if rules.exclude_earlier_recipients else 0)
    need_no_phone = rules.require_no_smartphone
    merit, social, pd = MERIT_FAMILY, SOCIAL_POLICY_FAMILY, PARTICULARLY_DISADVANTAGED
    mask, mix1, mix2, mix3, m64 = (
        WEIGHTED_MASK,
        0x9E3779B97F4A7C15,
        0xBF58476D1CE4E5B9,
        0x94D049BB133111EB,
        _MASK64,
    )
    unknown = UNKNOWN_BIRTH_YEAR
    keys: list[int] = []
    append = keys.append
    extra: dict[int, tuple[int, int | None]] = {}
    considered = 0
    for household_id, poverty, year, flags, oldest in facts:
        considered += 1
        status = admitted.get(poverty)
        if status is not None and year_from is not None and (year is None or year < year_from):
            status = None
        if (
            flags & reject
            or (need_no_phone and not flags & NO_SMARTPHONE)
            or (status is None and not (include_pd and flags & pd))
        ):
            for code in assess(
                Facts(household_id, poverty, year, flags, oldest), rules, table
            ).excluded:
                excluded[code] += 1
            continue
        if status is None:
            group = GROUP_OTHER
            flags |= other_bits.get(poverty, 0)
        else:
            flags |= status[0]
            group = (
                GROUP_MERIT
                if flags & merit
                else GROUP_SOCIAL_POLICY
                if flags & social
                else status[1]
            )
        by_group[group] += 1
        z = (seed + household_id * mix1) & m64
        z = ((z ^ (z >> 30)) * mix2) & m64
        z = ((z ^ (z >> 27)) * mix3) & m64
        draw = (z ^ (z >> 31)) >> 16
        # group (4 bits) | 1023 - score (10) | oldest (14) | draw (48) | id (48)
        append(
            (
                (
                    (
                        (group << 10 | (1023 - table[flags & mask])) << 14
                        | (unknown if oldest is None else oldest)
                    )
                    << 48
                    | draw
                )
                << 48
            )
            | household_id
        )
        extra[household_id] = (flags, year)
    keys.sort()  # one integer comparison per step: the documented order, total thanks to the id
    ranked: list[Ranked] = []
    add = ranked.append
    make = tuple.__new__  # Ranked(...) costs a Python call per row; this builds the same tuple
    id_mask, draw_mask = (1 << 48) - 1, (1 << 48) - 1
    for position, key in enumerate(keys, start=1):
        household_id = key & id_mask
        key >>= 48
        draw = key & draw_mask
        key >>= 48
        oldest = key & 0x3FFF
        key >>= 14
        score = 1023 - (key & 0x3FF)
        flags, year = extra[household_id]
        add(make(Ranked, (household_id, position, key >> 10, score, flags, year, oldest, draw)))
    summary = Summary(
        considered=considered,
        eligible=len(ranked),
        by_group={g: n for g, n in by_group.items() if n},
        excluded={code: n for code, n in excluded.items() if n},
    )
    return ranked, summary


def stored_flags(facts: Facts) -> int:
    """The flags kept with a household's entry: its facts plus its poverty status."""
    if facts.poverty == POOR:
        return facts.flags | POOR_STATUS
    if facts.poverty == NEAR_POOR:
        return facts.flags | NEAR_POOR_STATUS
    return facts.flags


def points(flags: int, rules: Rules) -> list[tuple[str, int]]:
    """Which weighted facts earned the household's score, and how much each: the terms of
    `score_table`, in the order of WEIGHTED, those worth nothing left out. They add up to
    the score, so a list can say why a household stands where it does (issue 12)."""
    return [
        (name, rules.weights.get(name, 0))
        for name, bit in WEIGHTED.items()
        if flags & bit and rules.weights.get(name, 0) > 0
    ]


def reason_codes(flags: int, rules: Rules) -> list[str]:
    """The facts worth saying about a household after its status, weighted facts first."""
    codes = []
    if flags & MERIT_FAMILY:
        codes.append("merit_family")
    if flags & SOCIAL_POLICY_FAMILY:
        codes.append("social_policy_family")
    for name, bit in WEIGHTED.items():
        if not flags & bit:
            continue
        if name == "elderly" and flags & ELDERLY_ALONE:
            continue  # "elderly person living alone" already says it
        # "No smartphone yet" is always worth saying: it is why the household needs a phone.
        if rules.weights.get(name, 0) > 0 or name == "no_smartphone":
            codes.append(name)
    return codes
