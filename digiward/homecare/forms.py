"""Home-support forms: they keep what was typed and explain what is wrong, in Vietnamese."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.forms import IdsField, LinesField
from digiward.core.models import Commune, Membership, Role, User
from digiward.core.phones import PhoneNumberField
from digiward.core.widgets import DateInput, TimeInput
from digiward.homecare.models import (
    Authority,
    HomecareSettings,
    LegalForm,
    OfficerProfile,
    ProcedureProfile,
    RequesterRelation,
    RequestSource,
    TravelReason,
    Urgency,
    VisitOutcome,
    Weekday,
)
from digiward.homecare.services import RequestDetails, WindowData
from digiward.homecare.services.officers import PROCEDURE_FIELDS, PROFILE_FIELDS
from digiward.procedures.models import Procedure
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Area


def home_procedures(commune: Commune) -> QuerySet[Procedure]:
    return (
        Procedure.objects.published()
        .visible_in(commune)
        .filter(home_support_possible=True)
        .order_by("name")
    )


class RequestForm(forms.Form):
    """A request taken on the phone (or for a relative or group head), or edited later."""

    source = forms.ChoiceField(
        label=_("How did the request come?"),
        choices=[
            (RequestSource.PHONE_CALL, RequestSource.PHONE_CALL.label),
            (RequestSource.OFFICER, RequestSource.OFFICER.label),
        ],
        initial=RequestSource.PHONE_CALL,
        widget=forms.RadioSelect,
    )
    requester_relation = forms.ChoiceField(
        label=_("Who asks?"),
        choices=RequesterRelation.choices,
        initial=RequesterRelation.SELF,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(
        label=_("Name of who asks (if not the person)"), max_length=150, required=False
    )
    requester_phone = PhoneNumberField(label=_("Phone of who asks"), required=False)
    requester_email = forms.EmailField(
        label=_("Email of who asks"),
        required=False,
        help_text=_("Optional: to send a message when the visit is planned and when it is done."),
    )
    person_name = forms.CharField(label=_("Full name of the person who needs help"), max_length=150)
    person_phone = PhoneNumberField(label=_("The person's phone"), required=False)
    person_birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2100
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("Not known")
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("GPS point of the home, e.g. 10.0341 (empty: the registry's, if linked)."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("e.g. 105.7823"),
    )
    procedure = forms.ModelChoiceField(
        label=_("Main procedure"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Something else (write it below)"),
    )
    extra_procedures = IdsField(
        label=_("Other procedures in the same visit"),
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    procedure_other = forms.CharField(label=_("Or write it here"), max_length=200, required=False)
    reason = forms.ChoiceField(
        label=_("Why can the person not come to the ward?"),
        choices=TravelReason.choices,
        widget=forms.RadioSelect,
    )
    reason_detail = forms.CharField(label=_("Details"), max_length=300, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    visit_minutes = forms.IntegerField(
        label=_("Visit length (minutes)"),
        required=False,
        min_value=10,
        max_value=240,
        help_text=_("Empty: from the procedures."),
    )
    preferred_times = forms.CharField(
        label=_("When is someone at home? (as they said it)"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_("The caller agreed that the ward keeps these details to arrange the visit."),
        error_messages={"required": _("Ask for and record the caller's agreement.")},
    )

    def __init__(self, *args: Any, commune: Commune, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.for_commune(commune)  # type: ignore[attr-defined]
        procedures = home_procedures(commune)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["extra_procedures"].queryset = procedures  # type: ignore[attr-defined]
        if editing:
            del self.fields["source"]
            del self.fields["consent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        phones_given = data.get("requester_phone") or data.get("person_phone")
        phone_errors = "requester_phone" in self.errors or "person_phone" in self.errors
        if not phones_given and not phone_errors:
            self.add_error(
                "requester_phone",
                _(
                    "Give at least one phone number, of the person or of whoever asks: an "
                    "officer phones the day before the visit."
                ),
            )
        relation = data.get("requester_relation")
        if relation and relation != RequesterRelation.SELF and not data.get("requester_name"):
            self.add_error("requester_name", _("Write the name of who asks."))
        if (
            not data.get("procedure")
            and not data.get("extra_procedures")
            and not (data.get("procedure_other") or "").strip()
        ):
            self.add_error("procedure_other", _("Choose what needs doing, or write it here."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude."))
        return data

    def details(self, windows: list[WindowData]) -> RequestDetails:
        data = self.cleaned_data
        relation = data["requester_relation"]
        return RequestDetails(
            person_name=data["person_name"].strip(),
            address=data["address"].strip(),
            reason=data["reason"],
            requester_relation=relation,
            person_phone=data.get("person_phone") or "",
            person_birth_year=data.get("person_birth_year"),
            requester_name=(data.get("requester_name") or "").strip()
            if relation != RequesterRelation.SELF
            else data["person_name"].strip(),
            requester_phone=data.get("requester_phone") or "",
            requester_email=data.get("requester_email") or "",
            area=data.get("area"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            procedure=data.get("procedure"),
            extra_procedures=tuple(data.get("extra_procedures") or ()),
            procedure_other=(data.get("procedure_other") or "").strip(),
            reason_detail=(data.get("reason_detail") or "").strip(),
            preferred_times=(data.get("preferred_times") or "").strip(),
            urgency=data.get("urgency") or Urgency.NORMAL,
            visit_minutes=data.get("visit_minutes"),
            windows=tuple(windows),
            notes=(data.get("notes") or "").strip(),
        )


WHEN_CHOICES = [("", _("Every day")), *((str(d.value), d.label) for d in Weekday)]


class WindowForm(forms.Form):
    """One time when someone is home: every day, one weekday, or one date."""

    weekday = forms.ChoiceField(label=_("Day"), choices=WHEN_CHOICES, required=False)
    on_date = forms.DateField(label=_("Or on this date"), required=False, widget=DateInput())
    starts_at = forms.TimeField(label=_("Starts at"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("Ends at"), required=False, widget=TimeInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if (start is None) != (end is None):
            self.add_error("ends_at" if start else "starts_at", _("Give both times."))
        elif start is not None and end is not None and end <= start:
            self.add_error(
                "ends_at",
                _("A time window must end after it starts (%(start)s–%(end)s).")
                % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
        return data

    def window(self) -> WindowData | None:
        data = self.cleaned_data
        if not data.get("starts_at"):
            return None
        weekday = data.get("weekday")
        return WindowData(
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            weekday=int(weekday) if weekday not in (None, "") and not data.get("on_date") else None,
            on_date=data.get("on_date"),
        )


def window_formset(data: Any = None, initial: list[dict[str, Any]] | None = None) -> Any:
    """Existing windows, plus empty rows to add more (three rows at least)."""
    rows = list(initial or [])
    formset = forms.formset_factory(
        WindowForm, extra=max(1, 3 - len(rows)), max_num=8, absolute_max=8
    )
    return formset(data, initial=rows, prefix="windows")


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Find the person in the registry"), max_length=100, required=False)


class EligibilityForm(forms.Form):
    DECISIONS = [
        ("registry", _("Follow the registry")),
        ("eligible", _("Eligible: I confirm it")),
        ("not_eligible", _("Not eligible")),
    ]
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=DECISIONS, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        required=False,
        help_text=_(
            "Needed when you decide differently from the registry, e.g. what the caller said."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") not in (None, "registry")
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why you decide differently from the registry."))
        return data

    @property
    def eligible(self) -> bool | None:
        return {"registry": None, "eligible": True, "not_eligible": False}[
            self.cleaned_data["decision"]
        ]


class AcceptForm(forms.Form):
    confirm_reason = forms.CharField(
        label=_("Why you take it on although the registry does not show it"),
        max_length=300,
        required=False,
        help_text=_("For example: her son phoned, she has been bedridden since her stroke."),
    )


class LocationForm(forms.Form):
    """A GPS point taken by the phone's browser at the house (filled in by homecare.js)."""

    latitude = forms.DecimalField(max_digits=12, decimal_places=8, min_value=-90, max_value=90)
    longitude = forms.DecimalField(max_digits=12, decimal_places=8, min_value=-180, max_value=180)
    accuracy = forms.IntegerField(required=False, min_value=0, max_value=100_000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


def visiting_officers(commune: Commune) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=OfficerProfile.objects.for_commune(commune)
        .filter(takes_home_visits=True)
        .values("user_id"),
        is_active=True,
    ).order_by("full_name")


