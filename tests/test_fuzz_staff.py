"""Every staff page, signed in as the commune administrator: hostile query strings and
hostile form data never make a 500, and a refused form writes nothing.

For each app, a small world (tests/worlds.py) gives every URL real object ids. The tour
first reads each page as a person would see it: the forms it offers (their fields and
values), the links and htmx requests (their query keys); the keys a view reads from
request.GET / request.POST in its source are added. Then each example of a test sends,
to every page, the query string or form a person could have sent with some values
replaced by hostile ones (tests/fuzzing.py), through the test client, so the middleware
(CleanInputMiddleware, RequestSizeLimitMiddleware) is part of what is tested.

Every request runs in a savepoint that is rolled back: each example sees the same world,
a POST that worked does not hide the next one. "Refused" is an error status, the page
again with its form's errors, or a redirect carrying only an error message; then the row
counts of every table of our apps (except the logs, see tests/fuzzing.py) must not move.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from digiward.core.testing import client_in
from tests import fuzzing
from tests.test_url_coverage import allow_reason, routes

pytestmark = pytest.mark.django_db

# --- The URL table: every staff URL with the world's ids it takes --------------------------
# Grouped by the world that has the objects; test_every_staff_url_is_in_the_fuzz_table
# fails for a staff URL missing here.
STAFF_URLS: dict[str, dict[str, list[str]]] = {
    "core": {
        "reports:home": [],
        "reports:dashboard": [],
        "reports:dashboard_people": [],
        "reports:monthly_report": [],
        "api:tokens": [],
        "core:member_list": [],
        "core:member_add": [],
        "core:member_detail": ["member"],
        "core:membership_revoke": ["membership"],
        "core:invitation_withdraw": ["invitation"],
        "core:audit_log": [],
        "core:audit_export": [],
        "core:job_list": [],
        "core:job_detail": ["job"],
        "core:job_download": ["job"],
        "core:job_rerun": ["job"],
        "core:commune_settings": [],
    },
    "registry": {
        "registry:home": [],
        "registry:household_list": [],
        "registry:household_add": [],
        "registry:household_detail": ["household"],
        "registry:household_edit": ["household"],
        "registry:resident_add": [],
        "registry:resident_validate": [],
        "registry:resident_detail": ["resident"],
        "registry:resident_edit": ["resident"],
        "registry:resident_status": ["resident"],
        "registry:citizen_id_reveal": ["resident"],
        "registry:milestone_add": ["resident"],
        "registry:milestone_remove": ["resident", "milestone"],
        "registry:resident_export": ["resident"],
        "registry:resident_anonymise": ["resident"],
        "registry:journey": [],
        "registry:import": [],
        "registry:import_confirm": ["preview"],
        "registry:export": [],
        "registry:settings": [],
    },
    "procedures": {
        "procedures:catalog": [],
        "procedures:detail": ["procedure"],
        "procedures:procedure_add": [],
        "procedures:procedure_edit": ["procedure"],
        "procedures:guide_edit": ["guide"],
        "procedures:guide_picture": ["guide"],
        "procedures:picture_file": ["picture"],
        "procedures:guide_versions": ["guide"],
    },
    "homecare": {
        "homecare:request_list": [],
        "homecare:request_create": [],
        "homecare:deadlines": [],
        "homecare:request_detail": ["request"],
        "homecare:request_edit": ["request"],
        "homecare:request_link": ["request"],
        "homecare:request_eligibility": ["waiting"],
        "homecare:request_decide": ["request", "action"],
        "homecare:request_book": ["waiting"],
        "homecare:request_checklist": ["request"],
        "homecare:plan_today": [],
        "homecare:plan_detail": ["day"],
        "homecare:plan_run": ["day"],
        "homecare:route_sheet": ["day", "route"],
        "homecare:route_pdf": ["day", "route"],
        "homecare:route_lock": ["day", "route"],
        "homecare:visit_move": ["visit"],
        "homecare:visit_reorder": ["visit"],
        "homecare:visit_unschedule": ["visit"],
        "homecare:my_visits": [],
        "homecare:companion_visits": [],
        "homecare:visit_detail": ["visit"],
        "homecare:visit_arrive": ["visit"],
        "homecare:visit_leave": ["visit"],
        "homecare:visit_authorization": ["visit"],
        "homecare:visit_photo_add": ["visit"],
        "homecare:photo_view": ["photo"],
        "homecare:authorization_list": [],
        "homecare:officer_list": [],
        "homecare:officer_edit": ["profile"],
        "homecare:leave_add": ["profile"],
        "homecare:leave_remove": ["leave"],
        "homecare:settings": [],
        "homecare:procedure_list": [],
        "homecare:procedure_edit": ["hc_procedure"],
    },
    "guidance": {
        "guidance:home": [],
        "guidance:roster": [],
        "guidance:roster_month": ["year", "month"],
        "guidance:roster_generate": [],
        "guidance:roster_publish": ["roster"],
        "guidance:shift_detail": ["shift"],
        "guidance:assignment_add": ["shift"],
        "guidance:assignment_remove": ["seat"],
        "guidance:attendance_set": ["seat"],
        "guidance:swap_request": ["seat"],
        "guidance:my_shifts": [],
        "guidance:swap_list": [],
        "guidance:swap_accept": ["swap"],
        "guidance:swap_cancel": ["swap"],
        "guidance:swap_decide": ["swap"],
        "guidance:team": [],
        "guidance:member_add": [],
        "guidance:member_detail": ["team_member"],
        "guidance:absence_add": ["team_member"],
        "guidance:absence_remove": ["absence"],
        "guidance:slot_list": [],
        "guidance:slot_add": [],
        "guidance:slot_defaults": [],
        "guidance:slot_edit": ["template"],
        "guidance:session_log": [],
        "guidance:session_residents": [],
        "guidance:session_procedures": [],
        "guidance:session_list": [],
        "guidance:session_link": ["session"],
        "guidance:queue": [],
        "guidance:ticket_take": [],
        "guidance:queue_call_next": [],
        "guidance:queue_screen": [],
        "guidance:ticket_print": ["ticket"],
        "guidance:ticket_close": ["ticket"],
        "guidance:ticket_requeue": ["ticket"],
    },
    "donations": {
        "donations:campaign_list": [],
        "donations:campaign_create": [],
        "donations:campaign_detail": ["campaign"],
        "donations:campaign_edit": ["campaign"],
        "donations:campaign_status": ["campaign"],
        "donations:pledge_add": ["campaign"],
        "donations:campaign_rules": ["campaign"],
        "donations:item_list": ["campaign"],
        "donations:item_receive": ["campaign"],
        "donations:item_return": ["item"],
        "donations:item_repaired": ["spare_item"],
        "donations:ranking_start": ["campaign"],
        "donations:list": ["campaign"],
        "donations:list_export": ["campaign"],
        "donations:list_change": ["campaign"],
        "donations:campaign_household": ["campaign", "handed_household"],
        "donations:handover_create": ["campaign", "waiting_household"],
        "donations:allocation_cancel": ["allocation"],
        "donations:handover_list": ["campaign"],
        "donations:ceremony_minutes": ["campaign"],
        "donations:handover_detail": ["handover"],
        "donations:handover_minutes": ["handover"],
        "donations:follow_up_list": [],
        "donations:follow_up_record": ["follow_up"],
        "donations:sponsor_list": [],
        "donations:sponsor_create": [],
        "donations:sponsor_edit": ["sponsor"],
        "donations:sponsor_contact_add": ["sponsor"],
        "donations:sponsor_contact_remove": ["contact"],
        "donations:policy_list": [],
        "donations:report_list": [],
        "donations:report": ["campaign"],
        "donations:report_pdf": ["campaign"],
        "donations:report_xlsx": ["campaign"],
    },
    "learning": {
        "learning:frameworks": [],
        "learning:framework": ["framework"],
        "learning:framework_copy": ["shared_framework"],
        "learning:competence_edit": ["competence"],
        "learning:certificates": [],
        "learning:certificate_issue": [],
        "learning:certificate_ready": [],
        "learning:certificate": ["certificate"],
        "learning:certificate_pdf": ["certificate"],
        "learning:certificate_revoke": ["certificate"],
        "learning:lessons": [],
        "learning:lesson": ["lesson"],
        "learning:quizzes": [],
        "learning:quiz_import": [],
        "learning:quiz": ["quiz"],
        "learning:quiz_submit": ["quiz"],
        "learning:attempts": [],
        "learning:attempt": ["attempt"],
        "learning:my_progress": [],
        "learning:people": [],
        "learning:resident_progress": ["resident"],
        "learning:resident_evidence": ["resident"],
        "learning:member_progress": ["member"],
        "learning:member_evidence": ["member"],
        "learning:classes": [],
        "learning:class_create": [],
        "learning:class": ["learning_class"],
        "learning:class_edit": ["learning_class"],
        "learning:participant_add": ["learning_class"],
        "learning:attendance": ["learning_class", "participant"],
        "learning:report": [],
        "learning:report_xlsx": [],
    },
    "messaging": {
        "messaging:outbox": [],
        "messaging:message_detail": ["outbox_message"],
        "messaging:settings": [],
        "messaging:opt_out": [],
    },
}
# Query strings some pages need to show anything: name → {parameter: world key}.
QUERIES = {
    "donations:ceremony_minutes": {"date": "handed_on"},
    "homecare:my_visits": {"day": "day"},
    "homecare:companion_visits": {"day": "day"},
}
# More pages read for the forms they offer (not fuzzed as pages of their own).
EXTRA_PAGES = {
    "homecare": [("homecare:request_detail", ["waiting"])],  # booking, eligibility
    "donations": [("donations:campaign_household", ["campaign", "waiting_household"])],
}
# Documents made on each request (PDF, Excel): fuzzed in one example out of four.
EXPENSIVE = {
    "homecare:route_pdf",
    "donations:ceremony_minutes",
    "donations:handover_minutes",
    "donations:report_pdf",
    "donations:report_xlsx",
    "learning:certificate_pdf",
    "learning:report_xlsx",
}
WORLD = {
    "core": "core_objects",
    "registry": "registry_objects",
    "procedures": "procedure_objects",
    "homecare": "homecare_objects",
    "guidance": "guidance_objects",
    "donations": "donation_objects",
    "learning": "learning_objects",
    "messaging": "messaging_objects",
}
GET_EXAMPLES = 5

POST_EXAMPLES = 10


def staff_names() -> set[str]:
    return {r.name for r in routes() if r.name and allow_reason(r.name) is None}


def test_every_staff_url_is_in_the_fuzz_table():
    table = {name for urls in STAFF_URLS.values() for name in urls}
    assert staff_names() - table == set(), "add the new staff URL to STAFF_URLS"
    assert table - staff_names() == set(), "STAFF_URLS names URLs that no longer exist"


def world_urls(app: str, objects: dict) -> dict[str, str]:
    urls = {}
    for name, keys in STAFF_URLS[app].items():
        url = reverse(name, args=[objects[k] for k in keys])
        if name in QUERIES:
            url += "?" + "&".join(f"{p}={objects[k]}" for p, k in QUERIES[name].items())
        urls[name] = url
    for name, keys in EXTRA_PAGES.get(app, []):
        urls[f"{name} ({', '.join(keys)})"] = reverse(name, args=[objects[k] for k in keys])
    return urls


@pytest.fixture(params=sorted(STAFF_URLS))
def tour(request, commune, admin):
    app = request.param
    objects = request.getfixturevalue(WORLD[app])
    client = client_in(admin, commune)
    return client, fuzzing.build_tour(client, world_urls(app, objects), staff_names())


# --- The tests -----------------------------------------------------------------------------
@settings(fuzzing.FUZZ, max_examples=GET_EXAMPLES)
@given(data=st.data())
def test_staff_pages_answer_any_query_without_an_error(tour, data):
    client, plan = tour
    for target in plan.gets.values():
        if target.name in EXPENSIVE and data.draw(st.integers(0, 3), label="pdf") != 0:
            continue
        baseline = data.draw(st.sampled_from(target.baselines), label="baseline")
        query = data.draw(
            fuzzing.mutations(baseline, target.keys, keep=fuzzing.known_holes(target.name)),
            label=target.path,
        )
        headers = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans(), label="htmx") else {}
        with fuzzing.rolled_back():
            response = client.get(target.path, fuzzing.flat(query), **headers)
        assert response.status_code < 500, (target.path, fuzzing.example_of(query))


@settings(fuzzing.FUZZ, max_examples=POST_EXAMPLES)
@given(data=st.data())
def test_staff_forms_refuse_hostile_data_without_writing(tour, data):
    client, plan = tour
    for target in plan.posts.values():
        baseline = data.draw(st.sampled_from(target.baselines), label="baseline")
        form = data.draw(
            fuzzing.mutations(baseline, target.keys, keep=fuzzing.known_holes(target.name)),
            label=target.path,
        )
        files = fuzzing.upload_files(data.draw, target.files) if target.files else {}
        with fuzzing.rolled_back():
            response = client.post(target.path, {**fuzzing.flat(form), **files})
            assert response.status_code < 500, (target.path, fuzzing.example_of(form))
            if fuzzing.refused(response):
                moved = fuzzing.changed(plan.counts, fuzzing.row_counts())
                assert not moved, (
                    target.path,
                    response.status_code,
                    moved,
                    fuzzing.example_of(form),
                )


# --- Paths with control characters ---------------------------------------------------------
@pytest.mark.parametrize("app", sorted(STAFF_URLS))
def test_a_staff_path_with_a_control_character_is_not_found(app, request, commune, admin):
    objects = request.getfixturevalue(WORLD[app])
    client = client_in(admin, commune)
    for url in world_urls(app, objects).values():
        path = fuzzing.bare(url).rstrip("/")
        for char in ("\x00", "\x1b", "\x7f", "\u202e"):
            bad = f"{path}{quote(char)}/"
            assert client.get(bad).status_code == 404, bad
