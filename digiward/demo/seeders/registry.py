"""Demo households and residents of a ward, with plausible digital journeys.

Deterministic: the random generator is seeded with the commune code, so every run
builds the same people. Idempotent: a household whose code already exists is left
alone with its residents, so running the seeder twice creates nothing the second time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import phonenumbers
from django.db import transaction
from phonenumbers import carrier

from digiward.core.models import Commune, User
from digiward.core.text import fold
from digiward.demo import names
from digiward.registry.citizen_ids import PROVINCE_CODES
from digiward.registry.identity import protect_citizen_id
from digiward.registry.journey import LADDER, MilestoneKind, MilestoneSource, SmartphoneOwnership
from digiward.registry.models import (
    Area,
    AreaKind,
    ConsentPurpose,
    Household,
    LegalBasis,
    PovertyStatus,
    Relation,
    Resident,
    Sex,
)
from digiward.registry.services import NewMilestone, milestones_bulk_record

# Streets of central Ninh Kiều (Cần Thơ) and a few hẻm (alleys) off them.
STREETS = [
    "Hai Bà Trưng",
    "Ngô Quyền",
    "Phan Đình Phùng",
    "Nguyễn An Ninh",
    "Châu Văn Liêm",
    "Lý Tự Trọng",
    "Hòa Bình",
    "Trần Văn Khéo",
    "Ngô Gia Tự",
    "Nguyễn Thái Học",
    "Trần Hưng Đạo",
    "Mậu Thân",
    "Nguyễn Văn Cừ",
    "Xô Viết Nghệ Tĩnh",
    "Đề Thám",
    "Huỳnh Cương",
    "Tân Trào",
    "Võ Văn Tần",
    "Trương Định",
    "Ba Tháng Hai",
    "30 Tháng 4",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Phạm Ngũ Lão",
    "Cách Mạng Tháng Tám",
]
AREA_COUNT = 10
CENTER = (10.0340, 105.7830)  # Ninh Kiều wharf, roughly
# Mobile prefixes per carrier (all valid 10-digit prefixes per libphonenumber).
PHONE_PREFIXES = [
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "091",
    "094",
    "070",
    "076",
    "077",
    "078",
    "079",
    "090",
    "093",
    "056",
    "058",
]
# Where demo residents' births were registered: mostly Cần Thơ and its neighbours.
BIRTH_PROVINCES = [
    ("092", 70),
    ("093", 8),
    ("094", 6),
    ("086", 4),
    ("089", 3),
    ("087", 2),
    ("091", 2),
    ("079", 2),
    ("001", 1),
    ("084", 1),
    ("096", 1),
]


@dataclass
class PersonSpec:
    full_name: str
    sex: str
    birth_date: date | None
    birth_year: int
    relation: str
    citizen_id: str = ""
    phone: str = ""
    lives_alone: bool = False
    chronic_illness: bool = False
    disability: bool = False
    limited_mobility: bool = False
    milestones: list[tuple[str, date, str]] = field(default_factory=list)


@dataclass
class HouseholdSpec:
    code: str
    area_index: int
    house_number: str
    street: str
    latitude: Decimal
    longitude: Decimal
    poverty_status: str
    poverty_year: int | None
    particularly_disadvantaged: bool
    people: list[PersonSpec]


@dataclass(frozen=True)
class SeedResult:
    households_created: int
    residents_created: int
    milestones_created: int


class WardGenerator:
    """Builds the specification of a ward's households in memory (no database)."""

    def __init__(self, *, seed: int, today: date, households: int) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.household_count = households
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()

    def households(self) -> list[HouseholdSpec]:
        return [self._household(n) for n in range(1, self.household_count + 1)]

    def _household(self, n: int) -> HouseholdSpec:
        rng = self.rng
        kind = rng.choices(["single", "couple", "family", "three_gen"], weights=[13, 22, 45, 20])[0]
        poverty = rng.choices(
            [
                PovertyStatus.POOR,
                PovertyStatus.NEAR_POOR,
                PovertyStatus.AVERAGE_LIVING,
                PovertyStatus.NOT_POOR,
            ],
            weights=[3, 5, 8, 84],
        )[0]
        people = self._people(kind, poverty)
        lat = Decimal(str(round(CENTER[0] + rng.uniform(-0.012, 0.012), 6)))
        lon = Decimal(str(round(CENTER[1] + rng.uniform(-0.014, 0.010), 6)))
        in_alley = rng.random() < 0.35
        number = f"{rng.randint(1, 300)}" + (f"/{rng.randint(1, 60)}" if in_alley else "")
        return HouseholdSpec(
            code=f"NK{n:05d}",
            area_index=rng.randrange(AREA_COUNT),
            house_number=number,
            street=rng.choice(STREETS),
            latitude=lat,
            longitude=lon,
            poverty_status=poverty,
            poverty_year=2025 if poverty != PovertyStatus.NOT_POOR else None,
            particularly_disadvantaged=poverty == PovertyStatus.POOR and rng.random() < 0.25,
            people=people,
        )

    def _people(self, kind: str, poverty: str) -> list[PersonSpec]:
        rng = self.rng
        family = names.surname(rng)
        head_sex = rng.choices(["male", "female"], weights=[62, 38])[0]
        people: list[PersonSpec] = []
        if kind == "single":
            elderly = rng.random() < 0.45
            age = rng.randint(62, 92) if elderly else rng.randint(22, 58)
            sex = rng.choices(["female", "male"], weights=[65, 35])[0] if elderly else head_sex
            person = self._person(
                sex=sex, age=age, relation=Relation.HEAD, family=family, poverty=poverty
            )
            person.lives_alone = True
            people.append(person)
            return people
        head_age = rng.randint(28, 60) if kind != "couple" else rng.randint(24, 82)
        people.append(
            self._person(
                sex=head_sex, age=head_age, relation=Relation.HEAD, family=family, poverty=poverty
            )
        )
        spouse_sex = "female" if head_sex == "male" else "male"
        if rng.random() < 0.85:
            spouse_age = max(18, head_age + rng.randint(-6, 4))
            people.append(
                self._person(
                    sex=spouse_sex,
                    age=spouse_age,
                    relation=Relation.SPOUSE,
                    family=None,
                    poverty=poverty,
                )
            )
        if kind in ("family", "three_gen"):
            for _ in range(rng.choices([1, 2, 3], weights=[40, 45, 15])[0]):
                child_age = max(0, head_age - rng.randint(20, 34))
                people.append(
                    self._person(
                        sex=rng.choice(["male", "female"]),
                        age=child_age,
                        relation=Relation.CHILD,
                        family=family if head_sex == "male" else None,
                        poverty=poverty,
                    )
                )
        if kind == "three_gen":
            for _ in range(rng.choices([1, 2], weights=[60, 40])[0]):
                people.append(
                    self._person(
                        sex=rng.choices(["female", "male"], weights=[60, 40])[0],
                        age=min(98, head_age + rng.randint(22, 32)),
                        relation=Relation.PARENT,
                        family=None,
                        poverty=poverty,
                    )
                )
        return people

    def _person(
        self, *, sex: str, age: int, relation: str, family: str | None, poverty: str
    ) -> PersonSpec:
        rng = self.rng
        birth_year = self.today.year - age
        # Older lists often know only the year of birth.
        year_only = age >= 70 and rng.random() < 0.3
        birth_date = None if year_only else date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        person = PersonSpec(
            full_name=names.full_name(rng, sex=sex, family_name=family),
            sex=sex,
            birth_date=birth_date,
            birth_year=birth_year,
            relation=relation,
        )
        if age >= 14 and rng.random() < 0.88:
            person.citizen_id = self._citizen_id(sex, birth_year)
        elderly = age >= 60
        person.chronic_illness = (elderly and rng.random() < 0.35) or rng.random() < 0.04
        person.disability = rng.random() < (0.09 if elderly else 0.02)
        person.limited_mobility = (elderly and rng.random() < 0.18) or (
            person.disability and rng.random() < 0.5
        )
        person.milestones = self._journey(age, poverty, person)
        if any(k == MilestoneKind.HAS_SIM for k, _d, _s in person.milestones):
            person.phone = self._phone()
        elif age >= 18 and rng.random() < 0.25:
            person.phone = self._phone()  # a basic phone: reachable, but not on the ladder
        return person

    def _journey(self, age: int, poverty: str, person: PersonSpec) -> list[tuple[str, date, str]]:
        """How far up the ladder this person is: younger, better-off people are further."""
        rng = self.rng
        if age < 14:
            return []
        if age < 30:
            top = rng.choices(range(9), weights=[2, 2, 2, 3, 5, 10, 16, 20, 40])[0]
        elif age < 60:
            top = rng.choices(range(9), weights=[6, 5, 5, 6, 10, 14, 16, 16, 22])[0]
        elif age < 75:
            top = rng.choices(range(9), weights=[28, 16, 10, 9, 11, 10, 7, 5, 4])[0]
        else:
            top = rng.choices(range(9), weights=[52, 18, 9, 6, 6, 4, 3, 1, 1])[0]
        if poverty in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR):
            top = max(0, top - rng.randint(1, 3))
        steps = []
        day = self.today - timedelta(days=rng.randint(30, 900))
        for kind in LADDER[:top]:
            # A few people skip a rung in the records (e.g. nobody noted their data plan).
            if kind == MilestoneKind.HAS_MOBILE_DATA and rng.random() < 0.12:
                continue
            detail = ""
            if kind == MilestoneKind.HAS_SMARTPHONE:
                detail = rng.choices(list(SmartphoneOwnership), weights=[80, 17, 3])[0].value
            steps.append((kind.value, day, detail))
            day = min(self.today, day + timedelta(days=rng.randint(3, 120)))
        return steps

    def _citizen_id(self, sex: str, birth_year: int) -> str:
        rng = self.rng
        province = rng.choices(
            [p for p, _ in BIRTH_PROVINCES], weights=[w for _, w in BIRTH_PROVINCES]
        )[0]
        assert province in PROVINCE_CODES
        century = (birth_year // 100 - 19) * 2 + (1 if sex == "female" else 0)
        while True:
            number = f"{province}{century}{birth_year % 100:02d}{rng.randint(0, 999_999):06d}"
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _phone(self) -> str:
        rng = self.rng
        while True:
            number = f"{rng.choice(PHONE_PREFIXES)}{rng.randint(0, 9_999_999):07d}"
            if number in self.used_phones:
                continue
            parsed = phonenumbers.parse(number, "VN")
            if phonenumbers.is_valid_number(parsed):
                self.used_phones.add(number)
                return number


def _carrier(number: str) -> str:
    return str(carrier.name_for_number(phonenumbers.parse(number, "VN"), "en"))


@transaction.atomic
def seed_registry(
    *, commune: Commune, recorded_by: User | None, households: int = 2000, today: date
) -> SeedResult:
    specs = WardGenerator(seed=int(commune.code), today=today, households=households).households()
    areas = []
    for index in range(AREA_COUNT):
        area, _created = Area.objects.get_or_create(
            commune=commune,
            name_folded=f"khu vuc {index + 1}",
            defaults={"name": f"Khu vực {index + 1}", "kind": AreaKind.AREA},
        )
        areas.append(area)
    existing = set(Household.objects.for_commune(commune).values_list("code", flat=True))
    new_specs = [spec for spec in specs if spec.code not in existing]
    new_households = [
        Household(
            commune=commune,
            code=spec.code,
            area=areas[spec.area_index],
            house_number=spec.house_number,
            street=spec.street,
            latitude=spec.latitude,
            longitude=spec.longitude,
            poverty_status=spec.poverty_status,
            poverty_year=spec.poverty_year,
            particularly_disadvantaged=spec.particularly_disadvantaged,
        )
        for spec in new_specs
    ]
    Household.objects.bulk_create(new_households, batch_size=1000)
    residents: list[Resident] = []
    owners: list[tuple[Household, PersonSpec]] = []
    for spec, household in zip(new_specs, new_households, strict=True):
        for person in spec.people:
            resident = Resident(
                commune=commune,
                household=household,
                relation_to_head=person.relation,
                full_name=person.full_name,
                birth_date=person.birth_date,
                birth_year=person.birth_year,
                sex=Sex(person.sex),
                phone=person.phone,
                phone_carrier=_carrier(person.phone) if person.phone else "",
                lives_alone=person.lives_alone,
                chronic_illness=person.chronic_illness,
                disability=person.disability,
                limited_mobility=person.limited_mobility,
                # The demo ward's list came from the ward's official records (a public
                # task), as a real import records it; the person also agreed to the
                # digital journey and to be phoned.
                legal_basis=LegalBasis.OFFICIAL_LIST,
                legal_basis_on=today - timedelta(days=200),
                consent_on=today - timedelta(days=200),
                consent_purposes=[ConsentPurpose.JOURNEY.value, ConsentPurpose.CONTACT.value],
                consent_scope="Quản lý chương trình chuyển đổi số của phường",
            )
            resident.name_folded = fold(person.full_name)
            if person.citizen_id:
                stored = protect_citizen_id(person.citizen_id)
                resident.citizen_id_encrypted = stored.encrypted
                resident.citizen_id_hash = stored.hash
                resident.citizen_id_masked = stored.masked
            residents.append(resident)
            owners.append((household, person))
    Resident.objects.bulk_create(residents, batch_size=1000)
    heads = []
    for resident, (household, person) in zip(residents, owners, strict=True):
        if person.relation == Relation.HEAD:
            household.head = resident
            heads.append(household)
    Household.objects.bulk_update(heads, ["head"], batch_size=1000)
    milestones = [
        NewMilestone(
            resident_id=resident.pk,
            kind=kind,
            achieved_on=day,
            source=_source_for(kind, detail),
            detail=detail,
        )
        for resident, (_household, person) in zip(residents, owners, strict=True)
        for kind, day, detail in person.milestones
    ]
    created = milestones_bulk_record(
        commune=commune, milestones=milestones, recorded_by=recorded_by
    )
    return SeedResult(len(new_households), len(residents), created)


def _source_for(kind: str, detail: str) -> MilestoneSource:
    if kind == MilestoneKind.HAS_SMARTPHONE and detail == SmartphoneOwnership.DONATED:
        return MilestoneSource.DONATION
    if kind in (MilestoneKind.VNEID_LEVEL1, MilestoneKind.FIRST_ONLINE_SERVICE):
        return MilestoneSource.HELP_SESSION
    return MilestoneSource.SELF_REPORT
