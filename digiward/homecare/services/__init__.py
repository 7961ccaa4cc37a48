"""Home-support actions: every write of the homecare app goes through one of these.

Each is one transaction that locks the request first (then its visit, then the routes,
in id order), checks the workflow guard, writes the audit row and queues the requester's
messages to be sent after commit; a refused action raises DomainError with a message for
the person who tried it and leaves nothing half-written.

    requests    intake (public form, phone call) and the workflow's decisions (accept,
                reject, cancel, complete…)
    assessment  the registry link, the home's GPS point, eligibility, deadlines
    booking     a visit booked by hand, moved, reordered or taken off the plan; a
                route's order locked
    dayplan     planning a whole day: the job, the solve, writing the routes
    visits      at the home: arrival, departure, the visit record, authorization
                confirmations, photos of signed papers
    officers    who can go and how the commune works: officer profiles, leave,
                settings, procedures
    routes      the route machinery booking and dayplan share (read, re-check, write)
    common      the request lock and the audit rows of a change, which they all take

The rest of the app, by role (the shape guidance has with `planning.roster`,
`rostering` and its services):

    dayplan.py      the pure problem: a day of visits as routing dataclasses, solved by
                    `planning.routing`, and hand-made routes re-checked (no ORM)
    planner.py      the loader: the commune's rows read into that problem (who can go,
                    what waits, where, how long, when someone is home)
    sla.py, eligibility.py, checklists.py   pure rules: deadlines in working days, who
                    qualifies, what each procedure needs at the home
    selectors.py    reads the screens share (inbox, deadlines, day plan, a request's page)
    workflow.py     the request's status table (core.workflow)
    notifications.py, tasks.py, privacy.py, wording.py   the requester's messages, the
                    planning job, what the app holds about a person, planning's words
"""

from digiward.homecare.services.assessment import (
    refresh_deadline,
    refresh_eligibility,
    request_check_eligibility,
    request_link_resident,
    request_override_eligibility,
    request_set_location,
)
from digiward.homecare.services.booking import (
    drop_planned_visit,
    ensure_available,
    reschedule_request_route,
    route_lock,
    visit_book,
    visit_move,
    visit_reorder,
    visit_unschedule,
)
from digiward.homecare.services.dayplan import (
    PlanOutcome,
    dayplan_apply,
    dayplan_solve,
    dayplan_start,
)
from digiward.homecare.services.officers import (
    leave_add,
    leave_remove,
    officer_profile_save,
    officer_profiles_sync,
    procedure_profile_save,
    settings_save,
)
from digiward.homecare.services.requests import (
    PublicRequest,
    RequestDetails,
    WindowData,
    complete_locked,
    normalize_tracking_code,
    request_accept,
    request_cancel,
    request_complete,
    request_create,
    request_lookup,
    request_reject,
    request_second_visit,
    request_submit_public,
    request_update,
)
from digiward.homecare.services.routes import dayplan_for, issue_message
from digiward.homecare.services.visits import (
    PHOTO_RULES,
    AuthorizationData,
    VisitRecord,
    authorization_record,
    next_certification_number,
    photo_add,
    visit_arrive,
    visit_leave,
    visit_record,
)

__all__ = [
    "PHOTO_RULES",
    "AuthorizationData",
    "PlanOutcome",
    "PublicRequest",
    "RequestDetails",
    "VisitRecord",
    "WindowData",
    "authorization_record",
    "complete_locked",
    "dayplan_apply",
    "dayplan_for",
    "dayplan_solve",
    "dayplan_start",
    "drop_planned_visit",
    "ensure_available",
    "issue_message",
    "leave_add",
    "leave_remove",
    "next_certification_number",
    "normalize_tracking_code",
    "officer_profile_save",
    "officer_profiles_sync",
    "photo_add",
    "procedure_profile_save",
    "refresh_deadline",
    "refresh_eligibility",
    "request_accept",
    "request_cancel",
    "request_check_eligibility",
    "request_complete",
    "request_create",
    "request_link_resident",
    "request_lookup",
    "request_override_eligibility",
    "request_reject",
    "request_second_visit",
    "request_set_location",
    "request_submit_public",
    "request_update",
    "reschedule_request_route",
    "route_lock",
    "settings_save",
    "visit_arrive",
    "visit_book",
    "visit_leave",
    "visit_move",
    "visit_record",
    "visit_reorder",
    "visit_unschedule",
]
