"""Numbers for the home pages, read through the owning apps' selectors."""

from __future__ import annotations

from dataclasses import dataclass

from digiward.core.access import Access
from digiward.core.permissions import Perm
from digiward.registry.selectors import RegistryCounts, registry_counts


@dataclass(frozen=True)
class HomeSummary:
    registry: RegistryCounts | None


def home_summary(access: Access) -> HomeSummary:
    wants_registry = access.has(Perm.VIEW_REGISTRY) or access.has(Perm.VIEW_STATISTICS)
    return HomeSummary(registry=registry_counts(access.commune) if wants_registry else None)
