"""The request workflow: which status may follow which, and the guard that enforces it.

    received → accepted → scheduled → visited → completed
    plus rejected, cancelled and needs_second_visit (then scheduled again).

A scheduled request goes back to accepted when its visit is taken off the plan, and to
needs_second_visit when nobody was home or papers were missing. Completed, rejected and
cancelled are final. `REQUEST` is that table (digiward.core.workflow); services lock the
row and call `transition` before changing anything else, so a wrong move changes nothing
and says why, in the user's language.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.workflow import Workflow
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
REQUEST = Workflow(
    statuses=RequestStatus,
    allowed=ALLOWED,
    wrong=_("A request that is “%(current)s” cannot become “%(target)s”."),
    already=_("This request is already “%(current)s”."),
    finished=_("This request is already “%(current)s”: nothing more can change."),
)
# Where a request can be booked from: accepted, or waiting for a second visit.
SCHEDULABLE = frozenset({S.ACCEPTED, S.NEEDS_SECOND_VISIT})
# Actions that start from fewer statuses than the table allows: accepting starts only from
# received (a scheduled request goes back to accepted only when its visit is taken off the
# plan), asking for a second visit only from visited (not from scheduled).
ACCEPT_FROM = frozenset({S.RECEIVED})
SECOND_VISIT_FROM = frozenset({S.VISITED})


def transition(
    request: HomeSupportRequest, target: str, *, starts: frozenset[str] | None = None
) -> str:
    """Guard, then move (the caller saves). Returns the previous status.

    `starts`: the only statuses this action may start from, when the table allows more."""
    if starts is not None:
        REQUEST.guard_from(request.status, starts, target)
    else:
        REQUEST.guard(request.status, target)
    previous = request.status
    request.status = target
    request.status_changed_at = timezone.now()
    return previous
