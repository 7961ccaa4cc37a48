"""Django admin for the registry (superusers: reference data such as poverty standards)."""

from __future__ import annotations

from django.contrib import admin

from digiward.registry.models import Area, PovertyStandard


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "legal_basis",
        "valid_from",
        "valid_to",
        "rural_income_line",
        "urban_income_line",
    ]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "commune__name"]
