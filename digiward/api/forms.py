from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digiward.api.models import TokenScope
from digiward.api.tokens import EXPIRY_DAYS


def _expiry_choices() -> list[tuple[int, str]]:
    # Worded when the form is shown, in the reader's language (formatted at import, the
    # words were those of the default language whatever the page's).
    return [(days, gettext("%(n)d days") % {"n": days}) for days in EXPIRY_DAYS]


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
        choices=_expiry_choices,
        initial=90,
    )
