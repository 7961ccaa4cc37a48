"""The swap workflow: every pair of statuses in the table, and every move through the services."""

from __future__ import annotations

import itertools

import pytest
from django.utils.translation import gettext as _

from digiward.core.models import AuditEvent
from digiward.core.workflow import WrongTransition
from digiward.guidance import services
from digiward.guidance.models import SwapKind, SwapRequest, SwapStatus
from digiward.guidance.tests.conftest import access_of
from digiward.guidance.workflow import ALLOWED, PENDING, SWAP

pytestmark = pytest.mark.django_db

S = SwapStatus
EVERY_MOVE = list(itertools.product(S.values, S.values))


def test_the_table_covers_every_status_and_final_ones_go_nowhere():
    assert set(ALLOWED) == set(S.values)
    assert {S.APPROVED, S.REJECTED, S.CANCELLED} == SWAP.final
    assert {S.OPEN, S.ACCEPTED} == PENDING


def _sentence(current: str, target: str) -> str:
    if current in SWAP.final:
        return _("This request is already decided.")
    if current == target:
        return _("This request is no longer open.")
    return _("Only a request a colleague has accepted can be approved.")


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE)
def test_the_guard_refuses_every_move_the_table_does_not_list(current, target):
    allowed = target in ALLOWED[current]
    assert SWAP.can(current, target) is allowed
    if allowed:
        SWAP.guard(current, target)  # no error
        return
    with pytest.raises(WrongTransition) as refused:
        SWAP.guard(current, target)
    assert refused.value.message == _sentence(current, target)  # in the member's words


def audit_of(swap):
    return AuditEvent.objects.filter(object_type="guidance.swaprequest", object_id=str(swap.pk))


# Each service and the status it moves a request to.
ACTIONS = {
    "accept": S.ACCEPTED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "cancel": S.CANCELLED,
}


@pytest.fixture
def swap_in(commune, member_thu, member_khang, shift_factory, seat, future_day):
    """Thư's stand-in request for a future shift, in a given status (Khang accepted it)."""

    def make(status):
        return SwapRequest.objects.create(
            commune=commune,
            assignment=seat(shift_factory(future_day), member_thu),
            requester=member_thu,
            kind=SwapKind.STAND_IN,
            status=status,
            accepted_by=None if status == S.OPEN else member_khang,
        )

    return make


@pytest.fixture
def act(commune, officer, volunteer, member_khang):
    """Each action done by the person who may: Khang accepts, the lead decides, Thư withdraws."""
    lead = access_of(officer, commune)
    calls = {
        "accept": lambda swap: services.swap_accept(
            access=access_of(member_khang.user, commune), swap=swap
        ),
        "approve": lambda swap: services.swap_approve(access=lead, swap=swap),
        "reject": lambda swap: services.swap_reject(access=lead, swap=swap),
        "cancel": lambda swap: services.swap_cancel(
            access=access_of(volunteer, commune), swap=swap
        ),
    }
    return lambda action, swap: calls[action](swap)


@pytest.mark.parametrize(("start", "action"), list(itertools.product(S.values, ACTIONS)))
def test_every_service_moves_only_the_way_the_table_allows(swap_in, act, start, action):
    swap = swap_in(start)
    target = ACTIONS[action]
    if target in ALLOWED[start]:
        act(action, swap)
        assert SwapRequest.objects.get(pk=swap.pk).status == target
        assert audit_of(swap).filter(changes__status=[start, target]).exists()
        return
    with pytest.raises(WrongTransition) as refused:
        act(action, swap)
    assert refused.value.message == _sentence(start, target)
    assert SwapRequest.objects.get(pk=swap.pk).status == start
    assert not audit_of(swap).exists()
