"""Actions of the guidance team: every write of the guidance app goes through one of these.

Every action checks the permission, locks what it changes, re-checks the rules, writes
one audit row and queues notifications after commit. A refused action raises a
DomainError with a message for the person who tried; nothing is written then.

    team        members, weekly availability, absences, opening hours (slot templates)
    rules       what one person must keep to take a shift, and what a shift's team lacks
    roster      generating the month (the job and its work), adjusting it, publishing it
    attendance  who came to a shift
    swaps       stand-ins and swaps: asked, accepted, approved or refused, withdrawn
    reminders   the day-before reminders of tomorrow's shifts
    desk        the help-session log, linking a walk-in to the registry, the queue

The rest of the app, by role: `rostering` loads the month into `planning.roster`'s
problem (the loader; the solver is pure), `selectors` holds the reads the screens share,
`workflow` the swaps' status table, `tasks` the roster job.
"""

from digiward.guidance.services.attendance import attendance_set
from digiward.guidance.services.desk import (
    MAX_MINUTES,
    SessionInput,
    help_session_link,
    help_session_log,
    queue_call_next,
    ticket_close,
    ticket_requeue,
    ticket_take,
)
from digiward.guidance.services.reminders import shift_reminders_queue
from digiward.guidance.services.roster import (
    assignment_add,
    assignment_remove,
    roster_generate,
    roster_publish,
    roster_solve,
)
from digiward.guidance.services.rules import member_conflict, shift_gaps
from digiward.guidance.services.swaps import (
    swap_accept,
    swap_approve,
    swap_cancel,
    swap_reject,
    swap_request_create,
)
from digiward.guidance.services.team import (
    MEMBER_AUDIT_FIELDS,
    absence_add,
    absence_remove,
    availability_save,
    member_of,
    member_save,
    slot_defaults_add,
    slot_template_save,
)

__all__ = [
    "MAX_MINUTES",
    "MEMBER_AUDIT_FIELDS",
    "SessionInput",
    "absence_add",
    "absence_remove",
    "assignment_add",
    "assignment_remove",
    "attendance_set",
    "availability_save",
    "help_session_link",
    "help_session_log",
    "member_conflict",
    "member_of",
    "member_save",
    "queue_call_next",
    "roster_generate",
    "roster_publish",
    "roster_solve",
    "shift_gaps",
    "shift_reminders_queue",
    "slot_defaults_add",
    "slot_template_save",
    "swap_accept",
    "swap_approve",
    "swap_cancel",
    "swap_reject",
    "swap_request_create",
    "ticket_close",
    "ticket_requeue",
    "ticket_take",
]
