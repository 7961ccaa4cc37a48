"""Forms of the guidance team. Messages are English msgids translated to Vietnamese."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Commune
from digiward.core.phones import PhoneNumberField
from digiward.core.widgets import DateInput, TimeInput
from digiward.guidance.models import (
    WEEKDAY_CHOICES,
    AgeBand,
    AloneNextTime,
    AvailabilityChoice,
    Channel,
    Outcome,
    Skill,
    SlotKind,
    SlotTemplate,
    SwapKind,
    TeamMember,
    VisitorSex,
)
from digiward.guidance.selectors import users_for_team
from digiward.guidance.services.desk import MAX_MINUTES, SessionInput
from digiward.registry.journey import MilestoneKind


class MemberForm(forms.ModelForm[TeamMember]):
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TeamMember
        fields = ["user", "experience", "max_shifts_per_week", "skills", "is_active", "joined_on"]
        widgets = {"joined_on": DateInput()}
        help_texts = {
            "experience": _("Every shift needs at least one experienced member."),
            "max_shifts_per_week": _("The roster never gives more in one week (Monday–Sunday)."),
        }

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        if self.instance.pk:
            del self.fields["user"]
        else:
            users = self.fields["user"]
            users.queryset = users_for_team(commune)  # type: ignore[attr-defined]
            users.help_text = _("Volunteers and officers of this commune who are not on the team.")
            users.label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"  # type: ignore[attr-defined]
        self.fields["max_shifts_per_week"].widget.attrs.update({"min": 0, "max": 14})

    def clean_max_shifts_per_week(self) -> int:
        value = int(self.cleaned_data["max_shifts_per_week"])
        if value > 14:
            raise forms.ValidationError(_("At most 14 shifts a week."))
        return value


class AvailabilityForm(forms.Form):
    """One select per (weekday, slot kind) of the desk's opening hours."""

    def __init__(
        self,
        *args: Any,
        cells: list[tuple[int, str]],
        initial_values: dict[tuple[int, str], str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        for weekday, kind in cells:
            name = f"a_{weekday}_{kind}"
            self.fields[name] = forms.ChoiceField(
                label=f"{dict(WEEKDAY_CHOICES)[weekday]} · {SlotKind(kind).label}",
                choices=AvailabilityChoice.choices,
                initial=initial_values.get((weekday, kind), AvailabilityChoice.AVAILABLE),
            )

    def values(self) -> dict[tuple[int, str], str]:
        return {
            (weekday, kind): self.cleaned_data[f"a_{weekday}_{kind}"]
            for weekday, kind in self.cells
        }

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The selects arranged as weekday rows × slot columns, for the template."""
        rows: dict[int, list[forms.BoundField]] = {}
        for weekday, kind in self.cells:
            rows.setdefault(weekday, []).append(self[f"a_{weekday}_{kind}"])
        labels = dict(WEEKDAY_CHOICES)
        return [(str(labels[d]), fields) for d, fields in sorted(rows.items())]


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To (included)"), widget=DateInput())
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The last day cannot be before the first."))
        return data


class SlotTemplateForm(forms.ModelForm[SlotTemplate]):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    required_skills = forms.MultipleChoiceField(
        label=_("Skills needed on every shift"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SlotTemplate
        fields = ["kind", "weekdays", "start", "end", "required", "required_skills", "is_active"]
        widgets = {"start": TimeInput(), "end": TimeInput()}
        help_texts = {"required": _("How many volunteers at the desk at once.")}

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.commune = commune

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The slot must end after it starts."))
        return data


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class SwapRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"), choices=SwapKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for colleagues (optional)"), max_length=200, required=False
    )


MINUTES_ERRORS = {
    "min_value": _("Minutes cannot be negative."),
    "max_value": _("At most 600 minutes (10 hours)."),
    "invalid": _("Minutes must be a whole number."),
}


class SessionForm(forms.Form):
    """The help-session log. Everything but the person and the procedure has a default,
    so the common case is: who (1–2 taps), what (1 tap), save (1 tap)."""

    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    visitor_name = forms.CharField(label=_("Name (optional)"), max_length=150, required=False)
    visitor_phone = PhoneNumberField(label=_("Phone (optional)"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age"), choices=AgeBand.choices, required=False, widget=forms.RadioSelect
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=VisitorSex.choices, required=False, widget=forms.RadioSelect
    )
    procedure = forms.IntegerField(required=False)
    topic = forms.CharField(label=_("Something else"), max_length=200, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, initial=Outcome.DONE, widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        initial=10,
        min_value=0,
        max_value=MAX_MINUTES,
        error_messages={**MINUTES_ERRORS, "required": _("How many minutes did it take?")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_MINUTES}),
    )
    minutes_custom = forms.IntegerField(
        label=_("Other number of minutes"),
        required=False,
        min_value=0,
        max_value=MAX_MINUTES,
        error_messages=MINUTES_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_MINUTES}),
    )
    dossier_code = forms.CharField(
        label=_("Dossier code on the national portal"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    milestones = forms.MultipleChoiceField(
        label=_("Milestones reached today"),
        choices=MilestoneKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills the person did alone"),
        coerce=int,
        choices=[],  # the commune's citizen essentials, set by the view
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown skill: choose from the list.")},
    )
    alone_next_time = forms.ChoiceField(
        label=_("Could the person do it alone next time?"),
        choices=AloneNextTime.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    channel = forms.ChoiceField(
        label=_("How the help was given"),
        choices=Channel.choices,
        initial=Channel.DESK,
        widget=forms.RadioSelect,
    )
    helped_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, skill_choices: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = list(skill_choices)  # type: ignore[attr-defined]

    def clean_helped_on(self) -> date:
        day: date | None = self.cleaned_data.get("helped_on")
        if day is None:
            return timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("A session cannot be in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("minutes_custom") is not None:
            data["minutes"] = data["minutes_custom"]
            self.errors.pop("minutes", None)
        if not data.get("procedure") and not (data.get("topic") or "").strip():
            self.add_error("procedure", _("Pick what the person needed help with."))
        if not data.get("resident") and not data.get("age_band"):
            self.add_error(
                "age_band", _("Pick the person from the registry, or at least their age.")
            )
        return data

    @staticmethod
    def chips() -> dict[str, Any]:
        """The choices the log shows as big tap targets ("chips"), by group."""
        return {
            "age_bands": AgeBand.choices,
            "sexes": VisitorSex.choices,
            "outcomes": Outcome.choices,
            "alone_choices": AloneNextTime.choices,
            "channels": Channel.choices,
        }

    def to_input(self) -> SessionInput:
        d = self.cleaned_data
        return SessionInput(
            outcome=d["outcome"],
            minutes=d["minutes"],
            helped_on=d["helped_on"],
            channel=d["channel"],
            resident_id=d.get("resident"),
            visitor_name=d.get("visitor_name") or "",
            visitor_phone=d.get("visitor_phone") or "",
            age_band=d.get("age_band") or "",
            sex=d.get("sex") or "",
            procedure_id=d.get("procedure"),
            topic=d.get("topic") or "",
            dossier_code=d.get("dossier_code") or "",
            milestones=list(d.get("milestones") or []),
            skills=list(d.get("skills") or []),
            alone_next_time=d.get("alone_next_time") or "",
            notes=d.get("notes") or "",
            ticket_id=d.get("ticket"),
        )
