"""Donations tests: a Vietnamese catalogue with this app's strings, until the lead merges them.

`vietnamese` compiles tools/translations/donations.py into a scratch locale directory
placed before locale/, so tests can read the screens and reasons as a ward officer does.
Once the strings are merged into locale/vi, the fixture changes nothing.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def vietnamese(tmp_path_factory, settings):
    mapping = runpy.run_path(str(ROOT / "tools" / "translations" / "donations.py"))["T"]
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "vi",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    for msgid, value in mapping.items():
        if isinstance(value, tuple):
            po.append(polib.POEntry(msgid=msgid, msgid_plural=msgid, msgstr_plural={0: value[0]}))
        else:
            po.append(polib.POEntry(msgid=msgid, msgstr=value))
    base = tmp_path_factory.mktemp("locale")
    target = base / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [base, *settings.LOCALE_PATHS]
    translation.activate("vi")
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests read refusals by their English msgids, so that they keep passing once
    the Vietnamese strings are merged; the tests that read Vietnamese ask for `vietnamese`."""
    translation.activate("en")
    yield
    translation.activate(settings.LANGUAGE_CODE)
