"""The commune's skills report (Decision 757, Annex II): how many adults have their basic
digital skills confirmed, by age band, sex and khu vực; each competence's reach; and each
official's completion of their track, for the personnel evaluation.

"Confirmed" is a valid certificate: the commune confirms completion by issuing one (the
Annex II step), so a person counts once however many they hold. "Started" is any
evidence at all. Every figure is one grouped query over indexed columns (timed at
100,000 residents and 500,000 evidence rows by bench/bench_skills_report.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.models import Commune, User
from digiward.core.xlsx import Sheet, build_book
from digiward.learning.models import Certificate, Competence, Evidence, Framework, Track
from digiward.learning.selectors import same_competence
from digiward.registry.models import Area, Sex
from digiward.registry.selectors import AGE_BANDS, JourneyFilters, filtered_residents


@dataclass
class Cell:
    adults: int = 0
    started: int = 0
    confirmed: int = 0

    @property
    def confirmed_percent(self) -> float:
        return round(100 * self.confirmed / self.adults, 1) if self.adults else 0.0

    @property
    def started_percent(self) -> float:
        return round(100 * self.started / self.adults, 1) if self.adults else 0.0


@dataclass(frozen=True)
class Row:
    label: str
    cell: Cell


@dataclass(frozen=True)
class OfficialRow:
    name: str
    reached: int
    total: int
    certified: bool

    @property
    def percent(self) -> float:
        return round(100 * self.reached / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class SkillsReport:
    commune: Commune
    computed_at: datetime
    total: Cell
    by_age: list[Row]
    by_sex: list[Row]
    by_area: list[Row]
    by_competence: list[tuple[str, str, int]]  # code, name, residents with evidence
    officials: list[OfficialRow] = field(default_factory=list)
    framework: Framework | None = None


def _age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return "?"
    age = year - birth_year
    for band, (low, high) in AGE_BANDS.items():
        if low <= age <= high:
            return band
    return "?"


def skills_report(commune: Commune, framework: Framework | None) -> SkillsReport:
    year = timezone.localdate().year
    adults = filtered_residents(commune, JourneyFilters(adults_only=True))
    # EXISTS, not IN (subquery): PostgreSQL gives up hashing an IN list of 500,000 rows and
    # re-scans it for every resident (bench_skills_report never finished); EXISTS probes
    # the index once per resident on both engines.
    started = Exists(Evidence.objects.filter(commune=commune, resident_id=OuterRef("pk")))
    confirmed = Exists(
        Certificate.objects.filter(
            commune=commune, resident_id=OuterRef("pk"), revoked_at__isnull=True
        )
    )
    # One grouped query: the people of each (birth year, sex, khu vực), how many of them
    # have any evidence, how many a valid certificate.
    groups = (
        adults.values("birth_year", "sex", "household__area_id")
        .annotate(
            adults=Count("pk"),
            started=Count("pk", filter=started),
            confirmed=Count("pk", filter=confirmed),
        )
        .order_by()
    )
    total = Cell()
    by_age: dict[str, Cell] = defaultdict(Cell)
    by_sex: dict[str, Cell] = defaultdict(Cell)
    by_area: dict[int | None, Cell] = defaultdict(Cell)
    for group in groups:
        for cell in (
            total,
            by_age[_age_band(group["birth_year"], year)],
            by_sex[group["sex"] or ""],
            by_area[group["household__area_id"]],
        ):
            cell.adults += group["adults"]
            cell.started += group["started"]
            cell.confirmed += group["confirmed"]
    area_names = dict(Area.objects.filter(commune=commune).values_list("pk", "name"))
    sex_names = dict(Sex.choices)
    return SkillsReport(
        commune=commune,
        computed_at=timezone.now(),
        total=total,
        by_age=[Row(band, by_age[band]) for band in [*AGE_BANDS, "?"] if by_age[band].adults],
        by_sex=[
            Row(str(sex_names.get(sex, _("not recorded"))), cell)
            for sex, cell in sorted(by_sex.items())
        ],
        by_area=sorted(
            (
                Row(area_names.get(pk, "") if pk else str(_("no khu vực")), cell)
                for pk, cell in by_area.items()
            ),
            key=lambda row: row.label,
        ),
        by_competence=_competence_reach(commune, framework),
        officials=_officials(commune, framework),
        framework=framework,
    )


def _competence_reach(commune: Commune, framework: Framework | None) -> list[tuple[str, str, int]]:
    if framework is None:
        return []
    competences = list(framework.competences.order_by("position"))
    # Counted per competence row from the (commune, competence, resident) index, read in
    # order with no sort; a code held by two rows (the shared framework and the commune's
    # copy, both with evidence) is counted again over both, so nobody counts twice.
    code_of = dict(
        Competence.objects.filter(
            same_competence(framework, [c.code for c in competences], prefix="")
        ).values_list("pk", "code")
    )
    evidence = Evidence.objects.filter(
        commune=commune, competence_id__in=list(code_of), resident__isnull=False
    )
    per_row = dict(
        evidence.values_list("competence_id")
        .annotate(n=Count("resident_id", distinct=True))
        .order_by()
    )
    rows_of: dict[str, list[int]] = defaultdict(list)
    for pk, code in code_of.items():
        rows_of[code].append(pk)
    counts = {}
    for code, pks in rows_of.items():
        with_evidence = [pk for pk in pks if per_row.get(pk)]
        if len(with_evidence) > 1:
            counts[code] = (
                evidence.filter(competence_id__in=with_evidence)
                .values("resident_id")
                .distinct()
                .count()
            )
        else:
            counts[code] = sum(per_row.get(pk, 0) for pk in pks)
    return [(c.code, c.name, counts.get(c.code, 0)) for c in competences]


def _same_ids(framework: Framework, codes: list[str]) -> list[int]:
    return list(
        Competence.objects.filter(same_competence(framework, codes, prefix="")).values_list(
            "pk", flat=True
        )
    )


def _officials(commune: Commune, framework: Framework | None) -> list[OfficialRow]:
    """Each official's share of the officials' track reached (the province's personnel
    evaluation asks for it), and whether they hold a valid certificate."""
    if framework is None:
        return []
    track = [c.code for c in framework.competences.all() if Track.OFFICIAL in (c.tracks or [])]
    members = (
        User.objects.filter(memberships__commune=commune, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )
    reached = dict(
        Evidence.objects.filter(
            commune=commune, competence_id__in=_same_ids(framework, track), user__isnull=False
        )
        .values_list("user_id")
        .annotate(n=Count("competence__code", distinct=True))
        .order_by()
    )
    certified = set(
        Certificate.objects.filter(
            commune=commune, user__isnull=False, revoked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return [
        OfficialRow(
            name=member.full_name or member.username,
            reached=reached.get(member.pk, 0),
            total=len(track),
            certified=member.pk in certified,
        )
        for member in members
    ]


def report_workbook(report: SkillsReport) -> bytes:
    """The report as Excel: one sheet per section, shares as percentages."""
    people = [
        _("Adults"),
        _("Started (any evidence)"),
        _("Confirmed (valid certificate)"),
        _("Share confirmed"),
    ]
    pct = "0.0%"

    def rows(items: list[Row]) -> list[list[object]]:
        return [
            [
                row.label,
                row.cell.adults,
                row.cell.started,
                row.cell.confirmed,
                row.cell.confirmed_percent / 100,
            ]
            for row in items
        ]

    sheets = [
        Sheet(
            title=str(_("By age band")),
            headers=[_("Age band"), *people],
            rows=[
                *rows(report.by_age),
                [
                    _("Total"),
                    report.total.adults,
                    report.total.started,
                    report.total.confirmed,
                    report.total.confirmed_percent / 100,
                ],
            ],
            number_formats=[None, "#,##0", "#,##0", "#,##0", pct],
        ),
        Sheet(
            title=str(_("By sex")),
            headers=[_("Sex"), *people],
            rows=rows(report.by_sex),
            number_formats=[None, "#,##0", "#,##0", "#,##0", pct],
        ),
        Sheet(
            title=str(_("By khu vực")),
            headers=[_("Khu vực"), *people],
            rows=rows(report.by_area),
            number_formats=[None, "#,##0", "#,##0", "#,##0", pct],
        ),
        Sheet(
            title=str(_("By competence")),
            headers=[_("Code"), _("Competence"), _("Residents with evidence")],
            rows=[list(item) for item in report.by_competence],
            widths=[10, 60, 18],
            number_formats=[None, None, "#,##0"],
        ),
        Sheet(
            title=str(_("Officials")),
            headers=[
                _("Official or volunteer"),
                _("Competences reached"),
                _("Of the track"),
                _("Share"),
                _("Certificate"),
            ],
            rows=[
                [o.name, o.reached, o.total, o.percent / 100, _("yes") if o.certified else _("no")]
                for o in report.officials
            ],
            widths=[32, 16, 14, 12, 14],
            number_formats=[None, "#,##0", "#,##0", pct, None],
        ),
    ]
    subtitle = _("%(commune)s, as of %(when)s") % {
        "commune": report.commune.name,
        "when": timezone.localtime(report.computed_at).strftime("%d/%m/%Y %H:%M"),
    }
    return build_book(subtitle=subtitle, sheets=sheets)
