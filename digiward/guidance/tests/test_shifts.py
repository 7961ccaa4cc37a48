"""Adjusting a roster by hand, swaps and stand-ins, attendance and hours served, reminders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.models import Absence, OutboxMessage
from digiward.core.testing import client_in
from digiward.guidance import selectors, services
from digiward.guidance.models import (
    AssignmentSource,
    Attendance,
    Experience,
    MemberAvailability,
    RosterStatus,
    ShiftAssignment,
    SlotTemplate,
    SwapKind,
    SwapRequest,
    SwapStatus,
)
from digiward.guidance.tests.conftest import access_of
from digiward.guidance.tests.factories import RosterFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


# ---- The lead adjusts a shift: hard rules refused with a message ---------------------------


def test_lead_adds_a_member_and_every_hard_rule_is_checked(
    commune, officer, member_thu, member_khang, shift_factory, seat, future_day
):
    lead = access_of(officer, commune)
    shift = shift_factory(future_day)
    services.assignment_add(access=lead, shift=shift, member=member_khang)
    assert shift.assignments.get().source == AssignmentSource.MANUAL

    # Already on it
    with pytest.raises(DomainError, match="already on this shift"):
        services.assignment_add(access=lead, shift=shift, member=member_khang)

    # Unavailable for Wednesday mornings
    MemberAvailability.objects.create(
        commune=commune,
        member=member_thu,
        weekday=future_day.weekday(),
        kind="morning",
        value="unavailable",
    )
    with pytest.raises(DomainError, match="not available"):
        services.assignment_add(access=lead, shift=shift, member=member_thu)
    MemberAvailability.objects.all().delete()

    # Absent that day
    Absence.objects.create(
        commune=commune, user=member_thu.user, starts_on=future_day, ends_on=future_day
    )
    with pytest.raises(DomainError, match="absent"):
        services.assignment_add(access=lead, shift=shift, member=member_thu)
    Absence.objects.all().delete()

    # Double booking: a shift of the same day whose hours overlap
    other = shift_factory(future_day, kind="afternoon", start=shift.start, end=shift.end)
    seat(other, member_thu)
    with pytest.raises(DomainError, match="already has a shift at that time"):
        services.assignment_add(access=lead, shift=shift, member=member_thu)
    ShiftAssignment.objects.filter(member=member_thu).delete()

    # Weekly limit: three shifts already this week
    monday = future_day - timedelta(days=future_day.weekday())
    for offset in (0, 1, 3):
        seat(shift_factory(monday + timedelta(days=offset), kind="afternoon"), member_thu)
    with pytest.raises(DomainError, match="at most 3 a week"):
        services.assignment_add(access=lead, shift=shift, member=member_thu)
    assert shift.assignments.count() == 1


def test_a_full_shift_takes_nobody_else(
    commune, officer, member_thu, member_khang, shift_factory, seat, future_day
):
    shift = shift_factory(future_day, required=1)
    seat(shift, member_khang)
    with pytest.raises(DomainError, match="already has the 1 people"):
        services.assignment_add(access=access_of(officer, commune), shift=shift, member=member_thu)


def test_volunteers_cannot_adjust(commune, volunteer, member_thu, shift_factory, future_day):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.assignment_add(
            access=access_of(volunteer, commune), shift=shift_factory(future_day), member=member_thu
        )


# ---- Swaps and stand-ins ----------------------------------------------------------------------


def test_stand_in_request_accept_approve(
    commune,
    officer,
    volunteer,
    member_thu,
    member_khang,
    shift_factory,
    seat,
    future_day,
    django_capture_on_commit_callbacks,
):
    shift = shift_factory(future_day)
    mine = seat(shift, member_thu)
    me = access_of(volunteer, commune)
    swap = services.swap_request_create(
        access=me, assignment=mine, kind=SwapKind.STAND_IN, note="Thi học kỳ"
    )
    assert swap.status == SwapStatus.OPEN
    assert list(selectors.swaps_open_to(member_khang)) == [swap]
    assert list(selectors.swaps_open_to(member_thu)) == []

    with pytest.raises(DomainError, match="own request"):
        services.swap_accept(access=me, swap=swap)
    khang = access_of(member_khang.user, commune)
    services.swap_accept(access=khang, swap=swap)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.ACCEPTED and swap.accepted_by == member_khang
    mine.refresh_from_db()
    assert mine.member == member_thu, "nothing moves before the lead approves"

    with django_capture_on_commit_callbacks(execute=False):
        services.swap_approve(access=access_of(officer, commune), swap=swap)
    mine.refresh_from_db()
    assert mine.member == member_khang and mine.source == AssignmentSource.STAND_IN
    swap.refresh_from_db()
    assert swap.status == SwapStatus.APPROVED and swap.decided_by == officer
    assert OutboxMessage.objects.filter(
        dedupe_key__startswith=f"guidance:swap:{swap.pk}:approved"
    ).exists()


def test_swap_exchanges_two_shifts(
    commune, officer, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    mine = seat(shift_factory(future_day), member_thu)
    theirs = seat(shift_factory(future_day + timedelta(days=7), kind="afternoon"), member_khang)
    swap = services.swap_request_create(
        access=access_of(volunteer, commune), assignment=mine, kind=SwapKind.SWAP
    )
    khang = access_of(member_khang.user, commune)
    with pytest.raises(DomainError, match="Pick one of your shifts"):
        services.swap_accept(access=khang, swap=swap)
    services.swap_accept(access=khang, swap=swap, offered=theirs)
    services.swap_approve(access=access_of(officer, commune), swap=swap)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.member == member_khang and theirs.member == member_thu


def test_a_conflicting_stand_in_is_refused_and_nothing_changes(
    commune, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    mine = seat(shift_factory(future_day), member_thu)
    # Khang already works that morning at another desk slot overlapping in time.
    seat(
        shift_factory(future_day, kind="afternoon", start=mine.shift.start, end=mine.shift.end),
        member_khang,
    )
    swap = services.swap_request_create(
        access=access_of(volunteer, commune), assignment=mine, kind=SwapKind.STAND_IN
    )
    with pytest.raises(DomainError) as caught:
        services.swap_accept(access=access_of(member_khang.user, commune), swap=swap)
    assert "Huỳnh Gia Khang" in caught.value.message
    swap.refresh_from_db()
    assert swap.status == SwapStatus.OPEN and swap.accepted_by is None


def test_a_swap_never_leaves_a_shift_without_an_experienced_member_or_a_needed_skill(
    commune, officer, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    """Thư is the experienced member of her shift: a newcomer cannot stand in for her,
    and a swap must not take the only Khmer speaker off a shift that needs one."""
    lan = TeamMemberFactory(commune=commune, experience=Experience.NEW, max_shifts_per_week=3)
    lan_access = access_of(lan.user, commune)
    mine = seat(shift_factory(future_day), member_thu)
    me = access_of(volunteer, commune)
    swap = services.swap_request_create(access=me, assignment=mine, kind=SwapKind.STAND_IN)
    with pytest.raises(DomainError, match="no experienced member"):
        services.swap_accept(access=lan_access, swap=swap)
    swap.refresh_from_db()
    assert swap.status == SwapStatus.OPEN and swap.accepted_by is None

    # An experienced colleague may.
    services.swap_accept(access=access_of(member_khang.user, commune), swap=swap)

    member_thu.skills = ["khmer"]
    member_thu.save()
    khmer = shift_factory(future_day + timedelta(days=7), required_skills=["khmer"])
    khmer_seat = seat(khmer, member_thu)
    seat(khmer, lan)
    offered = seat(shift_factory(future_day + timedelta(days=14)), member_khang)
    exchange = services.swap_request_create(access=me, assignment=khmer_seat, kind=SwapKind.SWAP)
    with pytest.raises(DomainError, match="Khmer"):
        services.swap_accept(
            access=access_of(member_khang.user, commune), swap=exchange, offered=offered
        )
    khmer_seat.refresh_from_db()
    assert khmer_seat.member == member_thu


def test_an_exchange_is_refused_when_the_requester_cannot_take_the_offered_shift(
    commune, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    mine = seat(shift_factory(future_day), member_thu)
    theirs = seat(shift_factory(future_day + timedelta(days=7)), member_khang)
    Absence.objects.create(
        commune=commune,
        user=member_thu.user,
        starts_on=theirs.shift.date,
        ends_on=theirs.shift.date,
    )
    swap = services.swap_request_create(
        access=access_of(volunteer, commune), assignment=mine, kind=SwapKind.SWAP
    )
    with pytest.raises(DomainError, match="absent"):
        services.swap_accept(
            access=access_of(member_khang.user, commune), swap=swap, offered=theirs
        )
    assert SwapRequest.objects.get(pk=swap.pk).status == SwapStatus.OPEN


def test_approval_checks_again(
    commune, officer, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    mine = seat(shift_factory(future_day), member_thu)
    swap = services.swap_request_create(
        access=access_of(volunteer, commune), assignment=mine, kind=SwapKind.STAND_IN
    )
    services.swap_accept(access=access_of(member_khang.user, commune), swap=swap)
    # Meanwhile Khang reports an absence for that day.
    Absence.objects.create(
        commune=commune, user=member_khang.user, starts_on=future_day, ends_on=future_day
    )
    with pytest.raises(DomainError, match="absent"):
        services.swap_approve(access=access_of(officer, commune), swap=swap)
    mine.refresh_from_db()
    assert mine.member == member_thu


def test_swap_guards(
    commune, officer, volunteer, member_thu, member_khang, shift_factory, seat, future_day
):
    me = access_of(volunteer, commune)
    theirs = seat(shift_factory(future_day), member_khang)
    with pytest.raises(DomainError, match="your own shifts"):
        services.swap_request_create(access=me, assignment=theirs, kind=SwapKind.STAND_IN)
    past = seat(shift_factory(timezone.localdate() - timedelta(days=1)), member_thu)
    with pytest.raises(DomainError, match="future shifts"):
        services.swap_request_create(access=me, assignment=past, kind=SwapKind.STAND_IN)
    mine = seat(shift_factory(future_day, kind="afternoon"), member_thu)
    services.swap_request_create(access=me, assignment=mine, kind=SwapKind.STAND_IN)
    with pytest.raises(DomainError, match="open request"):
        services.swap_request_create(access=me, assignment=mine, kind=SwapKind.SWAP)
    draft = RosterFactory(commune=commune, month=date(2031, 1, 1), status=RosterStatus.DRAFT)
    unpublished = seat(shift_factory(date(2031, 1, 8), roster=draft), member_thu)
    with pytest.raises(DomainError, match="published"):
        services.swap_request_create(access=me, assignment=unpublished, kind=SwapKind.STAND_IN)


def test_requester_withdraws_and_lead_refuses(
    commune, officer, volunteer, member_thu, shift_factory, seat, future_day
):
    me = access_of(volunteer, commune)
    first = services.swap_request_create(
        access=me, assignment=seat(shift_factory(future_day), member_thu), kind=SwapKind.STAND_IN
    )
    services.swap_cancel(access=me, swap=first)
    first.refresh_from_db()
    assert first.status == SwapStatus.CANCELLED
    second = services.swap_request_create(
        access=me, assignment=first.assignment, kind=SwapKind.STAND_IN
    )
    services.swap_reject(access=access_of(officer, commune), swap=second)
    second.refresh_from_db()
    assert second.status == SwapStatus.REJECTED
    with pytest.raises(DomainError):
        services.swap_approve(access=access_of(officer, commune), swap=second)


# ---- Attendance and hours served ---------------------------------------------------------------


def test_attendance_states_and_hours_served(
    commune, officer, member_thu, member_khang, shift_factory, seat, future_day
):
    lead = access_of(officer, commune)
    yesterday = timezone.localdate() - timedelta(days=1)
    done = seat(shift_factory(yesterday), member_thu)  # 7:00–11:30 = 4.5 h
    missed = seat(shift_factory(yesterday - timedelta(days=1), kind="afternoon"), member_thu)
    excused = seat(shift_factory(yesterday - timedelta(days=2)), member_khang)
    coming = seat(shift_factory(future_day), member_thu)
    services.attendance_set(access=lead, assignment=done, state=Attendance.DONE)
    services.attendance_set(access=lead, assignment=missed, state=Attendance.MISSED)
    services.attendance_set(access=lead, assignment=excused, state=Attendance.EXCUSED)
    with pytest.raises(DomainError, match="future"):
        services.attendance_set(access=lead, assignment=coming, state=Attendance.DONE)
    services.attendance_set(access=lead, assignment=coming, state=Attendance.EXCUSED)

    record = {s.member.pk: s for s in selectors.hours_served(commune)}
    assert record[member_thu.pk].hours == Decimal("4.50")
    assert (record[member_thu.pk].done, record[member_thu.pk].missed) == (1, 1)
    assert record[member_khang.pk].hours == 0 and record[member_khang.pk].excused == 1
    # A recorded attendance is not removed by mistake.
    with pytest.raises(DomainError):
        services.assignment_remove(access=lead, assignment=done)


def test_hours_served_say_which_period_they_count(
    commune, officer, volunteer, member_thu, member_khang, shift_factory, seat
):
    """Issue 12: the totals did not say which period they count. They count the shifts
    marked done, from the first such shift to the last; the page says both dates."""
    lead = access_of(officer, commune)
    first_day = timezone.localdate() - timedelta(days=40)
    last_day = timezone.localdate() - timedelta(days=3)
    for day, member in ((first_day, member_khang), (last_day, member_thu)):
        services.attendance_set(
            access=lead, assignment=seat(shift_factory(day), member), state=Attendance.DONE
        )
    assert selectors.service_period(commune) == (first_day, last_day)
    assert selectors.service_period(commune, member=member_thu) == (last_day, last_day)

    client = client_in(officer, commune)
    client.cookies["digiward_language"] = "en"
    team = client.get(reverse("guidance:team")).content.decode()
    assert f"from {first_day:%d/%m/%Y} to {last_day:%d/%m/%Y}, in every month" in team
    mine = client_in(volunteer, commune)
    mine.cookies["digiward_language"] = "en"
    page = mine.get(reverse("guidance:my_shifts")).content.decode()
    assert f"from {last_day:%d/%m/%Y} to {last_day:%d/%m/%Y}" in page


def test_no_hours_served_yet_says_so(commune, officer, member_thu):
    assert selectors.service_period(commune) is None
    client = client_in(officer, commune)
    client.cookies["digiward_language"] = "en"
    assert "No shift marked done yet" in client.get(reverse("guidance:team")).content.decode()


# ---- Reminders the day before -----------------------------------------------------------------


def test_reminders_are_queued_once_for_tomorrows_published_shifts(
    commune, member_thu, member_khang, shift_factory, seat, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    shift = shift_factory(tomorrow)
    seat(shift, member_thu)
    seat(shift, member_khang)
    seat(shift_factory(tomorrow + timedelta(days=1)), member_thu)  # the day after: not yet
    draft = RosterFactory(commune=commune, month=date(2031, 1, 1), status=RosterStatus.DRAFT)
    seat(shift_factory(date(2031, 1, 8), roster=draft), member_thu)

    with django_capture_on_commit_callbacks(execute=False):
        assert services.shift_reminders_queue(today=today) == 2
        assert services.shift_reminders_queue(today=today) == 0
    messages = OutboxMessage.objects.filter(dedupe_key__startswith="guidance:reminder:")
    assert messages.count() == 2
    assert {m.recipient for m in messages} == {member_thu.user.email, member_khang.user.email}
    body = messages.get(recipient=member_khang.user.email).body
    assert tomorrow.strftime("%d/%m/%Y") in body and "07:00" in body


def test_reminder_command_is_idempotent_and_skips_people_without_email(
    commune,
    member_thu,
    member_khang,
    shift_factory,
    seat,
    capsys,
    django_capture_on_commit_callbacks,
):
    member_khang.user.email = ""
    member_khang.user.save()
    shift = shift_factory(timezone.localdate() + timedelta(days=1))
    seat(shift, member_thu)
    seat(shift, member_khang)
    with django_capture_on_commit_callbacks(execute=False):
        call_command("send_shift_reminders")
        call_command("send_shift_reminders", "--commune", commune.code)
    out = capsys.readouterr().out
    assert "queued=1" in out and "queued=0" in out
    assert OutboxMessage.objects.filter(dedupe_key__startswith="guidance:reminder:").count() == 1


def test_excused_members_get_no_reminder(commune, officer, member_thu, shift_factory, seat):
    a = seat(shift_factory(timezone.localdate() + timedelta(days=1)), member_thu)
    services.attendance_set(
        access=access_of(officer, commune), assignment=a, state=Attendance.EXCUSED
    )
    assert services.shift_reminders_queue(today=timezone.localdate()) == 0


def test_team_member_joins_only_with_a_role_here(commune, officer, other_officer):
    from digiward.guidance.models import TeamMember

    lead = access_of(officer, commune)
    with pytest.raises(DomainError):
        services.member_save(access=lead, member=TeamMember(commune=commune, user=other_officer))
    member = services.member_save(access=lead, member=TeamMember(commune=commune, user=officer))
    assert member.pk
    with pytest.raises(DomainError):
        services.member_save(access=lead, member=TeamMember(commune=commune, user=officer))
    _ = TeamMemberFactory


def test_the_usual_opening_hours_in_one_go_and_the_availability_they_ask_about(commune, officer):
    lead = access_of(officer, commune)
    usual = [(day, kind) for day in range(6) for kind in ("morning", "afternoon")]
    assert selectors.availability_cells(commune) == usual  # asked before any slot exists
    assert services.slot_defaults_add(access=lead) == 2
    assert services.slot_defaults_add(access=lead) == 0  # each kind once
    assert SlotTemplate.objects.for_commune(commune).count() == 2
    SlotTemplate.objects.filter(kind="afternoon").update(is_active=False)
    SlotTemplate.objects.filter(kind="morning").update(weekdays=[5, 1])
    assert selectors.availability_cells(commune) == [(1, "morning"), (5, "morning")]
