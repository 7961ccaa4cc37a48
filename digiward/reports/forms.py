"""The dashboard's filters (one period and one group of people for every tile) and the
monthly report's form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.registry.models import Area, PovertyStatus, Sex
from digiward.registry.selectors import AGE_BANDS
from digiward.reports.monthly import MonthError, parse_month
from digiward.reports.selectors.dashboard import DEFAULT_PERIOD, PERIODS, DashboardFilters


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=list(PERIODS.items()), required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas")
    )
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("All ages")), *[(k, k) for k in AGE_BANDS]]
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Everyone")), *Sex.choices]
    )
    poverty_status = forms.ChoiceField(
        label=_("Household classification"),
        required=False,
        choices=[("", _("All households")), *PovertyStatus.choices],
    )

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_commune(commune)  # type: ignore[attr-defined]

    def filters(self) -> DashboardFilters:
        """The filters asked for, or none when the form is unbound or wrong (the errors
        are shown above the figures, which are then the whole commune's)."""
        if not self.is_bound or not self.is_valid():
            return DashboardFilters()
        data = self.cleaned_data
        return DashboardFilters(
            period=data["period"] or DEFAULT_PERIOD,
            area_id=data["area"].pk if data["area"] else None,
            age_band=data["age_band"] or None,
            sex=data["sex"] or None,
            poverty_status=data["poverty_status"] or None,
        )


class MonthlyReportForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        help_text=_("As YYYY-MM, for example 2026-11."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    format = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("xlsx", _("Excel (one sheet per section)")),
            ("pdf", _("PDF (to print and sign)")),
        ],
        initial="xlsx",
        widget=forms.RadioSelect,
    )

    def clean_month(self) -> date:
        try:
            return parse_month(self.cleaned_data["month"])
        except MonthError as error:
            raise forms.ValidationError(str(error)) from error
