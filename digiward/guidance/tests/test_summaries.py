"""The daily counts of help sessions stay equal to the sessions, however they are written,
edited or deleted, and a rebuild gives the same rows."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from digiward.core.tests.factories import UserFactory
from digiward.guidance.models import HelpSession, HelpSessionDay
from digiward.guidance.selectors import SessionFilters, help_breakdown
from digiward.guidance.summaries import age_band_of, rebuild
from digiward.homecare.tests.factories import ProcedureFactory
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 12, 31)
FILTERS = [
    SessionFilters(start=START, end=END),
    SessionFilters(start=date(2026, 6, 1), end=date(2026, 6, 30)),
    SessionFilters(start=START, end=END, sex="female"),
    SessionFilters(start=START, end=END, age_band="75+"),
    SessionFilters(start=START, end=END, age_band="18-39", sex="male"),
]


def _snapshot(commune) -> list[tuple]:
    return sorted(
        HelpSessionDay.objects.filter(commune=commune).values_list(
            "day", "outcome", "procedure_ref", "age_band", "sex", "sessions"
        ),
        key=repr,
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_the_daily_counts_follow_every_write_and_a_rebuild_agrees(commune, other_commune, seed):
    rng = random.Random(seed)
    helper = UserFactory()
    procedures = [ProcedureFactory() for _ in range(3)] + [None]
    residents = [
        ResidentFactory(commune=commune, sex=rng.choice(["male", "female"]), birth_year=year)
        for year in (1940, 1950, 1990, 2001)
    ]
    sessions = []
    for _ in range(60):
        with_resident = rng.random() < 0.4
        sessions.append(
            HelpSession.objects.create(
                commune=commune,
                helped_on=START + timedelta(days=rng.randrange(365)),
                helper=helper,
                outcome=rng.choice(["done", "partly", "referred", "come_back"]),
                minutes=5,
                procedure=rng.choice(procedures),
                resident=rng.choice(residents) if with_resident else None,
                age_band="" if with_resident else rng.choice(["", "18-39", "75+"]),
                sex="" if with_resident else rng.choice(["", "male", "female"]),
            )
        )
    HelpSession.objects.create(  # another commune's session never counts here
        commune=other_commune, helped_on=START, helper=helper, outcome="done", minutes=5
    )
    for session in rng.sample(sessions, 15):  # edits: another day, outcome, procedure
        session.helped_on = START + timedelta(days=rng.randrange(365))
        session.outcome = rng.choice(["done", "partly"])
        session.procedure = rng.choice(procedures)
        session.save()
    for session in rng.sample(sessions, 5):
        session.delete()

    for filters in FILTERS:
        assert help_breakdown(commune, filters) == help_breakdown(commune, filters, live=True)
    kept = _snapshot(commune)
    assert sum(row[-1] for row in kept) == HelpSession.objects.filter(commune=commune).count()
    rebuild()
    assert _snapshot(commune) == kept


def test_rows_written_around_the_orm_are_counted_by_the_command(commune):
    helper = UserFactory()
    HelpSession.objects.bulk_create(  # no signals: like a bulk load
        HelpSession(commune=commune, helped_on=START, helper=helper, outcome="done", minutes=5)
        for _ in range(4)
    )
    assert not HelpSessionDay.objects.filter(commune=commune).exists()
    call_command("rebuild_help_summaries", "--commune", commune.code, stdout=io.StringIO())
    assert help_breakdown(commune, FILTERS[0]).total == 4


def test_the_age_band_of_a_birth_year():
    assert age_band_of(1950, date(2026, 5, 1)) == "75+"
    assert age_band_of(2008, date(2026, 5, 1)) == "18-39"
    assert age_band_of(2009, date(2026, 5, 1)) == "0-17"
    assert age_band_of(None, date(2026, 5, 1)) == ""
