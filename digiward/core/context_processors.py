"""Template context every page needs: the active commune and what the user may do."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from digiward.core.permissions import Perm


def digiward(request: HttpRequest) -> dict[str, Any]:
    access = getattr(request, "access", None)
    return {
        "access": access,
        # Templates test `{% if Perm.VIEW_REGISTRY in access.perms %}`: the enum, not strings.
        "Perm": Perm,
        "province_viewer": getattr(request, "province_viewer", False),
        "DIGIWARD_ENV": settings.DIGIWARD_ENV,
    }
