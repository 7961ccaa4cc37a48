"""Fixtures of the guard-rail tests (access tables and fuzzing): the worlds of tests/worlds.py
on top of the personas of the root conftest.py. Nothing here is autouse, so the other
tests in this folder are not touched."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from digiward.procedures.selectors import reset_search_index
from digiward.public import views as public_views
from tests import worlds


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploaded and produced files go to this test's own directory."""
    settings.STORAGES = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def core_objects(commune, admin, officer, private_storage):
    return worlds.core_world(commune, admin, officer)


@pytest.fixture
def registry_objects(commune, officer):
    return worlds.registry_world(commune, officer)


@pytest.fixture
def procedure_objects(commune, admin, private_storage):
    return worlds.procedures_world(commune, admin)


@pytest.fixture
def homecare_objects(commune, admin, officer, volunteer, private_storage):
    return worlds.homecare_world(commune, admin, officer, volunteer)


@pytest.fixture
def guidance_objects(commune, volunteer):
    return worlds.guidance_world(commune, volunteer)


@pytest.fixture
def donation_objects(commune, officer, sponsor):
    return worlds.donations_world(commune, officer, sponsor)


@pytest.fixture
def learning_objects(commune, admin):
    return worlds.learning_world(commune, admin)


@pytest.fixture
def messaging_objects(commune):
    return worlds.messaging_world(commune)


@pytest.fixture
def public_site(commune, procedure_objects):
    """The public site of the personas' commune (31135, DIGIWARD_PUBLIC_COMMUNE in tests):
    the national catalog and the commune's own guide with a picture."""
    call_command("load_procedures", verbosity=0)
    reset_search_index()
    public_views._public_commune.cache_clear()
    yield procedure_objects
    public_views._public_commune.cache_clear()
    reset_search_index()
