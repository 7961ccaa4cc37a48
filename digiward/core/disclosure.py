"""Small numbers are not published: a count of 1 to 4 people in a cell of a public or
sponsor table could point at someone ("the only poor household in khu vực 3 without a
phone"). The rule statistics offices use: hide the small cells (primary suppression), and
when only one cell of a row is hidden, hide the next smallest too (complementary
suppression), so that the total minus the cells shown does not give the hidden one back.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = 5  # fewer than 5 people in a cell is not shown


def suppress(counts: Sequence[int], *, threshold: int = SMALL) -> list[int | None]:
    """`counts` with every cell that could identify someone replaced by None. Zeros are
    shown: "nobody" names nobody."""
    hidden = {i for i, count in enumerate(counts) if 0 < count < threshold}
    if len(hidden) == 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count)
        if others:
            hidden.add(others[0][1])
    return [None if i in hidden else count for i, count in enumerate(counts)]


def suppress_total(total: int, *, threshold: int = SMALL) -> int | None:
    """A total is a cell like any other: hidden when small."""
    return None if 0 < total < threshold else total
