"""The Solomon reader and converter, on instances generated here (never the shared files)."""

import itertools
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digiward.planning.routing import plan_routes, validate_plan
from digiward.planning.solomon import (
    SolomonFormatError,
    read_solomon,
    solomon_problem,
)

# (number, x, y, demand, ready, due, service); customer 0 is the depot.
Row = tuple[int, float, float, int, float, float, float]


def make_solomon_text(
    name,
    vehicles,
    capacity,
    rows,
    *,
    newline="\n",
    gap="   ",
    indent="    ",
    blank=True,
    titles=True,
):
    """A Solomon instance in the classic layout, with the spacing knobs copies vary in."""

    def fmt(value):
        return str(int(value)) if float(value).is_integer() else f"{value}"

    out = [name, ""] if blank else [name]
    out += ["VEHICLE"] + (["NUMBER     CAPACITY"] if titles else [])
    out += [f"{indent}{vehicles}{gap}{capacity}"] + ([""] if blank else [])
    out += ["CUSTOMER"]
    if titles:
        out += ["CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME"]
    out += [" "] if blank else []
    out += [indent + gap.join(fmt(v) for v in row) + gap for row in rows]
    return newline.join(out) + newline


def random_rows(rng, customers, *, horizon=1000, service=10, width=(60, 300)):
    """A random but always solvable instance: every window is reachable from the depot."""
    rows: list[Row] = [(0, 50, 50, 0, 0, horizon, 0)]
    for number in range(1, customers + 1):
        x, y = rng.randint(0, 100), rng.randint(0, 100)
        reach = math.dist((50, 50), (x, y))
        ready = rng.randint(int(reach) + 1, int(horizon - 2 * reach - service - width[1] - 2))
        rows.append((number, x, y, rng.randint(1, 20), ready, ready + rng.randint(*width), service))
    return rows


C_ROWS: list[Row] = [
    (0, 40, 50, 0, 0, 1236, 0),
    (1, 45, 68, 10, 912, 967, 90),
    (2, 45, 70, 30, 825, 870, 90),
    (3, 42, 66, 10, 65, 146, 90),
]


def test_reads_the_classic_layout():
    instance = read_solomon(make_solomon_text("C101", 25, 200, C_ROWS))
    assert (instance.name, instance.vehicles, instance.capacity) == ("C101", 25, 200)
    assert len(instance.customers) == 4
    assert instance.depot.due == 1236
    last = instance.customers[3]
    assert (last.number, last.x, last.y, last.demand, last.ready, last.due, last.service) == (
        3,
        42,
        66,
        10,
        65,
        146,
        90,
    )


@pytest.mark.parametrize(
    "knobs",
    [
        {"newline": "\r\n"},
        {"gap": "\t", "indent": "\t"},
        {"gap": " ", "indent": ""},
        {"blank": False},
        {"titles": False},
        {"blank": False, "titles": False, "newline": "\r\n", "gap": "  \t "},
    ],
    ids=["crlf", "tabs", "single-spaces", "no-blank-lines", "no-column-titles", "all-at-once"],
)
def test_whitespace_and_header_variations_read_the_same(knobs):
    plain = read_solomon(make_solomon_text("C101", 25, 200, C_ROWS))
    assert read_solomon(make_solomon_text("C101", 25, 200, C_ROWS, **knobs)) == plain


def test_extra_blank_lines_and_trailing_spaces_are_ignored():
    text = make_solomon_text("R1", 3, 50, C_ROWS).replace("\n", "  \n\n")
    assert (
        read_solomon(text).customers
        == read_solomon(make_solomon_text("R1", 3, 50, C_ROWS)).customers
    )


def test_decimal_coordinates_and_times():
    rows: list[Row] = [(0, 35.5, 35.25, 0, 0, 230.5, 0), (1, 41.0, 49.75, 10, 161.5, 171.5, 10.5)]
    instance = read_solomon(make_solomon_text("D", 2, 100, rows))
    assert instance.customers[1].x == 41.0
    assert instance.customers[1].service == 10.5
    assert instance.depot.due == 230.5


def test_reads_from_a_path_or_a_str_path(tmp_path):
    path = tmp_path / "C101.txt"
    path.write_text(make_solomon_text("C101", 25, 200, C_ROWS), encoding="utf-8")
    assert read_solomon(path) == read_solomon(str(path)) == read_solomon(path.read_text())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("X\nCUSTOMER\n0 0 0 0 0 10 0\n", "VEHICLE"),
        ("X\nVEHICLE\n2 10\nCUSTOMER\n1 0 0 0 0 10 0\n", "depot"),
        ("X\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 10 0\n1 5 5 1 0 10\n", "line 6"),
        ("X\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 10 0\n1 5 5 1 9 3 1\n", "ready time"),
        ("X\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 10 0\n1 5 5 1.5 0 9 1\n", "demand"),
        ("X\nVEHICLE\n2 10\nCUSTOMER\n0 0 0 0 0 10 0\n0 5 5 1 0 9 1\n", "repeat"),
        ("X\n7 7\nVEHICLE\n2 10\n", "header"),
    ],
    ids=[
        "empty",
        "no-fleet",
        "no-depot",
        "short-row",
        "ready-after-due",
        "fractional-demand",
        "repeated",
        "stray",
    ],
)
def test_malformed_instances_are_rejected_with_a_reason(text, message):
    with pytest.raises(SolomonFormatError, match=message):
        read_solomon(text if text else "\n")


