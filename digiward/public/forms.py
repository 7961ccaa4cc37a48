"""Public forms: as few questions as the visit needs, in plain words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.core.phones import PhoneNumberField
from digiward.homecare.home_times import OFFERED_WEEKDAYS, DayPart, windows_for
from digiward.homecare.models import RequesterRelation, TravelReason, Weekday
from digiward.homecare.services import WindowData
from digiward.procedures.models import Procedure
from digiward.registry.models import Area


class HelpAtHomeForm(forms.Form):
    requester_relation = forms.ChoiceField(
        label=_("Who is filling in this form?"),
        choices=RequesterRelation.choices,
        initial=RequesterRelation.SELF,
        widget=forms.RadioSelect,
    )
    person_name = forms.CharField(label=_("Full name of the person who needs help"), max_length=150)
    requester_name = forms.CharField(
        label=_("Your name (if you ask for someone else)"), max_length=150, required=False
    )
    phone = PhoneNumberField(
        label=_("Phone number to call back"),
        help_text=_("An officer will call this number to agree on a time."),
    )
    address = forms.CharField(
        label=_("Address (house number, street or alley)"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("I don't know")
    )
    procedure = forms.ModelChoiceField(
        label=_("What do you need to do?"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Something else (write it below)"),
    )
    procedure_other = forms.CharField(label=_("Or write it here"), max_length=200, required=False)
    reason = forms.ChoiceField(
        label=_("Why can the person not come to the ward?"),
        choices=TravelReason.choices,
        widget=forms.RadioSelect,
    )
    # When someone is home: plain choices that become time windows (no script needed);
    # what the person writes in their own words stays beside them as a note.
    home_part = forms.ChoiceField(
        label=_("When is someone at home to open the door?"),
        choices=DayPart.choices,
        initial=DayPart.ANY,
        required=False,
        widget=forms.RadioSelect,
    )
    home_days = forms.TypedMultipleChoiceField(
        label=_("Only on these days (leave empty if any day is fine)"),
        choices=[(d, Weekday(d).label) for d in OFFERED_WEEKDAYS],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_times = forms.CharField(
        label=_("Anything else about the time? (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example: not before 9 o'clock, or not on the 15th."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the ward keeps these details to arrange the visit."),
        error_messages={
            "required": _("Please tick this box so that the ward may keep the details.")
        },
    )
    # A field people never see: only robots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_commune(commune)  # type: ignore[attr-defined]
        self.fields["procedure"].queryset = (  # type: ignore[attr-defined]
            Procedure.objects.published()
            .visible_in(commune)
            .filter(home_support_possible=True)
            .order_by("name")
        )
        self.fields["person_name"].widget.attrs["autocomplete"] = "name"

    def procedure_from(self, value: str) -> Procedure | None:
        """The procedure a link names by id or slug, if this form offers it."""
        value = value.strip()[:200]
        if not value:
            return None
        offered = self.fields["procedure"].queryset  # type: ignore[attr-defined]
        found: Procedure | None = (
            offered.filter(pk=int(value)) if value.isdigit() else offered.filter(slug=value)
        ).first()
        return found

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("requester_relation") not in (None, RequesterRelation.SELF) and not data.get(
            "requester_name"
        ):
            self.add_error("requester_name", _("Please write your own name too."))
        if not data.get("procedure") and not data.get("procedure_other", "").strip():
            self.add_error("procedure_other", _("Choose what needs doing, or write it here."))
        return data

    def windows(self) -> tuple[WindowData, ...]:
        """The times someone is home, as the request stores them (none: any time)."""
        data = self.cleaned_data
        return tuple(
            WindowData(starts_at=w.starts_at, ends_at=w.ends_at, weekday=w.weekday)
            for w in windows_for(data.get("home_part") or DayPart.ANY, data.get("home_days") or [])
        )


class StatusLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("The 8 letters and digits you received, e.g. K7M2Q9XA."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    phone_last4 = forms.RegexField(
        label=_("Last 4 digits of the phone number you gave"),
        regex=r"^\s*\d{4}\s*$",
        error_messages={"invalid": _("Write exactly 4 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}
        ),
    )
