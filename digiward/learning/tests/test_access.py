"""Who may open the lessons, quizzes and progress pages (quiz pages and a resident's
progress have theirs in test_quizzes.py and test_evidence.py)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from digiward.core.access import access_for
from digiward.core.models import Role
from digiward.core.testing import assert_view_access
from digiward.learning.models import Framework
from digiward.learning.seed import lessons_load, quiz_files
from digiward.learning.services import attempt_submit, quiz_import_gift
from digiward.registry.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

STAFF = [Role.COMMUNE_ADMIN, Role.OFFICER, Role.VOLUNTEER]


def test_lists_and_one_s_own_pages_are_for_every_member(frameworks, commune, other_commune):
    lessons_load()
    for url in (
        reverse("learning:lessons"),
        reverse("learning:lesson", args=["dang-ky-vneid-muc-1"]),
        reverse("learning:quizzes"),
        reverse("learning:attempts"),
        reverse("learning:my_progress"),
        reverse("learning:people"),
    ):
        # Lessons are shipped for every commune; the rest is the viewer's own commune's.
        assert_view_access(
            url=url, commune=commune, other_commune=other_commune, allowed=STAFF, scoped=False
        )
    assert_view_access(
        url=reverse("learning:quiz_import"),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN],
        scoped=False,
    )


def test_an_attempt_is_for_its_learner_helper_and_the_officers(
    frameworks, commune, other_commune, admin
):
    access = access_for(admin, commune)
    quiz = quiz_import_gift(
        access=access, text=quiz_files()[0].read_text(encoding="utf-8"), title="Q", pass_mark=70
    )
    attempt = attempt_submit(
        access=access,
        quiz=quiz,
        key=uuid.uuid4(),
        answers={},
        resident=ResidentFactory(commune=commune),
    ).attempt
    assert_view_access(
        url=reverse("learning:attempt", args=[attempt.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        hidden_from=[Role.VOLUNTEER],  # neither theirs nor helped with
    )


def test_an_officials_progress_and_recording_it(frameworks, commune, other_commune, officer):
    essentials = Framework.objects.get(code="DW-ESSENTIALS", commune=None)
    assert_view_access(
        url=reverse("learning:member_progress", args=[officer.pk]),
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        hidden_from=[Role.VOLUNTEER],
    )
    data = {
        "competence": essentials.competences.get(code="AT.1").pk,
        "level": "1",
        "kind": "observed",
        "achieved_on": timezone.localdate().isoformat(),
    }
    assert_view_access(
        url=reverse("learning:member_evidence", args=[officer.pk]),
        method="post",
        data=data,
        commune=commune,
        other_commune=other_commune,
        allowed=[Role.COMMUNE_ADMIN, Role.OFFICER],
        hidden_from=[Role.VOLUNTEER],
        ok_status=302,
    )
    resident = ResidentFactory(commune=commune)
    assert_view_access(
        url=reverse("learning:resident_evidence", args=[resident.pk]),
        method="post",
        data=data,
        commune=commune,
        other_commune=other_commune,
        allowed=STAFF,
        ok_status=302,
    )
