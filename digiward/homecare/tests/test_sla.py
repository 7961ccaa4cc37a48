"""Deadlines in working days: weekends, public holidays and Tết skipped, commune exceptions.

Tết 2026: Monday 16 to Friday 20 February. Tết 2027: Thursday 4 to Wednesday 10 February.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from digiward.core.models import CalendarOverride
from digiward.core.selectors import calendar_for
from digiward.core.workdays import WorkingCalendar
from digiward.homecare import services
from digiward.homecare.models import ProcedureProfile, RequestSource, Urgency
from digiward.homecare.selectors import deadlines
from digiward.homecare.sla import DueState, deadline, due_state, sla_days, working_days_left
from digiward.homecare.tests.factories import CertificationFactory, RequestFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
calendar = WorkingCalendar()


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2026 (Mon 16 – Fri 20 Feb), then a weekend.
        (date(2026, 2, 12), 1, date(2026, 2, 13)),  # Thursday → Friday before Tết
        (date(2026, 2, 12), 2, date(2026, 2, 23)),  # the second day falls after Tết
        (date(2026, 2, 13), 3, date(2026, 2, 25)),  # Friday before Tết: Mon 23, Tue 24, Wed 25
        (date(2026, 2, 14), 5, date(2026, 2, 27)),  # received on the Saturday before
        (date(2026, 2, 17), 1, date(2026, 2, 23)),  # received during Tết
        (date(2026, 2, 17), 0, date(2026, 2, 23)),  # "same day" moves to the first working day
        (date(2026, 2, 10), 5, date(2026, 2, 24)),  # Wed 11, Thu 12, Fri 13, Mon 23, Tue 24
        # Tết 2027 (Thu 4 – Wed 10 Feb, over a weekend).
        (date(2027, 2, 3), 1, date(2027, 2, 11)),
        (date(2027, 2, 3), 2, date(2027, 2, 12)),
        (date(2027, 2, 3), 5, date(2027, 2, 17)),
        (date(2027, 1, 29), 5, date(2027, 2, 12)),  # Mon 1, Tue 2, Wed 3, Thu 11, Fri 12
        # An ordinary week, for contrast.
        (date(2026, 3, 4), 5, date(2026, 3, 11)),
    ],
)
def test_deadline_skips_weekends_and_tet(received, days, due):
    assert deadline(calendar, received, days) == due


def test_working_days_left_counts_across_tet():
    assert working_days_left(calendar, date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert working_days_left(calendar, date(2026, 2, 25), date(2026, 2, 13)) == -3
    assert working_days_left(calendar, date(2027, 2, 3), date(2027, 2, 11)) == 1


@pytest.mark.parametrize(
    ("today", "due", "state"),
    [
        (date(2026, 2, 13), date(2026, 2, 23), DueState.DUE_SOON),  # 1 working day away, over Tết
        (date(2026, 2, 13), date(2026, 2, 24), DueState.DUE_SOON),  # 2 working days
        (date(2026, 2, 13), date(2026, 2, 25), DueState.ON_TIME),  # 3 working days
        (date(2026, 2, 13), date(2026, 2, 13), DueState.DUE_SOON),  # today
        (date(2026, 2, 23), date(2026, 2, 13), DueState.OVERDUE),
    ],
)
def test_due_soon_is_counted_in_working_days(today, due, state):
    assert due_state(calendar, today, due, soon_days=2) == state


def test_a_request_takes_the_longest_procedure_deadline_and_urgent_caps_it():
    assert sla_days([3, None, 7], default=5, urgent=False, urgent_days=2) == 7
    assert sla_days([None, None], default=5, urgent=False, urgent_days=2) == 5
    assert sla_days([3, 7], default=5, urgent=True, urgent_days=2) == 2
    assert sla_days([1], default=5, urgent=True, urgent_days=2) == 1


@pytest.mark.django_db
def test_commune_exceptions_move_the_deadline(commune):
    # A Saturday worked to bridge the holiday (national), and a local closure (the commune).
    CalendarOverride.objects.create(date=date(2026, 2, 21), is_working_day=True, reason="Làm bù")
    CalendarOverride.objects.create(
        date=date(2026, 2, 23), commune=commune, is_working_day=False, reason="Lễ hội địa phương"
    )
    local = calendar_for(commune)
    # Fri 13 → Sat 21 (worked), Tue 24, Wed 25 (Mon 23 closed here).
    assert deadline(local, date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert deadline(local, date(2026, 2, 13), 1) == date(2026, 2, 21)


@pytest.mark.django_db
def test_a_request_taken_before_tet_is_due_after_it(commune, officer_access, hc_settings):
    certification = CertificationFactory()
    ProcedureProfile.objects.create(commune=commune, procedure=certification, sla_working_days=3)
    with time_machine.travel(datetime(2026, 2, 13, 9, 30, tzinfo=VN), tick=False):
        request = services.request_create(
            access=officer_access,
            details=services.RequestDetails(
                person_name="Bà Nguyễn Thị Năm",
                address="12 Hai Bà Trưng",
                reason="elderly",
                requester_phone="0912345678",
                procedure=certification,
            ),
            source=RequestSource.PHONE_CALL,
        )
    assert (request.received_on, request.sla_working_days) == (date(2026, 2, 13), 3)
    assert request.due_on == date(2026, 2, 25)


@pytest.mark.django_db
def test_an_urgent_request_uses_the_urgent_deadline(commune, officer_access, hc_settings):
    with time_machine.travel(datetime(2027, 2, 3, 9, 30, tzinfo=VN), tick=False):
        request = services.request_create(
            access=officer_access,
            details=services.RequestDetails(
                person_name="Ông Trần Văn Sáu",
                address="3 Ngô Quyền",
                reason="ill",
                requester_phone="0912345678",
                procedure_other="Chứng thực chữ ký",
                urgency=Urgency.URGENT,
            ),
        )
    assert (request.sla_working_days, request.due_on) == (2, date(2027, 2, 12))


@pytest.mark.django_db
def test_overdue_and_due_soon_lists(commune, hc_settings):
    today = date(2026, 2, 13)
    late = RequestFactory(commune=commune, due_on=date(2026, 2, 12))
    soon = RequestFactory(commune=commune, due_on=date(2026, 2, 24))  # 2 working days, over Tết
    later = RequestFactory(commune=commune, due_on=date(2026, 2, 26))
    done = RequestFactory(commune=commune, due_on=date(2026, 2, 10), status="completed")
    lists = deadlines(commune, today)
    assert lists.overdue == [late]
    assert lists.due_soon == [soon]
    assert later not in lists.due_soon and done not in lists.overdue
    assert lists.window.soon_until == date(2026, 2, 24)
