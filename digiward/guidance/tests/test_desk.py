"""The help-session log (milestones on the journey, scoping, bad input) and the desk queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.errors import DomainError
from digiward.core.testing import client_in
from digiward.guidance import services
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
