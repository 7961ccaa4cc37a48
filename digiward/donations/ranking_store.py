"""Loading a campaign's households for ranking and writing the ranked list, fast.

The pure ranking (donations.ranking) needs one small tuple per household. A province
has a million households and three million residents, so the facts are aggregated by
the database in one pass over residents (one indexed milestone lookup each) and come
back as (id, poverty, year, flags, oldest) rows; the list goes back with executemany
on SQLite and COPY on PostgreSQL, with plain tuples, never model instances.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from digiward.core.chunks import chunked
from digiward.donations import ranking as r
from digiward.donations.models import (
    Allocation,
    AllocationStatus,
    Campaign,
    EntryStatus,
    HouseholdPolicy,
    ItemKind,
    PriorityEntry,
)
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import ELDERLY_AGE, Household, Milestone, Resident, ResidentStatus


@dataclass
class Timings:
    load_db: float = 0.0  # running the query and fetching the rows
    load_python: float = 0.0  # turning rows into facts (nothing left: the query does it)
    write_db: float = 0.0


def _years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _facts_sql(
    campaign: Campaign, commune_ids: Sequence[int], reference: date
) -> tuple[str, list[Any]]:
    """One query that returns (id, poverty, year, flags, oldest) per household.

    The database aggregates the members (one pass over residents, one indexed
    milestone lookup each) and adds the policy and earlier-donation bits, so Python
    receives the facts as plain tuples, ready to rank.
    """
    household = Household._meta.db_table
    resident = Resident._meta.db_table
    milestone = Milestone._meta.db_table
    policy = HouseholdPolicy._meta.db_table
    allocation = Allocation._meta.db_table
    marks = ", ".join(["%s"] * len(commune_ids))
    born_by = connection.ops.adapt_datefield_value(_years_ago(reference, ELDERLY_AGE))
    elderly = (
        "(CASE WHEN r.birth_date IS NOT NULL THEN r.birth_date <= %s ELSE r.birth_year <= %s END)"
    )
    elderly_params: list[Any] = [born_by, reference.year - ELDERLY_AGE]

    def bit(condition: str, value: int) -> str:
        return f"MAX(CASE WHEN {condition} THEN {value} ELSE 0 END)"

    # A household has a bit if any active member has it. HAS_PHONE is the highest bit
    # used, so "bits >= HAS_PHONE" means someone has a smartphone.
    aggregates = " + ".join(
        [
            bit(f"r.lives_alone AND {elderly}", r.ELDERLY_ALONE),
            bit(elderly, r.ELDERLY),
            bit("r.disability", r.DISABILITY),
            bit("r.limited_mobility", r.LIMITED_MOBILITY),
            bit("r.chronic_illness", r.CHRONIC_ILLNESS),
            bit("m.id IS NOT NULL", HAS_PHONE),
        ]
    )
    flags = f"""
        CASE WHEN h.particularly_disadvantaged THEN {r.PARTICULARLY_DISADVANTAGED} ELSE 0 END
        + CASE WHEN a.bits IS NULL THEN {r.NO_ACTIVE_MEMBER | r.NO_SMARTPHONE}
               WHEN a.bits >= {HAS_PHONE} THEN a.bits - {HAS_PHONE}
               ELSE a.bits + {r.NO_SMARTPHONE} END
        + CASE WHEN p.merit_family THEN {r.MERIT_FAMILY} ELSE 0 END
        + CASE WHEN p.social_policy_family THEN {r.SOCIAL_POLICY_FAMILY} ELSE 0 END
        + CASE WHEN e.household_id IS NOT NULL THEN {r.EARLIER_DEVICE} ELSE 0 END
    """
    params: list[Any] = elderly_params * 2  # elderly_alone, elderly
    params += [MilestoneKind.HAS_SMARTPHONE.value, ResidentStatus.ACTIVE.value, *commune_ids]
    params += [ItemKind.PHONE.value, AllocationStatus.HANDED_OVER.value]
    params += [AllocationStatus.RETURNED.value, campaign.pk, *commune_ids]
    sql = f"""
        SELECT h.id, h.poverty_status, h.poverty_year, {flags}, a.oldest
        FROM "{household}" h
        LEFT JOIN (
            SELECT r.household_id AS hid, {aggregates} AS bits, MIN(r.birth_year) AS oldest
            FROM "{resident}" r
            LEFT JOIN "{milestone}" m ON m.resident_id = r.id AND m.kind = %s
            WHERE r.status = %s AND r.commune_id IN ({marks})
            GROUP BY r.household_id
        ) a ON a.hid = h.id
        LEFT JOIN "{policy}" p ON p.household_id = h.id
        LEFT JOIN (
            SELECT DISTINCT household_id FROM "{allocation}"
            WHERE kind = %s AND status IN (%s, %s) AND campaign_id <> %s
        ) e ON e.household_id = h.id
        WHERE h.commune_id IN ({marks})
    """  # noqa: S608 (table names from models, values as parameters)
    return sql, params


HAS_PHONE = 1 << 20  # only inside the query: the flags Python sees stay below 1 << 13


def load_facts(campaign: Campaign, *, reference: date, timings: Timings) -> list[r.Facts]:
    """Every household of the campaign's communes, with the facts the rules need."""
    commune_ids = sorted({campaign.commune_id, *campaign.communes.values_list("pk", flat=True)})
    started = time.perf_counter()
    sql, params = _facts_sql(campaign, commune_ids, reference)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Any] = cursor.fetchall()
    timings.load_db += time.perf_counter() - started
    # Rows are (id, poverty, year, flags, oldest): the shape of Facts, without building one
    # named tuple per household (a million of them cost a second and a half).
    return rows


