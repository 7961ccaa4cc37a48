"""The swap workflow: which status may follow which, and the guard that enforces it.

    open ──(a colleague accepts)──▶ accepted ──(the team lead approves)──▶ approved
      │                                │
      └──── rejected by the lead, ─────┘
            or cancelled (withdrawn) by the person who asked

Approved, rejected and cancelled are final: the assignments move only on approval.
`SWAP` is that table (digiward.core.workflow); the swap services lock the request and
call `SWAP.guard` before anything else, so a wrong move changes nothing and says why.

The messages are the ones the swap screens always showed. The only wrong move a service
can ask for is approving a request nobody has accepted yet, hence its wording; accepting
a request twice is "already"; and every move from a final status is "already decided".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from digiward.core.workflow import Workflow
from digiward.guidance.models import SwapStatus

S = SwapStatus

ALLOWED: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}
SWAP = Workflow(
    statuses=SwapStatus,
    allowed=ALLOWED,
    wrong=_("Only a request a colleague has accepted can be approved."),
    already=_("This request is no longer open."),
    finished=_("This request is already decided."),
)
# Requests still waiting for someone (a colleague, then the lead): at most one per shift
# (the model's `guidance_swap_one_open` constraint).
PENDING = frozenset(status for status in ALLOWED if status not in SWAP.final)
