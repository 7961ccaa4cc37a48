"""Who is ready for the commune to confirm their basic digital skills, from the evidence.

Decision 757's Annex II has the commune confirm completion; DigiWard proposes whom. A
person is *ready* for a track when every competence of that track in the commune's
citizen essentials has evidence (a quiz passed, a class attended, done alone at the desk
or at home, observed) or a journey milestone that names it, and they hold no valid
certificate of that framework and track yet. People missing one or two competences are
listed after them, with what is missing: whom to help next.

The evidence is pruned in the database first (a person needs evidence of enough distinct
competences even to be close), so the page reads the details of a few hundred people,
not of every resident with one quiz.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.dates import day_text
from digiward.core.models import User
from digiward.learning.models import (
    Certificate,
    Competence,
    Evidence,
    EvidenceKind,
    Framework,
    Track,
)
from digiward.learning.selectors import same_competence
from digiward.registry.models import Milestone, Resident

NEARLY = 2  # missing at most this many competences: listed as "nearly ready"
MAX_PEOPLE = 500  # the closest people read in detail; the page says when there are more
MAX_BASIS_CHARS = 2000  # what the certificate's basis holds


@dataclass
class Candidate:
    resident: Resident | None
    user: User | None
    # competence code → (how it was shown, the first day it was)
    shown: dict[str, tuple[str, date]] = field(default_factory=dict)
    reached: list[Competence] = field(default_factory=list)
    missing: list[Competence] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.resident is not None:
            return self.resident.full_name
        assert self.user is not None
        return self.user.full_name or self.user.username

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def basis(self) -> str:
        """What the confirmation rests on, written out for the certificate."""
        parts = [
            _("%(code)s: %(how)s, %(day)s")
            % {"code": c.code, "how": self.shown[c.code][0], "day": day_text(self.shown[c.code][1])}
            for c in self.reached
        ]
        text = _("Evidence recorded in DigiWard: %(parts)s.") % {"parts": "; ".join(parts)}
        return text[:MAX_BASIS_CHARS]


@dataclass(frozen=True)
class Candidates:
    framework: Framework
    track: str
    competences: list[Competence]
    people: list[Candidate]
    more: bool  # more people were close than were read

    @property
    def ready(self) -> list[Candidate]:
        return [person for person in self.people if person.ready]

    @property
    def nearly(self) -> list[Candidate]:
        return [person for person in self.people if not person.ready]


def confirmation_candidates(
    access: Access,
    framework: Framework,
    track: str,
    *,
    resident: Resident | None = None,
    user: User | None = None,
) -> Candidates:
    """The commune's people ready (then nearly ready) for a certificate of this track;
    with `resident` or `user`, only that person (to fill in the certificate form)."""
    competences = [
        c for c in framework.competences.order_by("position", "pk") if track in (c.tracks or [])
    ]
    codes = [c.code for c in competences]
    by_milestone = {c.milestone: c.code for c in competences if c.milestone}
    if not competences:
        return Candidates(framework, track, [], [], more=False)
    # Milestones can stand for at most this many codes, so a resident needs evidence of
    # this many distinct competences to be within NEARLY of the whole track.
    needed = max(1, len(codes) - NEARLY - len(by_milestone))
    evidence = Evidence.objects.filter(
        same_competence(framework, codes), commune=access.commune
    ).filter(Q(resident__isnull=True) | Q(resident__anonymised_at__isnull=True))
    # The citizens' track is for residents; volunteers' and officials' for members.
    citizens = track == Track.CITIZEN
    evidence = evidence.filter(resident__isnull=not citizens, user__isnull=citizens)
    # Holders of a valid certificate of this framework and track are done: left out
    # before the 500 closest are chosen, so they never crowd out the people still to do.
    certified = Certificate.objects.filter(
        commune=access.commune,
        framework__code=framework.code,
        track=track,
        revoked_at__isnull=True,
    )
    evidence = evidence.exclude(
        resident_id__in=certified.filter(resident__isnull=False).values("resident_id")
    ).exclude(user_id__in=certified.filter(user__isnull=False).values("user_id"))
    single = resident is not None or user is not None
    if resident is not None:
        evidence = evidence.filter(resident=resident)
    elif user is not None:
        evidence = evidence.filter(user=user)
    close = list(
        evidence.values("resident_id", "user_id")
        .annotate(n=Count("competence__code", distinct=True))
        .filter(n__gte=1 if single else needed)
        .order_by("-n", "resident_id", "user_id")[: MAX_PEOPLE + 1]
    )
    more = len(close) > MAX_PEOPLE
    close = close[:MAX_PEOPLE]
    resident_ids = [row["resident_id"] for row in close if row["resident_id"]]
    user_ids = [row["user_id"] for row in close if row["user_id"]]
    shown: dict[tuple[str, int], dict[str, tuple[str, date]]] = defaultdict(dict)
    rows = (
        evidence.filter(Q(resident_id__in=resident_ids) | Q(user_id__in=user_ids))
        .select_related("competence")
        .order_by("achieved_on", "pk")
    )
    for item in rows:
        person = ("r", item.resident_id) if item.resident_id else ("u", item.user_id)
        shown[person].setdefault(item.competence.code, (item.get_kind_display(), item.achieved_on))
    milestones = (
        Milestone.objects.filter(resident_id__in=resident_ids, kind__in=list(by_milestone))
        .exclude(source_ref__startswith="learning-evidence:")
        .order_by("achieved_on")
    )
    for milestone in milestones:
        shown[("r", milestone.resident_id)].setdefault(
            by_milestone[milestone.kind], (str(EvidenceKind.MILESTONE.label), milestone.achieved_on)
        )
    residents = Resident.objects.for_access(access).in_bulk(resident_ids)
    users = User.objects.filter(memberships__commune=access.commune).distinct().in_bulk(user_ids)
    people: list[Candidate] = []
    for (kind, pk), codes_shown in shown.items():
        holder = residents.get(pk) if kind == "r" else None
        member = users.get(pk) if kind == "u" else None
        if holder is None and member is None:
            continue  # moved to another commune, or no longer a member
        candidate = Candidate(resident=holder, user=member, shown=codes_shown)
        candidate.reached = [c for c in competences if c.code in codes_shown]
        candidate.missing = [c for c in competences if c.code not in codes_shown]
        if single or len(candidate.missing) <= NEARLY:
            people.append(candidate)
    people.sort(key=lambda p: (len(p.missing), p.name))
    return Candidates(framework, track, competences, people, more=more)