ENTRY_COLUMNS = (
    "commune_id",
    "campaign_id",
    "household_id",
    "position",
    "group",
    "score",
    "flags",
    "poverty_year",
    "oldest_birth_year",
    "draw",
    "status",
    "note",
)


def write_entries(
    campaign: Campaign,
    ranked: Sequence[r.Ranked],
    *,
    timings: Timings,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Replace the campaign's list with `ranked`. Call inside the writing transaction."""
    started = time.perf_counter()
    table = PriorityEntry._meta.db_table
    commune_id, campaign_id, listed = campaign.commune_id, campaign.pk, EntryStatus.LISTED.value
    rows = (
        (commune_id, campaign_id, e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], listed, "")
        for e in ranked
    )
    columns = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DELETE FROM "{table}" WHERE campaign_id = %s', [campaign_id])  # noqa: S608
            raw = cursor.cursor  # psycopg's own cursor: COPY is several times faster
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for count, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if progress is not None and count % 100_000 == 0:
                        progress(count)
        else:
            # Deleting and inserting a million rows touches three indexes in random
            # order: give SQLite a page cache that holds them (256 MB for this connection
            # while writing, then back to the default).
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
            cursor.execute("PRAGMA cache_size = -262144")
            try:
                cursor.execute(f'DELETE FROM "{table}" WHERE campaign_id = %s', [campaign_id])  # noqa: S608
                marks = ", ".join(["%s"] * len(ENTRY_COLUMNS))
                sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608
                done = 0
                for batch in chunked(rows, 50_000):
                    cursor.executemany(sql, batch)
                    done += len(batch)
                    if progress is not None:
                        progress(done)
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    timings.write_db += time.perf_counter() - started


def reclaim_space() -> None:
    """After a ranking has committed on PostgreSQL, vacuum the list table.

    Replacing a million-row list leaves a million dead rows; autovacuum gets to them
    late, and until then the next ranking writes into a bloated table and its indexes
    (measured: 7.9 s to write the list into a vacuumed table, 13-14 s after a few
    rankings in a row). VACUUM cannot run inside a transaction, so inside one (tests,
    a caller's atomic block) this does nothing and autovacuum remains the fallback.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM (ANALYZE) "{PriorityEntry._meta.db_table}"')
