"""Fixtures of the registry's tests (the privacy tests use them).

`private_storage` keeps files in the test's own directory (`vietnamese` is in the root
conftest).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings


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
