"""Solomon VRPTW instances: a reader and a converter to ``routing.RoutingProblem``.

The classic text layout (Solomon 1987, as shipped by SINTEF and VROOM's benchmarks)::

    C101

    VEHICLE
    NUMBER     CAPACITY
      25         200

    CUSTOMER
    CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

        0      40         50          0          0       1236          0
        1      45         68         10        912        967         90

Customer 0 is the depot. The reader is lenient about what varies between copies in the
wild: CRLF line ends, blank lines, tabs, any spacing, and decimal numbers.

Conventions of the benchmark literature, kept by ``solomon_problem``: travel time equals
the real-valued Euclidean distance, the due date bounds the *start* of service, and every
vehicle leaves from and returns to the depot within the depot's window. Routing works in
integers, so distances and times are multiplied by ``scale`` and rounded (×1000 keeps the
rounding error per leg under 0.0005). A plan's cost in Solomon units is
``plan.total_travel / scale``; it can differ from the real-valued cost of the same routes
by at most 0.0005 per leg.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from digiward.planning.routing import Officer, RoutingProblem, Visit

DEFAULT_SCALE = 1000


class SolomonFormatError(ValueError):
    """The text is not a Solomon instance; the message names the line."""


@dataclass(frozen=True, slots=True)
class SolomonCustomer:
    number: int
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True, slots=True)
class SolomonInstance:
    """``customers[0]`` is the depot."""

    name: str
    vehicles: int
    capacity: int
    customers: tuple[SolomonCustomer, ...]

    @property
    def depot(self) -> SolomonCustomer:
        return self.customers[0]


def _numbers(line: str, line_no: int) -> list[float]:
    try:
        return [float(token) for token in line.split()]
    except ValueError:
        raise SolomonFormatError(
            f"line {line_no}: expected numbers, got {line.strip()!r}"
        ) from None


def _whole(value: float, what: str, line_no: int) -> int:
    if not value.is_integer():
        raise SolomonFormatError(f"line {line_no}: {what} {value} is not a whole number")
    return int(value)


def read_solomon(source: str | os.PathLike[str]) -> SolomonInstance:
    """Parse a Solomon instance from a path, or from the text itself (text has a newline)."""
    is_path = isinstance(source, os.PathLike) or "\n" not in source
    text = Path(source).read_text(encoding="utf-8") if is_path else str(source)
    lines = [(no, line.strip()) for no, line in enumerate(text.splitlines(), start=1)]
    lines = [(no, line) for no, line in lines if line]
    if not lines:
        raise SolomonFormatError("empty instance")
    name = lines[0][1]
    section = ""
    fleet: list[float] | None = None
    customers: list[SolomonCustomer] = []
    for no, line in lines[1:]:
        head = line.split()[0].upper()
        if head in {"VEHICLE", "CUSTOMER"}:
            section = head
            continue
        if not (head[0].isdigit() or head[0] in "+-."):
            continue  # column titles such as "NUMBER CAPACITY" or "CUST NO. XCOORD. ..."
        values = _numbers(line, no)
        if section == "VEHICLE" and fleet is None and len(values) == 2:
            fleet = values
        elif section == "CUSTOMER" and len(values) == 7:
            number, x, y, demand, ready, due, service = values
            if ready > due:
                raise SolomonFormatError(f"line {no}: ready time {ready} after due date {due}")
            customers.append(
                SolomonCustomer(
                    _whole(number, "customer number", no),
                    x,
                    y,
                    _whole(demand, "demand", no),
                    ready,
                    due,
                    service,
                )
            )
        else:
            raise SolomonFormatError(
                f"line {no}: unexpected {line!r} in section {section or 'header'}"
            )
    if fleet is None:
        raise SolomonFormatError("no VEHICLE section with NUMBER and CAPACITY")
    if not customers or customers[0].number != 0:
        raise SolomonFormatError("the first customer must be the depot, number 0")
    if len({c.number for c in customers}) != len(customers):
        raise SolomonFormatError("customer numbers repeat")
    return SolomonInstance(
        name=name,
        vehicles=_whole(fleet[0], "vehicle number", 0),
        capacity=_whole(fleet[1], "capacity", 0),
        customers=tuple(customers),
    )


def euclidean_matrix(instance: SolomonInstance, scale: int = DEFAULT_SCALE) -> list[list[int]]:
    """Scaled, rounded Euclidean distances between customers (indices as in the file)."""
    points = [(c.x, c.y) for c in instance.customers]
    return [[round(math.dist(a, b) * scale) for b in points] for a in points]


def solomon_problem(instance: SolomonInstance, scale: int = DEFAULT_SCALE) -> RoutingProblem:
    """The instance as a routing problem: one officer per vehicle, all alike, at the depot.

    Location indices are positions in ``instance.customers`` (the depot is 0); visit ids
    are the customer numbers as strings.
    """
    if scale < 1:
        raise ValueError("scale must be a positive integer")
    depot = instance.depot
    shift = (round(depot.ready * scale), round(depot.due * scale))
    visits = [
        Visit(
            id=str(c.number),
            location_index=index,
            service_seconds=round(c.service * scale),
            time_windows=((round(c.ready * scale), round(c.due * scale)),),
            demand=c.demand,
        )
        for index, c in enumerate(instance.customers)
        if index > 0
    ]
    officers = [
        Officer(id=f"v{k + 1}", start_index=0, end_index=0, shift=shift, capacity=instance.capacity)
        for k in range(instance.vehicles)
    ]
    return RoutingProblem(visits, officers, euclidean_matrix(instance, scale))