rows_strategy = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.lists(
        st.tuples(
            st.integers(0, 200),
            st.integers(0, 200),
            st.integers(0, 50),
            st.integers(0, 500),
            st.integers(0, 500),
            st.integers(0, 90),
        ),
        min_size=n,
        max_size=n,
    )
)


@settings(max_examples=60, deadline=None)
@given(
    raw=rows_strategy,
    vehicles=st.integers(1, 30),
    capacity=st.integers(1, 1000),
    newline=st.sampled_from(["\n", "\r\n"]),
    gap=st.sampled_from([" ", "   ", "\t", " \t "]),
    blank=st.booleans(),
    titles=st.booleans(),
)
def test_round_trip_property(raw, vehicles, capacity, newline, gap, blank, titles):
    rows: list[Row] = [(0, 100, 100, 0, 0, 1000, 0)]
    rows += [
        (i, x, y, d, min(a, b), max(a, b), s) for i, (x, y, d, a, b, s) in enumerate(raw, start=1)
    ]
    text = make_solomon_text(
        "P", vehicles, capacity, rows, newline=newline, gap=gap, blank=blank, titles=titles
    )
    instance = read_solomon(text)
    assert (instance.vehicles, instance.capacity) == (vehicles, capacity)
    got = [(c.number, c.x, c.y, c.demand, c.ready, c.due, c.service) for c in instance.customers]
    assert got == rows


def test_problem_scales_euclidean_distances_and_times():
    rows: list[Row] = [(0, 0, 0, 0, 0, 100, 0), (1, 3, 4, 7, 10, 20, 2.5), (2, 1, 1, 1, 0, 50, 0)]
    problem = solomon_problem(read_solomon(make_solomon_text("T", 2, 30, rows)), scale=1000)
    assert problem.durations[0][1] == problem.durations[1][0] == 5000
    assert problem.durations[0][2] == round(math.sqrt(2) * 1000) == 1414
    assert [v.id for v in problem.visits] == ["1", "2"]
    first = problem.visits[0]
    assert (first.location_index, first.time_windows, first.service_seconds, first.demand) == (
        1,
        ((10000, 20000),),
        2500,
        7,
    )
    assert len(problem.officers) == 2
    assert all(
        o.shift == (0, 100000) and o.capacity == 30 and o.start_index == o.end_index == 0
        for o in problem.officers
    )
    assert (
        solomon_problem(read_solomon(make_solomon_text("T", 2, 30, rows)), scale=100).durations[0][
            2
        ]
        == 141
    )


def test_a_line_of_customers_is_solved_to_its_obvious_optimum():
    rows: list[Row] = [
        (0, 0, 0, 0, 0, 1000, 0),
        (1, 10, 0, 1, 0, 1000, 0),
        (2, 20, 0, 1, 0, 1000, 0),
        (3, 30, 0, 1, 0, 1000, 0),
    ]
    problem = solomon_problem(read_solomon(make_solomon_text("LINE", 3, 10, rows)))
    plan = plan_routes(problem, polish_seconds=0)
    assert validate_plan(problem, plan) == []
    assert plan.total_travel / 1000 == 60.0  # out to x=30 and back, whatever the vehicle count
    assert plan.unassigned == []


def test_capacity_forces_a_second_vehicle():
    rows: list[Row] = [
        (0, 0, 0, 0, 0, 1000, 0),
        (1, 10, 0, 6, 0, 1000, 0),
        (2, 10, 1, 6, 0, 1000, 0),
    ]
    problem = solomon_problem(read_solomon(make_solomon_text("CAP", 2, 10, rows)))
    plan = plan_routes(problem, polish_seconds=0)
    assert validate_plan(problem, plan) == []
    assert len(plan.used_routes) == 2
    assert all(route.load == 6 for route in plan.used_routes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_instances_solve_feasibly_and_cost_matches_real_distances(seed):
    rng = random.Random(seed)
    rows = random_rows(rng, 25)
    instance = read_solomon(make_solomon_text(f"G{seed}", 10, 60, rows))
    problem = solomon_problem(instance)
    plan = plan_routes(problem, polish_seconds=5, polish_solution_limit=50)
    assert validate_plan(problem, plan) == []
    assert plan.unassigned == []
    # The scaled integer cost is the real-valued Euclidean cost within 0.0005 per leg.
    real = 0.0
    for route in plan.used_routes:
        path = [0] + [int(s.visit_id) for s in route.stops] + [0]
        real += sum(math.dist(rows[a][1:3], rows[b][1:3]) for a, b in itertools.pairwise(path))
    legs = sum(len(route.stops) + 1 for route in plan.used_routes)
    assert abs(plan.total_travel / 1000 - real) <= 0.0005 * legs
