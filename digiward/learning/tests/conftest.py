from __future__ import annotations

import pytest

from digiward.learning.seed import frameworks_load


@pytest.fixture
def frameworks(db):
    """The shipped frameworks and crosswalk, loaded as `digiward load_frameworks` does."""
    return frameworks_load()
