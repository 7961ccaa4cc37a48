"""Fixtures of the registry's tests (the privacy tests use them).

`vietnamese` compiles tools/translations/privacy.py into a scratch locale directory placed
before locale/, so tests can read the pages as a ward officer does before the lead merges
the strings; once merged, it changes nothing. `private_storage` keeps files in the test's
own directory.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def vietnamese(tmp_path_factory, settings):
    mapping = runpy.run_path(str(ROOT / "tools" / "translations" / "privacy.py"))["T"]
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


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"
