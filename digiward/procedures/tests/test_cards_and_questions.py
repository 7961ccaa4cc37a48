"""Every seeded guide's printed card, and search quality on the way people ask (issue 12)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation

from digiward.procedures.cards import guide_card_document
from digiward.procedures.models import Guide
from digiward.procedures.search_questions import QUESTIONS
from digiward.procedures.selectors import reset_search_index, search_procedures


@pytest.fixture
def catalog(db):
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    yield
    reset_search_index()


def _text(page) -> str:
    return " ".join(box.text for box in page._page_box.descendants() if getattr(box, "text", None))


def test_every_a5_card_is_one_sheet_or_keeps_what_to_bring_on_the_first(catalog):
    guides = list(
        Guide.objects.filter(current__isnull=False).select_related("procedure", "current")
    )
    assert len(guides) >= 60
    sheets = {}
    with translation.override("vi"):
        for guide in guides:
            pages = guide_card_document(guide, public_url=f"https://x.vn/g/{guide.slug}").pages
            first = _text(pages[0])
            sheets[guide.slug] = len(pages)
            # The first page is never a lone header: the papers and the first step are on it.
            if guide.current.display_bring:
                assert "Cần mang theo" in first, guide.slug
            first_step = guide.current.localized_steps[0]["text"].replace("**", "").split()
            assert "".join(first_step[:3]) in first.replace(" ", ""), guide.slug
    # Short guides fit one sheet; the longest (ten steps and more) take its back too.
    assert max(sheets.values()) <= 2, sheets
    assert sum(n == 1 for n in sheets.values()) >= len(guides) // 2, sheets


def test_people_who_ask_in_their_own_words_find_the_guide_in_the_top_three(catalog):
    misses = []
    for question, expected in QUESTIONS:
        found = [p.guide_slug for p in search_procedures(question, commune=None, limit=3)]
        if (expected is None and found) or (expected is not None and expected not in found):
            misses.append((question, expected, found))
    hit_rate = 1 - len(misses) / len(QUESTIONS)
    assert len(QUESTIONS) >= 80
    assert hit_rate >= 0.95, misses
