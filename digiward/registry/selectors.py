"""Reads of the registry that several screens need."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.models import Commune
from digiward.core.params import search_text
from digiward.core.phones import PhoneError, parse_phone
from digiward.core.text import fold, is_plain_digits
from digiward.registry.citizen_ids import CitizenIdError, looks_like_citizen_id, normalize
from digiward.registry.identity import citizen_id_hash
from digiward.registry.journey import LADDER, RUNG, TOP_RUNG, MilestoneKind
from digiward.registry.models import (
    ELDERLY_AGE,
    Household,
    Milestone,
    PovertyStandard,
    PovertyStatus,
    RegistrySettings,
    Resident,
    ResidentStatus,
    Sex,
)


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


ADULT_AGE = 18  # Civil Code 2015, Art. 20: a person aged 18 or more is an adult


@dataclass(frozen=True)
class JourneyReach:
    """How far a commune's adults have come on the digital journey: the number of adults
    (the rates' denominator) and how many stand on or above each headline rung."""

    adults: int = 0
    on_journey: int = 0  # any milestone recorded
    vneid_level2: int = 0
    online_service: int = 0
    independent: int = 0

    def __add__(self, other: JourneyReach) -> JourneyReach:
        return JourneyReach(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )


def adults(residents: QuerySet[Resident], today: date | None = None) -> QuerySet[Resident]:
    """Residents the rates are per: living here, aged 18 or more this year (or of unknown
    age: nobody drops out of the denominator for a missing year of birth), and not marked
    "the digital journey does not apply"."""
    return residents.filter(adult_conditions(today=today))


def adult_conditions(prefix: str = "", today: date | None = None) -> Q:
    """What `adults` means, as conditions on the model `prefix` leads from."""
    youngest_year = (today or timezone.localdate()).year - ADULT_AGE
    return (
        Q(**{f"{prefix}status": ResidentStatus.ACTIVE})
        & Q(**{f"{prefix}journey_not_applicable": False})
        & (
            Q(**{f"{prefix}birth_year__isnull": True})
            | Q(**{f"{prefix}birth_year__lte": youngest_year})
        )
    )


def journey_reach_by_commune(
    commune_ids: list[int], today: date | None = None
) -> dict[int, JourneyReach]:
    """Journey reach of each commune in `commune_ids` that has adults: one grouped query,
    whatever the number of communes (the province roll-up reads a hundred at once)."""
    rows = (
        adults(Resident.objects.filter(commune_id__in=commune_ids), today)
        .values("commune_id")
        .annotate(
            adults=Count("pk"),
            on_journey=Count("pk", filter=Q(journey_rung__gte=1)),
            vneid_level2=Count("pk", filter=Q(journey_rung__gte=RUNG[MilestoneKind.VNEID_LEVEL2])),
            online_service=Count(
                "pk", filter=Q(journey_rung__gte=RUNG[MilestoneKind.FIRST_ONLINE_SERVICE])
            ),
            independent=Count("pk", filter=Q(journey_rung__gte=TOP_RUNG)),
        )
        .order_by()
    )
    return {
        row["commune_id"]: JourneyReach(
            adults=row["adults"],
            on_journey=row["on_journey"],
            vneid_level2=row["vneid_level2"],
            online_service=row["online_service"],
            independent=row["independent"],
        )
        for row in rows
    }


def milestones_by_commune_and_month(
    commune_ids: list[int], months: list[date]
) -> dict[tuple[int, date], int]:
    """Milestones reached per commune and calendar month (months given by their first
    day, oldest first): the trend of progress. One grouped query."""
    if not months:
        return {}
    start = months[0]
    rows = (
        Milestone.objects.filter(commune_id__in=commune_ids, achieved_on__gte=start)
        .annotate(month=TruncMonth("achieved_on"))
        .values_list("commune_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # TruncMonth of a DateField is a date on both engines.
    return {(commune_id, month): n for commune_id, month, n in rows}


# ---- Search ---------------------------------------------------------------------------

_DIGITS = re.compile(r"[\s.\-+()]")


@dataclass(frozen=True)
class SearchPage:
    residents: list[Resident]
    page: int
    has_next: bool
    kind: str  # how the query was understood: name, citizen_id, phone, household_code


def resident_search(
    commune: Commune,
    query: str,
    *,
    page: int = 1,
    page_size: int = 25,
    include_inactive: bool = False,
    allow_citizen_id: bool,
) -> SearchPage:
    """Find residents by name (any case, with or without diacritics), citizen ID, phone
    or household code. Screens call `registry.search.resident_search_for`, which decides
    `allow_citizen_id` from the user's role and limits ID-shaped searches.

    Names are looked up in two index-ordered passes, so a search stays fast on 100,000
    residents however common the words are: first the names that start with the
    question ("nguyen van an" before "nguyen van anh", a B-tree range), then the other
    names containing every word, alphabetically (the ordered index is walked and the
    walk stops once a page is full). One row more than the page is fetched instead of
    counting matches."""
    # Someone anonymised on request is counted, never found by name or number again.
    residents: QuerySet[Resident] = Resident.objects.for_commune(commune).filter(
        anonymised_at__isnull=True
    )
    if not include_inactive:
        residents = residents.filter(status=ResidentStatus.ACTIVE)
    query = search_text(query)
    digits = _DIGITS.sub("", query)
    start = (page - 1) * page_size
    wanted = page_size + 1
    if is_plain_digits(digits) and len(digits) >= 9:
        if looks_like_citizen_id(digits) and not allow_citizen_id:
            return SearchPage(residents=[], page=page, has_next=False, kind="citizen_id")
        matches, kind = _number_matches(residents, digits)
        ids = list(
            matches.order_by("name_folded", "pk").values_list("pk", flat=True)[
                start : start + wanted
            ]
        )
    elif (
        any(ch.isdigit() for ch in query)  # household codes have digits; names never do
        and (
            code_match := residents.filter(household__code__iexact=query.replace(" ", ""))
        ).exists()
    ):
        kind = "household_code"
        ids = list(
            code_match.order_by("name_folded", "pk").values_list("pk", flat=True)[
                start : start + wanted
            ]
        )
    elif query:
        kind = "name"
        ids = _name_matches(residents, fold(query).split(), start, wanted)
    else:
        return SearchPage(residents=[], page=page, has_next=False, kind="name")
    found = {
        r.pk: r
        for r in Resident.objects.filter(pk__in=ids).select_related("household", "household__area")
    }
    ordered = [found[pk] for pk in ids if pk in found]
    return SearchPage(
        residents=ordered[:page_size], page=page, has_next=len(ordered) > page_size, kind=kind
    )


def _name_matches(
    residents: QuerySet[Resident], tokens: list[str], start: int, wanted: int
) -> list[int]:
    folded = " ".join(tokens)
    # Range on the folded name: both databases use the (commune, status, name) index.
    prefixed = residents.filter(
        name_folded__gte=folded, name_folded__lt=folded + "\uffff"
    ).order_by("name_folded", "pk")
    ids = list(prefixed.values_list("pk", flat=True)[start : start + wanted])
    if len(ids) == wanted:
        return ids
    prefix_total = start + len(ids) if ids or start == 0 else prefixed.count()
    # Every word must start a word of the name: "an" finds "Văn An", not "Hằng".
    containing = residents.exclude(
        name_folded__gte=folded, name_folded__lt=folded + "\uffff"
    ).annotate(spaced=Concat(Value(" "), "name_folded", output_field=CharField()))
    for token in tokens:
        containing = containing.filter(spaced__contains=" " + token)
    offset = max(0, start - prefix_total)
    more = containing.order_by("name_folded", "pk").values_list("pk", flat=True)[
        offset : offset + wanted - len(ids)
    ]
    return ids + list(more)


def _number_matches(residents: QuerySet[Resident], digits: str) -> tuple[QuerySet[Resident], str]:
    if looks_like_citizen_id(digits):
        try:
            number = normalize(digits)
        except CitizenIdError:
            number = ""
        if len(number) == 12:
            return residents.filter(citizen_id_hash=citizen_id_hash(number)), "citizen_id"
    try:
        phone = parse_phone(digits)
    except PhoneError:
        return residents.none(), "phone"
    return residents.filter(phone=phone.national), "phone"


# ---- The ward's journey --------------------------------------------------------------------

AGE_BANDS: dict[str, tuple[int, int]] = {
    "0-17": (0, 17),
    "18-39": (18, 39),
    "40-59": (40, 59),
    "60-74": (60, 74),
    "75+": (75, 200),
}
VULNERABILITIES = ("lives_alone", "chronic_illness", "disability", "limited_mobility")


@dataclass(frozen=True)
class JourneyFilters:
    area_id: int | None = None
    age_band: str | None = None
    vulnerability: str | None = None
    poverty_status: str | None = None
    sex: str | None = None
    rung: int | None = None  # only those standing on this rung (a dashboard drill-down)
    adults_only: bool = False  # only the adults the journey's rates are per (see `adults`)


def filtered_residents(commune: Commune, filters: JourneyFilters) -> QuerySet[Resident]:
    return Resident.objects.filter(resident_conditions(commune, filters))


def resident_conditions(commune: Commune, filters: JourneyFilters, prefix: str = "") -> Q:
    """The residents `filters` select, as conditions on the model `prefix` leads from
    ("resident__" from a milestone): counting a resident's rows through a join instead of
    `resident__in=<subquery>` lets SQLite start from the few rows of the period rather than
    build the list of every adult first (bench/bench_dashboard.py)."""

    def on(**lookups: object) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    conditions = on(commune=commune, status=ResidentStatus.ACTIVE)
    if filters.adults_only:
        conditions &= adult_conditions(prefix)
    if filters.sex in Sex.values:
        conditions &= on(sex=filters.sex)
    if filters.rung is not None:
        conditions &= on(journey_rung=filters.rung)
    if filters.area_id:
        conditions &= on(household__area_id=filters.area_id)
    if filters.poverty_status:
        conditions &= on(household__poverty_status=filters.poverty_status)
    if filters.vulnerability in VULNERABILITIES:
        conditions &= on(**{filters.vulnerability: True})
    if filters.age_band in AGE_BANDS:
        low, high = AGE_BANDS[filters.age_band]
        year = timezone.localdate().year
        conditions &= on(birth_year__gte=year - high, birth_year__lte=year - low)
    return conditions


@dataclass(frozen=True)
class Rung:
    number: int
    kind: str | None  # None for rung 0 (no milestone yet)
    label: str
    count: int
    percent: float


def journey_distribution(commune: Commune, filters: JourneyFilters) -> tuple[list[Rung], int]:
    """How many residents stand on each rung (the highest milestone reached), one query."""
    counts = dict(
        filtered_residents(commune, filters)
        .values_list("journey_rung")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(counts.values())
    rungs = [
        Rung(
            0, None, str(_("No milestone yet")), counts.get(0, 0), _percent(counts.get(0, 0), total)
        )
    ]
    for kind in LADDER:
        number = RUNG[kind.value]
        rungs.append(
            Rung(
                number,
                kind.value,
                str(kind.label),
                counts.get(number, 0),
                _percent(counts.get(number, 0), total),
            )
        )
    return rungs, total


def milestones_reached(
    commune: Commune, filters: JourneyFilters, *, start: date, end: date
) -> dict[str, int]:
    """Milestones of each kind reached from `start` to `end` inclusive by the residents
    `filters` select: the "change this period" beside each rung. One grouped query.

    The commune filter on the milestones themselves is redundant with the resident's but
    lets the database start from the commune's milestones instead of every milestone of
    the period (6x faster on PostgreSQL at 100 communes; one shard under
    Citus instead of a fan-out — bench/bench_partitioned.py)."""
    return dict(
        Milestone.objects.filter(
            resident_conditions(commune, replace(filters, rung=None), prefix="resident__"),
            commune=commune,
            achieved_on__gte=start,
            achieved_on__lte=end,
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )


def registry_settings_for(commune: Commune) -> RegistrySettings:
    """The commune's registry settings, or the defaults (unsaved) before the first save."""
    found = RegistrySettings.objects.filter(commune=commune).first()
    return found if found is not None else RegistrySettings(commune=commune)


def stuck_residents(
    commune: Commune, filters: JourneyFilters, *, days: int, min_age: int | None = None
) -> QuerySet[Resident]:
    """Residents the journey is for, below the top rung, whose last progress is older
    than `days` (or never).

    "The journey is for" them: aged `min_age` or more this year (the commune's setting
    when not given; an unknown age stays on the list, nobody is forgotten for a missing
    year of birth), and not marked "the digital journey does not apply" (issue 12: the
    list began with toddlers marked "no smartphone")."""
    if min_age is None:
        min_age = registry_settings_for(commune).journey_min_age
    since = timezone.localdate() - timedelta(days=days)
    youngest_year = timezone.localdate().year - min_age
    return (
        filtered_residents(commune, filters)
        .filter(journey_rung__lt=TOP_RUNG, anonymised_at__isnull=True)
        .filter(journey_not_applicable=False)
        .filter(Q(birth_year__isnull=True) | Q(birth_year__lte=youngest_year))
        .filter(Q(journey_last_on__lt=since) | Q(journey_last_on__isnull=True))
        .select_related("household", "household__area")
        .order_by(F("journey_last_on").asc(nulls_first=True), "name_folded")
    )


def _percent(part: int, total: int) -> float:
    return round(100 * part / total, 1) if total else 0.0


def poverty_standard_for(year: int | None) -> PovertyStandard | None:
    """The standard a classification certified in `year` was judged against."""
    if year is None:
        return None
    middle = date(year, 7, 1)
    for standard in PovertyStandard.objects.all():
        if standard.applies_on(middle):
            return standard
    return None
