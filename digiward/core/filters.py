"""Filters for the audit log page (and its export, which reuses them)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digiward.core.audit_display import kind_choices
from digiward.core.collation import vi_order
from digiward.core.models import AuditAction, AuditEvent, Commune, User
from digiward.core.params import search_text
from digiward.core.widgets import DateInput


class AuditEventFilter(django_filters.FilterSet):  # type: ignore[misc]
    actor = django_filters.ModelChoiceFilter(
        label=_("Who"), queryset=User.objects.none(), empty_label=_("Everyone")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("All actions")
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Kind of record"), choices=[], empty_label=_("All kinds")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=pgettext_lazy("end of a date range", "To"),
        field_name="at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )
    q = django_filters.CharFilter(label=_("Record"), method="filter_record")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["actor"].queryset = (
            User.objects.filter(
                Q(memberships__commune=commune) | Q(memberships__province=commune.province_id)
            )
            .distinct()
            .order_by(vi_order("full_name"), "pk")
        )
        types = (
            AuditEvent.objects.filter(commune=commune)
            .exclude(object_type="")
            .order_by("object_type")
            .values_list("object_type", flat=True)
            .distinct()
        )
        self.filters["object_type"].extra["choices"] = kind_choices(types)

    def filter_record(
        self, queryset: QuerySet[AuditEvent], name: str, value: str
    ) -> QuerySet[AuditEvent]:
        value = search_text(value)
        return queryset.filter(Q(object_id=value) | Q(object_repr__icontains=value))
