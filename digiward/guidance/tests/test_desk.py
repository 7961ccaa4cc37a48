"""The help-session log (milestones on the journey, scoping, bad input) and the desk queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.testing import client_in
from digiward.guidance import selectors, services
from digiward.guidance.models import HelpSession, QueueStatus, QueueTicket
from digiward.guidance.services import SessionInput
from digiward.guidance.tests.conftest import access_of
from digiward.procedures.models import Procedure
from digiward.registry.journey import MilestoneKind, MilestoneSource
from digiward.registry.models import Milestone
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(db):
    return Procedure.objects.create(
        slug="kich-hoat-vneid",
        name="Kích hoạt tài khoản định danh điện tử",
        field="civil_status",
        online_level="online_full",
        popularity=100,
    )


@pytest.fixture
def resident(commune):
    return ResidentFactory(commune=commune, full_name="Trần Văn Bảy", birth_year=1950)


def test_logging_for_a_resident_puts_the_milestones_on_the_journey(
    commune, volunteer, resident, procedure
):
    session, reached = services.help_session_log(
        access=access_of(volunteer, commune),
        data=SessionInput(
            outcome="done",
            minutes=12,
            helped_on=timezone.localdate(),
            resident_id=resident.pk,
            procedure_id=procedure.pk,
            milestones=["vneid_level1", "has_smartphone"],
            alone_next_time="with_help",
            dossier_code="G22.25-000123",
        ),
    )
    assert reached == 2
    milestones = Milestone.objects.filter(resident=resident).order_by("kind")
    assert {m.kind for m in milestones} == {"has_smartphone", "vneid_level1"}
    assert all(m.source == MilestoneSource.HELP_SESSION for m in milestones)
    assert all(m.source_ref == f"help_session:{session.pk}" for m in milestones)
    assert all(m.recorded_by == volunteer for m in milestones)
    resident.refresh_from_db()
    assert resident.journey_rung == 4  # VNeID level 1 is the 4th rung
    session.refresh_from_db()
    assert session.milestones_recorded and session.visitor_name == "" and session.age_band == ""
    # Logged again another day: the first date stands, nothing duplicated.
    _, again = services.help_session_log(
        access=access_of(volunteer, commune),
        data=SessionInput(
            outcome="done",
            minutes=5,
            helped_on=timezone.localdate(),
            resident_id=resident.pk,
            procedure_id=procedure.pk,
            milestones=["vneid_level1"],
        ),
    )
    assert again == 0 and Milestone.objects.filter(resident=resident).count() == 2


def test_a_resident_of_another_commune_is_refused_and_nothing_written(
    commune, other_commune, volunteer, procedure
):
    stranger = ResidentFactory(commune=other_commune, full_name="Người Xã Khác")
    with pytest.raises(DomainError) as caught:
        services.help_session_log(
            access=access_of(volunteer, commune),
            data=SessionInput(
                outcome="done",
                minutes=10,
                helped_on=timezone.localdate(),
                resident_id=stranger.pk,
                procedure_id=procedure.pk,
                milestones=["has_sim"],
            ),
        )
    assert commune.name in caught.value.message
    assert "Người Xã Khác" not in caught.value.message
    assert not HelpSession.objects.exists() and not Milestone.objects.exists()


def test_negative_minutes_are_refused_by_the_service(commune, volunteer, procedure):
    with pytest.raises(DomainError):
        services.help_session_log(
            access=access_of(volunteer, commune),
            data=SessionInput(
                outcome="done",
                minutes=-3,
                helped_on=timezone.localdate(),
                age_band="60-74",
                procedure_id=procedure.pk,
            ),
        )
    assert not HelpSession.objects.exists()


def test_the_phone_form_common_case_and_bad_input(commune, volunteer, procedure):
    client = client_in(volunteer, commune)
    client.cookies["digiward_language"] = "en"
    url = reverse("guidance:session_log")
    page = client.get(url)
    assert page.status_code == 200
    assert procedure.name in page.content.decode()  # the short list
    # Common case: an anonymous walk-in, an age, a procedure, Save (defaults: done, 10 min, desk).
    response = client.post(
        url,
        {
            "age_band": "60-74",
            "procedure": procedure.pk,
            "outcome": "done",
            "minutes": "10",
            "channel": "desk",
        },
    )
    assert response.status_code == 302
    session = HelpSession.objects.get()
    assert (session.age_band, session.outcome, session.minutes, session.channel) == (
        "60-74",
        "done",
        10,
        "desk",
    )
    assert session.helper == volunteer and session.resident is None

    # Negative minutes: the form says so, nothing is written.
    response = client.post(
        url,
        {
            "age_band": "60-74",
            "procedure": procedure.pk,
            "outcome": "done",
            "minutes": "-5",
            "channel": "desk",
        },
    )
    assert response.status_code == 200
    assert "Minutes cannot be negative." in str(response.context["form"].errors)
    assert HelpSession.objects.count() == 1
    # No person and no procedure.
    response = client.post(url, {"outcome": "done", "minutes": "10", "channel": "desk"})
    errors = response.context["form"].errors
    assert "procedure" in errors and "age_band" in errors
    assert HelpSession.objects.count() == 1


def test_another_communes_resident_through_the_form(commune, other_commune, volunteer, procedure):
    stranger = ResidentFactory(commune=other_commune)
    response = client_in(volunteer, commune).post(
        reverse("guidance:session_log"),
        {
            "resident": stranger.pk,
            "procedure": procedure.pk,
            "outcome": "done",
            "minutes": "10",
            "channel": "desk",
        },
    )
    assert response.status_code == 200
    assert "another commune" in str(response.context["form"].errors) or "xã" in str(
        response.context["form"].errors
    )
    assert not HelpSession.objects.exists()


def test_home_visit_and_phone_sessions(commune, volunteer, resident, procedure):
    for channel in ("home_visit", "phone"):
        services.help_session_log(
            access=access_of(volunteer, commune),
            data=SessionInput(
                outcome="partly",
                minutes=30,
                helped_on=timezone.localdate() - timedelta(days=1),
                channel=channel,
                resident_id=resident.pk,
                topic="Hỏi về trợ cấp",
            ),
        )
    assert set(HelpSession.objects.values_list("channel", flat=True)) == {"home_visit", "phone"}


def test_a_walk_in_linked_later_brings_the_milestones_to_the_journey(
    commune, volunteer, resident, procedure
):
    access = access_of(volunteer, commune)
    session, reached = services.help_session_log(
        access=access,
        data=SessionInput(
            outcome="done",
            minutes=15,
            helped_on=timezone.localdate(),
            age_band="60-74",
            sex="male",
            visitor_name="Bác Bảy",
            visitor_phone="0912345678",
            procedure_id=procedure.pk,
            milestones=["has_sim"],
        ),
    )
    assert reached == 0 and not Milestone.objects.exists()
    assert services.help_session_link(access=access, session=session, resident_id=resident.pk) == 1
    assert Milestone.objects.get().kind == MilestoneKind.HAS_SIM
    session.refresh_from_db()
    assert session.resident == resident and session.visitor_phone == ""
    with pytest.raises(DomainError):
        services.help_session_link(access=access, session=session, resident_id=resident.pk)


def test_queue_numbers_calls_and_times(commune, volunteer, procedure):
    access = access_of(volunteer, commune)
    first = services.ticket_take(access=access)
    second = services.ticket_take(access=access)
    assert (first.number, second.number) == (1, 2)
    called = services.queue_call_next(access=access, desk="2")
    assert called.pk == first.pk and called.status == QueueStatus.CALLED and called.desk == "2"
    assert called.waited_minutes == 0
    # Logging the session from the ticket closes it.
    services.help_session_log(
        access=access,
        data=SessionInput(
            outcome="done",
            minutes=10,
            helped_on=timezone.localdate(),
            age_band="18-39",
            procedure_id=procedure.pk,
            ticket_id=first.pk,
        ),
    )
    first.refresh_from_db()
    assert first.status == QueueStatus.SERVED and first.served_minutes == 0
    services.ticket_close(access=access, ticket=second, status=QueueStatus.NO_SHOW)
    assert services.queue_call_next(access=access) is None
    with pytest.raises(DomainError):
        services.ticket_close(access=access, ticket=second, status=QueueStatus.SERVED)
    # Numbers start again at 1 each day.
    QueueTicket.objects.update(issued_on=timezone.localdate() - timedelta(days=1))
    assert services.ticket_take(access=access).number == 1


def test_queue_screen_and_ticket_pages(commune, volunteer):
    client = client_in(volunteer, commune)
    client.post(reverse("guidance:ticket_take"))
    ticket = QueueTicket.objects.get()
    page = client.get(reverse("guidance:ticket_print", args=[ticket.pk]))
    assert "001" in page.content.decode()
    client.post(reverse("guidance:queue_call_next"), {"desk": "3"})
    screen = client.get(reverse("guidance:queue_screen"))
    assert "001" in screen.content.decode()
    partial = client.get(reverse("guidance:queue_screen"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()


def test_a_procedure_picked_from_search_survives_a_form_shown_again(commune, volunteer):
    """Issue 12: a procedure found by search (not on the short list) was lost when the form
    came back with an error, because the view looked for it in the short list itself."""
    for n in range(10):
        Procedure.objects.create(
            slug=f"pho-bien-{n}", name=f"Thủ tục phổ biến {n}", field="civil_status", popularity=500
        )
    rare = Procedure.objects.create(
        slug="hiem-gap", name="Thủ tục hiếm gặp", field="civil_status", popularity=1
    )
    response = client_in(volunteer, commune).post(
        reverse("guidance:session_log"),
        {"age_band": "60-74", "procedure": rare.pk, "outcome": "done", "minutes": "-5"},
    )
    assert response.status_code == 200
    assert rare not in response.context["procedures"]
    assert response.context["extra_procedure"] == rare
    html = response.content.decode()
    assert f'value="{rare.pk}" checked' in html and "Thủ tục hiếm gặp" in html


def test_a_procedure_of_another_commune_is_not_shown_back(commune, other_commune, volunteer):
    theirs = Procedure.objects.create(
        slug="rieng-xa-khac",
        name="Thủ tục riêng xã khác",
        field="civil_status",
        commune=other_commune,
    )
    response = client_in(volunteer, commune).post(
        reverse("guidance:session_log"),
        {"age_band": "60-74", "procedure": theirs.pk, "outcome": "done", "minutes": "-5"},
    )
    assert response.context["extra_procedure"] is None


# ---- The ticket: service, priority, a way back, hours (issue 12) ---------------------------


def test_a_ticket_names_the_service_and_who_has_priority(commune, volunteer):
    access = access_of(volunteer, commune)
    ticket = services.ticket_take(access=access, service="vneid", priority="elderly")
    assert (ticket.service, ticket.priority) == ("vneid", "elderly")
    plain = services.ticket_take(access=access)
    assert (plain.service, plain.priority) == ("other", "")
    with pytest.raises(DomainError):
        services.ticket_take(access=access, service="cooking")
    with pytest.raises(DomainError):
        services.ticket_take(access=access, priority="vip")
    assert QueueTicket.objects.count() == 2


def test_the_elderly_disabled_and_pregnant_are_called_first(commune, volunteer):
    """As at the service centers: priority numbers first, each group in number order."""
    access = access_of(volunteer, commune)
    first = services.ticket_take(access=access)
    pregnant = services.ticket_take(access=access, priority="pregnant")
    third = services.ticket_take(access=access)
    elderly = services.ticket_take(access=access, priority="elderly")
    disabled = services.ticket_take(access=access, priority="disability")
    called = [services.queue_call_next(access=access).pk for _ in range(5)]
    assert called == [pregnant.pk, elderly.pk, disabled.pk, first.pk, third.pk]
    state = selectors.queue_state(commune, timezone.localdate())
    assert state.waiting == []


def test_the_waiting_list_shows_the_order_they_will_be_called_in(commune, volunteer):
    access = access_of(volunteer, commune)
    first = services.ticket_take(access=access)
    elderly = services.ticket_take(access=access, priority="elderly")
    state = selectors.queue_state(commune, timezone.localdate())
    assert [t.pk for t in state.waiting] == [elderly.pk, first.pk]
    # The printed ticket counts who is before you in that order too.
    client = client_in(volunteer, commune)
    assert client.get(reverse("guidance:ticket_print", args=[first.pk])).context["ahead"] == 1
    assert client.get(reverse("guidance:ticket_print", args=[elderly.pk])).context["ahead"] == 0


def test_a_ticket_has_a_way_back(commune, volunteer):
    """A "did not come" pressed too early, or the wrong number called: back in the queue,
    with its number and its place; a served ticket stays served."""
    access = access_of(volunteer, commune)
    first = services.ticket_take(access=access)
    second = services.ticket_take(access=access)
    services.ticket_close(access=access, ticket=first, status=QueueStatus.NO_SHOW)
    back = services.ticket_requeue(access=access, ticket=first)
    assert (back.status, back.number, back.finished_at) == (QueueStatus.WAITING, 1, None)
    called = services.queue_call_next(access=access, desk="2")
    assert called.pk == first.pk, "it keeps its place before number 2"
    back = services.ticket_requeue(access=access, ticket=called)
    assert (back.status, back.called_at, back.desk, back.served_by) == (
        QueueStatus.WAITING,
        None,
        "",
        None,
    )
    services.ticket_close(access=access, ticket=second, status=QueueStatus.SERVED)
    with pytest.raises(DomainError):
        services.ticket_requeue(access=access, ticket=second)
    QueueTicket.objects.filter(pk=first.pk).update(
        issued_on=timezone.localdate() - timedelta(days=1), status=QueueStatus.NO_SHOW
    )
    with pytest.raises(DomainError):
        services.ticket_requeue(access=access, ticket=QueueTicket.objects.get(pk=first.pk))


def test_the_queue_screens_take_a_service_and_a_priority_and_go_back(
    commune, volunteer, other_commune
):
    client = client_in(volunteer, commune)
    client.cookies["digiward_language"] = "en"
    page = client.get(reverse("guidance:queue")).content.decode()
    assert 'name="service"' in page and 'name="priority"' in page
    response = client.post(
        reverse("guidance:ticket_take"), {"service": "online_service", "priority": "pregnant"}
    )
    ticket = QueueTicket.objects.get()
    assert response["Location"] == reverse("guidance:ticket_print", args=[ticket.pk])
    assert (ticket.service, ticket.priority) == ("online_service", "pregnant")
    printed = client.get(response["Location"]).content.decode()
    assert "An online public service" in printed and "Priority: pregnant woman" in printed
    # A bad choice is refused with a message; nothing is issued.
    client.post(reverse("guidance:ticket_take"), {"service": "nonsense"})
    assert QueueTicket.objects.count() == 1
    client.post(reverse("guidance:ticket_close", args=[ticket.pk]), {"status": "no_show"})
    response = client.post(reverse("guidance:ticket_requeue", args=[ticket.pk]))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == QueueStatus.WAITING
    panel = client.get(reverse("guidance:queue")).content.decode()
    assert "Priority: pregnant woman" in panel


def test_the_requeue_page_checks_role_and_commune(commune, other_commune, volunteer):
    from digiward.core.models import Role
    from digiward.core.testing import assert_view_access

    ticket = services.ticket_take(access=access_of(volunteer, commune))
    assert_view_access(
        url=reverse("guidance:ticket_requeue", args=[ticket.pk]),
        method="post",
        commune=commune,
        other_commune=other_commune,
        allowed={Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER},
        ok_status=302,
    )


def test_a_ticket_after_hours_does_not_open_a_new_hour_row(commune, volunteer):
    from datetime import datetime, time

    from digiward.guidance.tests.factories import SlotTemplateFactory

    SlotTemplateFactory(commune=commune, kind="morning", start=time(7), end=time(11, 30))
    SlotTemplateFactory(commune=commune, kind="afternoon", start=time(13, 30), end=time(17))
    access = access_of(volunteer, commune)
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    for hour, minute in ((8, 10), (8, 40), (18, 5), (6, 30)):
        ticket = services.ticket_take(access=access)
        ticket.issued_at = datetime.combine(today, time(hour, minute), tzinfo=zone)
        ticket.save()
    rows = selectors.queue_by_hour(commune)
    hours = [row.hour for row in rows]
    assert hours == [7, 8, 9, 10, 11, 13, 14, 15, 16, None], "the opening hours, then outside"
    assert {row.hour: row.tickets for row in rows}[8] == 2
    assert rows[-1].tickets == 2, "18:05 and 6:30 share the one row outside opening hours"
    client = client_in(volunteer, commune)
    client.cookies["digiward_language"] = "en"
    page = client.get(reverse("guidance:queue")).content.decode()
    assert "Outside opening hours" in page and "18:00" not in page
