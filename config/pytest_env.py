"""Loaded by pytest with `-p config.pytest_env`, before Django reads its settings.

pytest-django configures Django before any conftest.py is imported, so the
environment that selects the test profile has to be set by an early plugin.
"""

import os

os.environ.setdefault("DIGIWARD_ENV", "test")
