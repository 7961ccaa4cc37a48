from itertools import product

import pytest
from django.db import models
from django.utils import translation

from digiward.core.workflow import Workflow, WrongTransition


class Light(models.TextChoices):
    RED = "red", "Đỏ"
    GREEN = "green", "Xanh"
    BROKEN = "broken", "Hỏng"


TABLE = {
    Light.RED: frozenset({Light.GREEN, Light.BROKEN}),
    Light.GREEN: frozenset({Light.RED, Light.BROKEN}),
    Light.BROKEN: frozenset(),
}
LIGHTS = Workflow(statuses=Light, allowed=TABLE)


@pytest.mark.parametrize(("current", "target"), list(product(Light.values, repeat=2)))
def test_every_pair_is_allowed_exactly_when_the_table_says(current, target):
    allowed = target in TABLE[Light(current)]
    assert LIGHTS.can(current, target) is allowed
    if allowed:
        LIGHTS.guard(current, target)
    else:
        with pytest.raises(WrongTransition) as refused:
            LIGHTS.guard(current, target)
        assert Light(current).label in refused.value.message


@translation.override("en")
def test_messages_say_whether_the_object_is_final_or_already_there():
    with pytest.raises(WrongTransition, match="nothing more can change"):
        LIGHTS.guard(Light.BROKEN, Light.RED)
    with pytest.raises(WrongTransition, match="already “Đỏ”"):
        LIGHTS.guard(Light.RED, Light.RED)
    assert LIGHTS.final == {Light.BROKEN}


@translation.override("en")
def test_an_action_may_start_from_fewer_statuses_than_the_table_allows():
    LIGHTS.guard_from(Light.RED, {Light.RED}, Light.GREEN)
    with pytest.raises(WrongTransition, match="“Xanh” cannot become “Hỏng”"):
        LIGHTS.guard_from(Light.GREEN, {Light.RED}, Light.BROKEN)


def test_a_table_that_misses_a_status_is_refused_when_written():
    with pytest.raises(ValueError, match="does not match Light"):
        Workflow(statuses=Light, allowed={Light.RED: frozenset({Light.GREEN})})
