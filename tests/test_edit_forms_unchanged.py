"""Every edit form of the project, sent back exactly as the page showed it, is accepted.

A person who opens "Sửa" and presses "Lưu" without touching anything must not be refused:
that is what a form pre-filled with the wrong value does (issue 12: the household field of
a resident showed the database number "10" instead of the household code "NK00010", so
saving any resident unchanged failed). The tour of tests/fuzzing.py reads each page as the
administrator sees it, with the values its forms carry; here each edit page's own form is
posted back as is, in a savepoint that is rolled back.
"""

from __future__ import annotations

import pytest

from digiward.core.testing import client_in
from tests import fuzzing
from tests.test_fuzz_staff import STAFF_URLS, WORLD, staff_names, world_urls

pytestmark = pytest.mark.django_db

# The pages that show a saved object's values in a form to change them.
EDIT_PAGES = sorted(
    name
    for urls in STAFF_URLS.values()
    for name in urls
    if name.endswith("_edit") or name in {"homecare:settings", "messaging:settings"}
)


def test_the_table_of_edit_pages_is_not_empty():
    # Guards the filter above: a rename of every edit URL would otherwise test nothing.
    assert len(EDIT_PAGES) >= 10, EDIT_PAGES


@pytest.mark.parametrize("app", sorted(STAFF_URLS))
def test_an_edit_form_saved_unchanged_is_accepted(app, request, commune, admin):
    objects = request.getfixturevalue(WORLD[app])
    client = client_in(admin, commune)
    urls = {name: url for name, url in world_urls(app, objects).items() if name in EDIT_PAGES}
    plan = fuzzing.build_tour(client, urls, staff_names())
    checked = 0
    for name, url in urls.items():
        target = plan.posts.get(fuzzing.bare(url))
        assert target is not None and target.baselines != [{}], f"{name}: no form found"
        as_shown = target.baselines[0]  # the page's own form, first in the page
        with fuzzing.rolled_back():
            response = client.post(fuzzing.bare(url), fuzzing.flat(as_shown))
            errors = [form.errors for form in fuzzing.bound_forms_with_errors(response)]
            assert response.status_code == 302 and not fuzzing.refused(response), (
                name,
                response.status_code,
                errors,
                fuzzing.example_of(as_shown),
            )
        checked += 1
    assert checked == len(urls)
