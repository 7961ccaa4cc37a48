from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.phones import PhoneNumberField
from digiward.messaging.templates import KINDS


class MessagingSettingsForm(forms.Form):
    def __init__(self, *args: Any, shared: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = shared or {}
        for kind, spec in KINDS.items():
            installed = shared.get(kind, "")
            self.fields[f"template_{kind}"] = forms.RegexField(
                label=str(spec.label),
                regex=r"^\d{1,20}$",
                required=False,
                help_text=(
                    _("Empty: the installation's id (%(id)s).") % {"id": installed}
                    if installed
                    else _("Empty: this kind goes by SMS.")
                ),
                error_messages={"invalid": _("A ZNS template id is a number.")},
            )


class OptOutForm(forms.Form):
    phone = PhoneNumberField(label=_("Phone number"), mobile_only=True)
    source = forms.CharField(
        label=_("How the person asked"),
        max_length=150,
        help_text=_("For example: called the commune on 04/12, at the desk."),
    )
