"""Registry forms: validation that speaks Vietnamese and keeps what was typed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.dates import day_text
from digiward.core.models import Commune
from digiward.core.phones import PhoneNumberField, parse_phone
from digiward.core.text import fold
from digiward.core.widgets import DateInput
from digiward.registry.citizen_ids import CitizenIdError, consistency_warnings, parse_citizen_id
from digiward.registry.imports.cells import CellError, parse_birth
from digiward.registry.journey import LADDER, MilestoneKind, MilestoneSource, SmartphoneOwnership
from digiward.registry.models import (
    Area,
    ConsentPurpose,
    Household,
    PovertyStatus,
    Resident,
    ResidentStatus,
)
from digiward.registry.selectors import AGE_BANDS


class HouseholdForm(forms.ModelForm[Household]):
    class Meta:
        model = Household
        fields = [
            "code",
            "area",
            "house_number",
            "street",
            "address_detail",
            "poverty_status",
            "poverty_year",
            "particularly_disadvantaged",
            "latitude",
            "longitude",
        ]
        help_texts = {
            "code": _("The code the ward's lists use for this household (mã hộ)."),
            "poverty_year": _("The year the classification was certified, e.g. 2025."),
            "latitude": _("Optional. For home visits: e.g. 10.0341"),
            "longitude": _("Optional. e.g. 105.7823"),
        }

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune
        self.fields["area"].queryset = Area.objects.for_commune(commune)  # type: ignore[attr-defined]
        self.fields["code"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false"}
        )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip().replace(" ", "")
        clash = Household.objects.for_commune(self.commune).filter(code__iexact=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another household in this commune has this code."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status, year = data.get("poverty_status"), data.get("poverty_year")
        if (
            status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR, PovertyStatus.AVERAGE_LIVING)
            and not year
        ):
            self.add_error("poverty_year", _("Give the year this classification was certified."))
        if year and year > timezone.localdate().year + 1:
            self.add_error("poverty_year", _("This year is in the future."))
        return data


class ResidentForm(forms.ModelForm[Resident]):
    """The resident form. Birth may be a full date or just a year; the citizen ID is
    checked (length, province code, century) and compared with the sex and year given."""

    birth = forms.CharField(
        label=_("Date or year of birth"),
        required=False,
        help_text=_("dd/mm/yyyy, or only the year if that is all you know (e.g. 1948)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}),
    )
    citizen_id = forms.CharField(
        label=_("Citizen ID (12 digits)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneNumberField(label=_("Mobile phone"), required=False)
    consent = forms.BooleanField(
        label=_(
            "The person agrees that the ward keeps these details for the digital-inclusion programme"
        ),
        required=False,
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("The person agreed to"),
        choices=ConsentPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each purpose separately: consent covers only what is ticked."),
    )

    class Meta:
        model = Resident
        fields = [
            "full_name",
            "sex",
            "phone",
            "relation_to_head",
            "household",
            "lives_alone",
            "chronic_illness",
            "disability",
            "limited_mobility",
            "journey_not_applicable",
            "legal_basis",
            "consent_on",
            "consent_purposes",
            "consent_scope",
            "consent_withdrawn_on",
            "notes",
            "status",
        ]
        labels = {
            "legal_basis": _("Why the ward holds these details"),
            "consent_on": _("Date the person agreed"),
            "consent_scope": _("How the consent was given"),
            "consent_withdrawn_on": _("Date the person withdrew their consent"),
        }
        help_texts = {
            "relation_to_head": _("“Head of household” makes this person the household's head."),
            "legal_basis": _(
                "Leave empty if the person gives their consent below: consent then is the basis."
            ),
            "consent_scope": _("For example: signed form no. 12, kept at the center."),
            "consent_withdrawn_on": _("Only if the person changed their mind."),
        }
        widgets = {"consent_on": DateInput(), "consent_withdrawn_on": DateInput()}

    field_order = [
        "full_name",
        "sex",
        "phone",
        "relation_to_head",
        "household",
        "lives_alone",
        "chronic_illness",
        "disability",
        "limited_mobility",
        "journey_not_applicable",
        "notes",
        "status",
        "birth",
        "citizen_id",
        "legal_basis",
        "consent",
        "consent_on",
        "consent_purposes",
        "consent_scope",
        "consent_withdrawn_on",
    ]

    def __init__(
        self, *args: Any, commune: Commune, can_see_full_id: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune
        self.warnings: list[str] = []
        self.new_citizen_id: str | None = None
        households = self.fields["household"]
        households.queryset = Household.objects.for_commune(commune).only("pk", "code")  # type: ignore[attr-defined]
        households.widget = forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        households.to_field_name = "code"  # type: ignore[attr-defined]
        households.help_text = _("Type the household code.")
        if self.instance.pk:
            # The field takes the household code (to_field_name), so it must show the code,
            # not the row id a ModelForm puts there: saving unchanged must be accepted.
            if self.instance.household_id and "household" not in (kwargs.get("initial") or {}):
                self.initial["household"] = self.instance.household.code
            if self.instance.birth_date:
                self.initial["birth"] = day_text(self.instance.birth_date)
            elif self.instance.birth_year:
                self.initial["birth"] = str(self.instance.birth_year)
            self.initial["citizen_id"] = self.instance.citizen_id_masked
            self.fields["citizen_id"].help_text = _(
                "Shown masked. Type the full number only to change it; leave it to keep it."
            )
            self.fields["consent"].initial = self.instance.consent_on is not None
        self.fields["full_name"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "words"}
        )
        self.fields["legal_basis"].required = False

    def clean_birth(self) -> tuple[date | None, int | None]:
        raw = self.cleaned_data.get("birth", "").strip()
        if not raw:
            return None, None
        try:
            return parse_birth(raw, today=timezone.localdate())
        except CellError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_phone(self) -> str:
        """A new or changed number must be a mobile one (the journey and the help desk
        call and text it); a landline imported earlier stays as it is."""
        phone: str = self.cleaned_data.get("phone", "")
        if phone and phone != self.instance.phone and not parse_phone(phone).is_mobile:
            raise forms.ValidationError(_("Please give a mobile number."), code="not_mobile")
        return phone

    def clean_citizen_id(self) -> str | None:
        raw = self.cleaned_data.get("citizen_id", "").strip()
        if self.instance.pk and raw == self.instance.citizen_id_masked:
            return None  # unchanged
        if not raw:
            return "" if self.instance.citizen_id_masked else None
        try:
            parsed = parse_citizen_id(raw, today=timezone.localdate())
        except CitizenIdError as error:
            raise forms.ValidationError(str(error)) from None
        return parsed.number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        birth_date, birth_year = data.get("birth") or (None, None)
        number = data.get("citizen_id")
        if number:
            parsed = parse_citizen_id(number)
            self.warnings = consistency_warnings(
                parsed, sex=data.get("sex") or None, birth_year=birth_year
            )
            if birth_year is None:
                birth_year = parsed.birth_year
        if birth_year is None and not number and not self.instance.citizen_id_masked:
            self.add_error(
                "birth",
                _(
                    "Give a year of birth or a citizen ID: one of them is needed to recognise the person."
                ),
            )
        self.instance.birth_date, self.instance.birth_year = birth_date, birth_year
        self.new_citizen_id = number
        self._clean_consent(data)
        return data

    def _clean_consent(self, data: dict[str, Any]) -> None:
        """Consent is recorded with its date and its purposes, and stays recorded: a person
        who changes their mind withdraws it (with the date), the record is not emptied."""
        today = timezone.localdate()
        given, on = data.get("consent"), data.get("consent_on")
        withdrawn = data.get("consent_withdrawn_on")
        if given and on is None and "consent_on" not in self.errors:
            self.add_error(
                "consent_on",
                _("Give the date the person agreed: consent is recorded with its date."),
            )
        if on is not None and not given:
            self.add_error("consent", _("Tick this box if the person agreed, or clear the date."))
        if on is not None and on > today:
            self.add_error("consent_on", _("This date is in the future."))
        if given and not data.get("consent_purposes"):
            self.add_error("consent_purposes", _("Tick what the person agreed to."))
        # The instance still holds the stored values here (the form copies its own after clean).
        stored_on, stored_withdrawn = self.instance.consent_on, self.instance.consent_withdrawn_on
        if stored_on is not None and not given:
            self.add_error(
                "consent",
                _(
                    "A consent once recorded stays in the record. If the person changed their "
                    "mind, give the date they withdrew it."
                ),
            )
        if (
            stored_withdrawn is not None
            and withdrawn is None
            and (on is None or on <= stored_withdrawn)
        ):
            self.add_error(
                "consent_withdrawn_on",
                _(
                    "A withdrawal stays recorded. If the person agrees again, give the date of "
                    "the new consent (after the withdrawal) and then clear this date."
                ),
            )
        if withdrawn is not None:
            if on is None:
                self.add_error(
                    "consent_withdrawn_on", _("Only a consent that was given can be withdrawn.")
                )
            elif withdrawn < on:
                self.add_error("consent_withdrawn_on", _("This date is before the person agreed."))
            if withdrawn > today:
                self.add_error("consent_withdrawn_on", _("This date is in the future."))


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Milestone"), choices=[(k.value, k.label) for k in LADDER])
    achieved_on = forms.DateField(label=_("Reached on"), widget=DateInput())
    source = forms.ChoiceField(
        label=_("How we know"), choices=MilestoneSource.choices, initial=MilestoneSource.OFFICER
    )
    detail = forms.ChoiceField(
        label=_("Whose phone"), choices=[("", "—"), *SmartphoneOwnership.choices], required=False
    )

    def clean_achieved_on(self) -> date:
        value: date = self.cleaned_data["achieved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A milestone cannot be reached in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != MilestoneKind.HAS_SMARTPHONE:
            data["detail"] = ""
        return data


class ResidentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)


class JourneyFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas")
    )
    age_band = forms.ChoiceField(
        label=_("Age"), required=False, choices=[("", _("All ages")), *[(k, k) for k in AGE_BANDS]]
    )
    vulnerability = forms.ChoiceField(
        label=_("Vulnerability"),
        required=False,
        choices=[
            ("", _("Everyone")),
            ("lives_alone", _("Lives alone")),
            ("chronic_illness", _("Chronic illness")),
            ("disability", _("Disability")),
            ("limited_mobility", _("Cannot travel easily")),
        ],
    )
    poverty_status = forms.ChoiceField(
        label=_("Household classification"),
        required=False,
        choices=[("", _("All households")), *PovertyStatus.choices],
    )
    stuck_days = forms.IntegerField(
        label=_("No progress for (days)"), required=False, min_value=1, max_value=3650, initial=90
    )

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_commune(commune)  # type: ignore[attr-defined]


class RegistrySettingsForm(forms.Form):
    """The commune's registry rules (registry.services.registry_settings_save)."""

    journey_min_age = forms.IntegerField(
        label=_("Age from which the digital journey counts"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Younger residents are left out of the list of people without progress. Usually 15."
        ),
    )
    full_citizen_id_on_minutes = forms.BooleanField(
        label=_("Print the full citizen ID on the handover minutes"),
        required=False,
        help_text=_(
            "The minutes are a record the recipient signs. Each printing with the full "
            "number is recorded in the audit log; unticked, the number is printed masked."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        help_text=_(
            "The list as the ward keeps it: title rows, Vietnamese headers and signatures are fine."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.xlsm,.ods,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")):
            raise forms.ValidationError(
                _("Only Excel (.xlsx, .xls), OpenDocument (.ods) and CSV files can be imported.")
            )
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class AnonymiseForm(forms.Form):
    """The confirmation step of an anonymisation: the person's name typed again, and why."""

    confirm_name = forms.CharField(
        label=_("Type the person's full name to confirm"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("With or without accents."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The person's request (when, how: in writing, at the desk), or the decision behind it."
        ),
    )

    def __init__(self, *args: Any, resident: Resident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean_confirm_name(self) -> str:
        typed: str = self.cleaned_data["confirm_name"]
        if fold(typed) != fold(self.resident.full_name):
            raise forms.ValidationError(_("This is not the person's name as the registry has it."))
        return typed
