"""One shape for every status machine: a table of allowed moves, and the guard that reads it.

Home-support requests, donation campaigns and shift swaps each have statuses that may
only follow one another in some orders. Each app writes its table in its own
`workflow.py` as a `Workflow`; services lock the row, call `workflow.guard(...)` and only
then change anything, so a wrong move changes nothing and says why in the user's language.
Conditions beyond the table (a campaign cannot open without a sponsor) are the app's own
checks, run after the guard. Every table has a test over every pair of statuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digiward.core.errors import DomainError

WRONG = _("“%(current)s” cannot become “%(target)s”.")
ALREADY = _("This is already “%(current)s”.")
FINISHED = _("This is already “%(current)s”: nothing more can change.")


class WrongTransition(DomainError):
    """The object is not in a status this action can start from."""


@dataclass(frozen=True)
class Workflow:
    """`allowed`: each status and the statuses that may follow it (an empty set: final).

    The three messages take `%(current)s` and `%(target)s` (the statuses' labels); an app
    words them for its object ("This request is already …")."""

    statuses: type[TextChoices]
    allowed: Mapping[str, frozenset[str]]
    wrong: str | Promise = WRONG
    already: str | Promise = ALREADY
    finished: str | Promise = FINISHED
    final: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        unknown = (set(self.allowed) | {t for ts in self.allowed.values() for t in ts}) - set(
            self.statuses.values
        )
        if unknown or set(self.allowed) != set(self.statuses.values):
            raise ValueError(f"workflow table does not match {self.statuses.__name__}")
        final = frozenset(status for status, targets in self.allowed.items() if not targets)
        object.__setattr__(self, "final", final)

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed.get(current, frozenset())

    def guard(self, current: str, target: str) -> None:
        """Refuse a move the table does not allow, naming both statuses."""
        if self.can(current, target):
            return
        if current in self.final:
            message = self.finished
        elif current == target:
            message = self.already
        else:
            message = self.wrong
        raise WrongTransition(str(message) % self._labels(current, target))

    def guard_from(self, current: str, starts: Iterable[str], target: str) -> None:
        """For an action that starts only from some of the statuses the table allows
        (a scheduled request goes back to accepted only when its visit is taken off)."""
        self.guard(current, target)
        if current not in set(starts):
            raise WrongTransition(str(self.wrong) % self._labels(current, target))

    def _labels(self, current: str, target: str) -> dict[str, str]:
        return {
            "current": str(self.statuses(current).label),
            "target": str(self.statuses(target).label),
        }
