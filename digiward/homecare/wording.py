"""Plain words for the machine codes of planning: why a visit is not on anyone's route."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from digiward.homecare.dayplan import LeftOutReason
from digiward.planning.routing import UnassignedReason

LEFT_OUT: dict[str, StrOrPromise] = {
    # From the solver (digiward.planning.routing.UnassignedReason).
    UnassignedReason.NO_OFFICER_WITH_SKILLS: _(
        "No officer working that day has the authority this procedure needs (e.g. to certify)."
    ),
    UnassignedReason.OVER_CAPACITY: _("The officers cannot take more that day."),
    UnassignedReason.WINDOW_OUTSIDE_ALL_SHIFTS: _(
        "The times when someone is home are outside every officer's working hours."
    ),
    UnassignedReason.UNREACHABLE_IN_WINDOW: _(
        "No officer can get there while someone is home, even going there first."
    ),
    UnassignedReason.MAX_VISITS_REACHED: _(
        "Every officer who could go already has the most visits allowed in a day."
    ),
    UnassignedReason.NO_TIME_LEFT: _(
        "The officers' days are full: plan it for another day or add an officer."
    ),
    # Found before or after solving (digiward.homecare.dayplan.LeftOutReason).
    LeftOutReason.NO_LOCATION: _(
        "No GPS point for the home: add it, or link the person to the registry."
    ),
    LeftOutReason.NOT_HOME_THAT_DAY: _("Nobody is home that day according to the times given."),
    LeftOutReason.WINDOW_TOO_SHORT: _(
        "The time when someone is home is shorter than the visit takes."
    ),
    LeftOutReason.ONLY_HOME_AT_LUNCH: _(
        "Someone is home only during the lunch break: agree on another time, or add the visit "
        "to a route by hand."
    ),
    LeftOutReason.NO_OFFICER_AVAILABLE: _("No officer takes home visits that day."),
    LeftOutReason.BOOKED_MEANWHILE: _(
        "Someone booked or changed this request while the plan was being made."
    ),
    LeftOutReason.ROUTE_LOCKED: _("The officer's route was locked while the plan was being made."),
}

UNAVAILABLE: dict[str, StrOrPromise] = {
    "inactive": _("does not take home visits"),
    "not_working_day": _("does not work that weekday"),
    "on_leave": _("on leave"),
}


def left_out_label(code: str) -> str:
    return str(LEFT_OUT.get(code, code))
