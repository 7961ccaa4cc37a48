"""Splitting long id lists: SQLite and PostgreSQL both dislike 100,000 bind parameters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

CHUNK = 5000


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
