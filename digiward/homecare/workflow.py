"""The request workflow: which status may follow which, and the guard that enforces it.

    received → accepted → scheduled → visited → completed
    plus rejected, cancelled and needs_second_visit (then scheduled again).

A scheduled request goes back to accepted when its visit is taken off the plan, and to
needs_second_visit when nobody was home or papers were missing. Completed, rejected and
cancelled are final. Services call `guard_transition` after locking the row and before
changing anything, so a wrong move changes nothing and says why, in the user's language.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from digiward.core.errors import DomainError
from digiward.homecare.models import HomeSupportRequest, RequestStatus

S = RequestStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.REJECTED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.ACCEPTED, S.VISITED, S.NEEDS_SECOND_VISIT, S.CANCELLED}),
    S.VISITED: frozenset({S.COMPLETED, S.NEEDS_SECOND_VISIT}),
    S.NEEDS_SECOND_VISIT: frozenset({S.SCHEDULED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
FINAL = frozenset(status for status, targets in ALLOWED.items() if not targets)
# Where a request can be booked from: accepted, or waiting for a second visit.
SCHEDULABLE = frozenset({S.ACCEPTED, S.NEEDS_SECOND_VISIT})


class WrongTransition(DomainError):
    """The request is not in a status this action can start from."""


def can_transition(current: str, target: str) -> bool:
    return target in ALLOWED.get(current, frozenset())


def guard_transition(request: HomeSupportRequest, target: str) -> None:
    """Refuse a move the workflow does not allow, naming both statuses."""
    if can_transition(request.status, target):
        return
    if request.status in FINAL:
        message = _("This request is already “%(current)s”: nothing more can change.")
    elif request.status == target:
        message = _("This request is already “%(current)s”.")
    else:
        message = _("A request that is “%(current)s” cannot become “%(target)s”.")
    raise WrongTransition(message % {"current": S(request.status).label, "target": S(target).label})


def guard_from(request: HomeSupportRequest, starts: frozenset[str], target: str) -> None:
    """For actions that only start from some statuses (accepting starts from received;
    a scheduled request goes back to accepted only when its visit is taken off the plan)."""
    if request.status not in starts:
        guard_transition(request, target)  # the table's own message when it also refuses
        raise WrongTransition(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(request.status).label, "target": S(target).label}
        )


def transition(request: HomeSupportRequest, target: str) -> str:
    """Guard, then move (the caller saves). Returns the previous status."""
    guard_transition(request, target)
    previous = request.status
    request.status = target
    request.status_changed_at = timezone.now()
    return previous
