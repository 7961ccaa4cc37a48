"""Every public page, as an anonymous visitor: hostile query strings, hostile forms (the
help-at-home form, the status lookup, the sign-in page) and hostile path segments never
make a 500, and a refused form writes nothing.

Same machinery as tests/test_fuzz_staff.py: the tour reads each page (its forms, links and
the keys its view reads), each example sends every page something a person could have
sent with some values made hostile, each request in a savepoint rolled back. The public
commune is the personas' one (31135) with the national catalog loaded.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from digiward.homecare.models import HomeSupportRequest
from tests import fuzzing
from tests.test_url_coverage import routes
from tests.worlds import public_urls

pytestmark = pytest.mark.django_db

GET_EXAMPLES = 10
POST_EXAMPLES = 25
# Made on each request (a PDF): fuzzed in one example out of four.
EXPENSIVE = {"public:guide_card"}


def public_names() -> set[str]:
    return {r.name for r in routes() if r.name and r.name.startswith("public:")} | {"login"}


GOOD_HELP_REQUEST = {
    "requester_relation": "relative",
    "person_name": "Nguyễn Thị Năm",
    "requester_name": "Lê Văn Con",
    "phone": "0912 345 678",
    "address": "12 Trần Hưng Đạo",
    "procedure_other": "Chứng thực",
    "reason": "elderly",
    "preferred_times": "Buổi sáng",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def public_tour(public_site, commune):
    """The tour, with a valid help request and a real tracking code added to what the
    empty forms offer, so hostile values also land next to valid ones."""
    from digiward.homecare.tests.factories import RequestFactory

    known = RequestFactory(commune=commune, requester_phone="0912345678")
    urls = {**public_urls(public_site), "login": reverse("login")}
    client = Client()
    plan = fuzzing.build_tour(client, urls, public_names())
    extra = {
        "public:help_at_home": {k: [v] for k, v in GOOD_HELP_REQUEST.items()},
        "public:status": {"code": [known.tracking_code], "phone_last4": ["5678"]},
        "login": {"username": ["mai"], "password": ["sai-mat-khau"], "next": ["/app/"]},
    }
    for target in plan.posts.values():
        if target.name in extra:
            target.baselines.append(extra[target.name])
    plan.counts = fuzzing.row_counts()
    return client, plan


def test_the_tour_finds_the_public_forms(public_tour):
    _client, plan = public_tour
    posts = {t.name for t in plan.posts.values()}
    assert {"public:help_at_home", "public:status", "login"} <= posts
    help_form = next(t for t in plan.posts.values() if t.name == "public:help_at_home")
    assert {"person_name", "phone", "address", "consent", "website"} <= help_form.keys


@settings(fuzzing.FUZZ, max_examples=GET_EXAMPLES)
@given(data=st.data())
def test_public_pages_answer_any_query_without_an_error(public_tour, data):
    client, plan = public_tour
    for target in plan.gets.values():
        if target.name in EXPENSIVE and data.draw(st.integers(0, 3), label="pdf") != 0:
            continue
        baseline = data.draw(st.sampled_from(target.baselines), label="baseline")
        query = data.draw(
            fuzzing.mutations(baseline, target.keys, keep=fuzzing.known_holes(target.name)),
            label=target.path,
        )
        with fuzzing.rolled_back():
            response = client.get(target.path, fuzzing.flat(query))
        assert response.status_code < 500, (target.path, fuzzing.example_of(query))


@settings(fuzzing.FUZZ, max_examples=POST_EXAMPLES)
@given(data=st.data())
def test_public_forms_refuse_hostile_data_without_writing(public_tour, data):
    client, plan = public_tour
    for target in plan.posts.values():
        baseline = data.draw(st.sampled_from(target.baselines), label="baseline")
        form = data.draw(
            fuzzing.mutations(baseline, target.keys, keep=fuzzing.known_holes(target.name)),
            label=target.path,
        )
        ip = data.draw(st.ip_addresses(v=4).map(str), label="ip")
        with fuzzing.rolled_back():
            response = client.post(target.path, fuzzing.flat(form), REMOTE_ADDR=ip)
            assert response.status_code < 500, (target.path, fuzzing.example_of(form))
            if fuzzing.refused(response):
                moved = fuzzing.changed(plan.counts, fuzzing.row_counts())
                assert not moved, (target.path, response.status_code, moved)


@settings(fuzzing.FUZZ, max_examples=40)
@given(segment=fuzzing.values)
def test_any_path_segment_is_answered_not_an_error(public_site, segment):
    client = Client()
    for prefix in ("/huong-dan/", "/huong-dan/anh/", "/ngon-ngu/", "/app/procedures/guides/"):
        path = prefix + quote(segment[:2000], safe="") + "/"
        assert client.get(path).status_code < 500, path


def test_a_valid_help_request_is_written_and_a_refused_one_is_not(public_tour):
    """The fuzz compares row counts only on refusals; this proves both sides once."""
    client, plan = public_tour
    target = next(t for t in plan.posts.values() if t.name == "public:help_at_home")
    good = GOOD_HELP_REQUEST
    refused = client.post(target.path, {**good, "phone": "9" * 400})
    assert fuzzing.refused(refused)
    assert not fuzzing.changed(plan.counts, fuzzing.row_counts())
    accepted = client.post(target.path, good)
    assert accepted.status_code == 302 and not fuzzing.refused(accepted)
    assert HomeSupportRequest.objects.filter(person_name="Nguyễn Thị Năm").exists()


def test_a_public_path_with_a_control_character_is_not_found(public_site):
    client = Client()
    for url in public_urls(public_site).values():
        path = url.split("?")[0]
        for char in ("\x00", "\x1b", "\x7f", "\u202e", "\ufeff"):
            for bad in (f"{path.rstrip('/')}{quote(char)}/", f"{path}{quote(char)}x/"):
                assert client.get(bad).status_code == 404, bad
