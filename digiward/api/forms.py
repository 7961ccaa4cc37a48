from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.api.models import TokenScope
from digiward.api.tokens import EXPIRY_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"),
        max_length=80,
        help_text=_("For example: the province's reporting system."),
    )
    scope = forms.ChoiceField(
        label=_("It may"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(d, _("%(n)d days") % {"n": d}) for d in EXPIRY_DAYS],
        initial=90,
    )
