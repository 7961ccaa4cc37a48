"""Donations tests read refusals by their English msgids; those that read a screen or a
reason as a ward officer does ask for `vietnamese` (the project's conftest: locale/vi)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests read refusals by their English msgids, so that a corrected Vietnamese
    wording in locale/vi never breaks them; the tests that read Vietnamese ask for
    `vietnamese`."""
    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)
