"""Who in the registry a home-support request is probably about.

A request from the public form carries a name as the relative typed it ("Bà Nguyễn
Thi Nam"), perhaps a year of birth, an address and a phone. The officer is shown the
likely residents, each with the reasons it matches, and links one in one tap; the
household's GPS point then becomes the request's (`services.request_link_resident`).

Candidates come from the registry's own search (`registry.search.resident_search_for`:
guarded and audited, diacritics-free on names), by the name and by each phone given;
`score` below ranks them. It is a pure function: the weights are what an officer would
weigh (a phone or a year of birth agreeing says more than a common name).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.text import fold
from digiward.registry.models import Resident
from digiward.registry.search import SearchRefused, resident_search_for

# Words of address a relative puts before a name ("bà", "ông", "cụ"…), folded.
HONORIFICS = frozenset({"ba", "ong", "cu", "co", "chu", "bac", "anh", "chi", "em", "me", "bo"})
MIN_SCORE = 4
MAX_SHOWN = 5


@dataclass(frozen=True)
class RequestFacts:
    name: str
    birth_year: int | None
    address: str
    phones: tuple[str, ...]


@dataclass(frozen=True)
class ResidentFacts:
    name: str
    birth_year: int | None
    phone: str
    house_number: str
    street: str


@dataclass(frozen=True)
class Match:
    resident: Resident
    score: int
    reasons: tuple[str, ...]


def name_words(name: str) -> list[str]:
    """The folded words of a name, without a leading word of address."""
    words = fold(name).replace(".", " ").split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return words


def score(asked: RequestFacts, resident: ResidentFacts) -> tuple[int, tuple[str, ...]]:
    """How well a resident matches the request, and why (in the officer's words)."""
    points, reasons = 0, []
    wanted, theirs = name_words(asked.name), fold(resident.name).split()
    if wanted and wanted == theirs:
        points += 4
        reasons.append(_("same name"))
    elif wanted and all(word in theirs for word in wanted):
        points += 2
        reasons.append(_("similar name"))
    if asked.birth_year and resident.birth_year:
        gap = abs(asked.birth_year - resident.birth_year)
        if gap == 0:
            points += 3
            reasons.append(_("born in %(year)s") % {"year": resident.birth_year})
        elif gap == 1:
            points += 1
        elif gap > 2:
            points -= 3  # a namesake of another generation
    if resident.phone and resident.phone in asked.phones:
        points += 4
        reasons.append(_("same phone number"))
    address = f" {fold(asked.address)} "
    street = fold(resident.street)
    if street and street in address:
        number = fold(resident.house_number)
        if number and f" {number} " in address.replace(",", " "):
            points += 2
            reasons.append(_("same house number and street"))
        else:
            points += 1
            reasons.append(_("same street"))
    return points, tuple(reasons)


def facts_of(resident: Resident) -> ResidentFacts:
    household = resident.household
    return ResidentFacts(
        name=resident.full_name,
        birth_year=resident.birth_date.year if resident.birth_date else resident.birth_year,
        phone=resident.phone,
        house_number=household.house_number,
        street=household.street,
    )


def likely_residents(access: Access, asked: RequestFacts, *, purpose: str) -> list[Match]:
    """The residents the request is probably about, best first (searches are audited)."""
    queries = [" ".join(name_words(asked.name))] + [p for p in asked.phones if len(p) >= 9]
    found: dict[int, Resident] = {}
    for query in dict.fromkeys(q for q in queries if q):
        try:
            page = resident_search_for(access, query, purpose=purpose, page_size=25)
        except SearchRefused:
            continue
        for resident in page.residents:
            found.setdefault(resident.pk, resident)
    matches = []
    for resident in found.values():
        points, reasons = score(asked, facts_of(resident))
        if points >= MIN_SCORE:
            matches.append(Match(resident, points, reasons))
    matches.sort(key=lambda m: (-m.score, fold(m.resident.full_name), m.resident.pk))
    return matches[:MAX_SHOWN]