class OfficerChoiceField(forms.ModelChoiceField[User]):
    """Officers as radio buttons, each labelled with how full their day is (`labels`)."""

    labels: dict[int, str]

    def label_from_instance(self, obj: User) -> str:
        return getattr(self, "labels", {}).get(obj.pk) or obj.get_full_name()


class BookForm(forms.Form):
    officer = OfficerChoiceField(
        label=_("Officer"), queryset=User.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    day = forms.DateField(label=_("Day"), widget=DateInput())
    times_agreed = forms.BooleanField(
        label=_("Time agreed with the family (by phone)"),
        required=False,
        help_text=_(
            "Only needed when the request has no time window: the note about times is then "
            "all the visit can go by."
        ),
    )

    def __init__(
        self,
        *args: Any,
        commune: Commune,
        offered: list[tuple[User, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`offered`: the officers to show for the day and their labels (free places,
        proposed time); officers on leave are left out. A posted form accepts any
        visiting officer: booking itself refuses one who is away, with the reason."""
        super().__init__(*args, **kwargs)
        field: OfficerChoiceField = self.fields["officer"]  # type: ignore[assignment]
        queryset = visiting_officers(commune)
        if offered is not None:
            queryset = queryset.filter(pk__in=[user.pk for user, _label in offered])
            field.labels = {user.pk: label for user, label in offered}
        field.queryset = queryset

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("This day has passed."))
        return day


class MoveForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Give to"), queryset=User.objects.none())

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = visiting_officers(commune)  # type: ignore[attr-defined]


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())


class VisitRecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened?"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    arrived_at = forms.TimeField(label=_("Arrived at"), widget=TimeInput())
    left_at = forms.TimeField(label=_("Left at"), required=False, widget=TimeInput())
    documents_checked = forms.MultipleChoiceField(
        label=_("Documents checked"), required=False, widget=forms.CheckboxSelectMultiple
    )
    person_confirmed = forms.BooleanField(
        label=_("The person (or a relative) confirms the visit and what was done"), required=False
    )
    confirmed_by_name = forms.CharField(
        label=_("Name of who confirms"), max_length=150, required=False
    )
    milestone = forms.ChoiceField(
        label=_("Digital-journey step reached during the visit"),
        choices=[("", _("None")), *MilestoneKind.choices],
        required=False,
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills the person did alone"),
        help_text=_(
            "Tick only what the person did themselves while you watched: it counts towards "
            "their digital-skills record."
        ),
        coerce=int,
        choices=[],  # the commune's citizen essentials, set by the view
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Unknown skill: choose from the list.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    complete_now = forms.BooleanField(
        label=_("The procedure is finished: mark the request completed"), required=False
    )

    def __init__(
        self,
        *args: Any,
        documents: list[str],
        skill_choices: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents_checked"].choices = [(d, d) for d in documents]  # type: ignore[attr-defined]
        self.fields["skills"].choices = list(skill_choices)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        arrived, left = data.get("arrived_at"), data.get("left_at")
        if arrived and left and left < arrived:
            self.add_error("left_at", _("The officer cannot leave before arriving."))
        return data


def at_day(value: time | None, day: date) -> datetime | None:
    """A time typed on the visit form, on the visit's day, in the local zone."""
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(day, value))


class AuthorizationForm(forms.Form):
    principal_name = forms.CharField(label=_("Who authorises (full name)"), max_length=150)
    principal_citizen_id = forms.CharField(
        label=_("Their citizen ID"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    agent_name = forms.CharField(label=_("Who is authorised (full name)"), max_length=150)
    agent_citizen_id = forms.CharField(
        label=_("Their citizen ID"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    agent_relation = forms.CharField(
        label=_("Relation to the person"),
        max_length=100,
        required=False,
        help_text=_("e.g. son, daughter, niece"),
    )
    scope = forms.CharField(
        label=_("Authorised to do what"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. receive the monthly social pension at the commune on her behalf."),
    )
    legal_form = forms.ChoiceField(
        label=_("Legal form"), choices=LegalForm.choices, widget=forms.RadioSelect
    )
    fingerprinted = forms.BooleanField(
        label=_("The person fingerprinted instead of signing (điểm chỉ)"), required=False
    )
    certification_number = forms.IntegerField(
        label=_("Number in the certification register"), required=False, min_value=1
    )
    fee_vnd = forms.IntegerField(label=_("Fee collected (VND)"), required=False, min_value=0)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo of the signed papers"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("What it shows"), max_length=200, required=False)


class OfficerProfileForm(forms.ModelForm[OfficerProfile]):
    authorities = forms.MultipleChoiceField(
        label=_("Authorities"),
        choices=Authority.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = OfficerProfile
        fields = list(PROFILE_FIELDS)  # what the form edits is what the audit records
        widgets = {"work_starts": TimeInput(), "work_ends": TimeInput()}
        help_texts = {
            "volunteer": _("A guidance-team volunteer who goes along (optional)."),
        }

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        volunteers = Membership.objects.filter(commune=commune, role=Role.VOLUNTEER).values(
            "user_id"
        )
        self.fields["volunteer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=volunteers, is_active=True
        ).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("work_starts"), data.get("work_ends")
        if start and end and end <= start:
            self.add_error("work_ends", _("The working day must end after it starts."))
        return data


class LeaveForm(forms.Form):
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The leave must end on or after its first day."))
        return data


class SettingsForm(forms.ModelForm[HomecareSettings]):
    class Meta:
        model = HomecareSettings
        fields = [
            "center_name",
            "center_latitude",
            "center_longitude",
            "road_factor",
            "speed_kmh",
            "default_visit_minutes",
            "default_sla_working_days",
            "urgent_sla_working_days",
            "due_soon_working_days",
            "address_margin_km",
            "lunch_starts",
            "lunch_ends",
        ]
        widgets = {"lunch_starts": TimeInput(), "lunch_ends": TimeInput()}
        help_texts = {
            "center_latitude": _("Where every route starts and ends, e.g. 10.0340"),
            "road_factor": _(
                "Road distance ÷ straight-line distance: 1.3 suits town streets and alleys."
            ),
            "speed_kmh": _("Average door-to-door speed: about 20 km/h by motorbike in town."),
            "address_margin_km": _(
                "GPS points farther than this outside the commune's households are refused."
            ),
            "lunch_starts": _(
                "No visit is planned across the lunch break. Leave both empty if officers "
                "visit at lunchtime."
            ),
        }


class ProcedureProfileForm(forms.ModelForm[ProcedureProfile]):
    officer_brings = LinesField(
        label=_("What the officer brings (one per line)"),
        required=False,
        help_text=_("Empty: the default list for this kind of procedure."),
    )
    person_prepares = LinesField(
        label=_("What the person has ready (one per line)"),
        required=False,
        help_text=_("Empty: the documents listed in the procedure catalog."),
    )

    class Meta:
        model = ProcedureProfile
        fields = list(PROCEDURE_FIELDS)
        widgets = {"call_script": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "sla_working_days": _("Empty: the commune's default deadline."),
            "call_script": _("Extra lines to say when phoning the day before (one per line)."),
        }
