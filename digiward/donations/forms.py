"""Forms of the donations screens. Checks of one field live here; rules that need the
database (duplicates, stages, the list) live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digiward.core.forms import IdsField
from digiward.core.models import Commune, User
from digiward.core.phones import PhoneNumberField
from digiward.core.widgets import DateInput
from digiward.donations import ranking
from digiward.donations.models import (
    CAMPAIGN_DESCRIPTION,
    USABLE_CONDITIONS,
    Allocation,
    AllocationStatus,
    Campaign,
    ChangeAction,
    Item,
    ItemCondition,
    ItemKind,
    ItemStatus,
    NextStep,
    PhoneUse,
    ReturnReason,
    Sponsor,
)
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Household, Resident


class SponsorForm(forms.ModelForm[Sponsor]):
    phone = PhoneNumberField(label=_("phone"), required=False)

    class Meta:
        model = Sponsor
        fields = [
            "name",
            "kind",
            "representative",
            "representative_title",
            "phone",
            "email",
            "address",
        ]


class CampaignForm(forms.ModelForm[Campaign]):
    sponsors = IdsField(
        label=_("Sponsors"),
        queryset=Sponsor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        # The sponsors right after the name and description.
        fields = [*CAMPAIGN_DESCRIPTION[:2], "sponsors", *CAMPAIGN_DESCRIPTION[2:]]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "budget_vnd": forms.NumberInput(attrs={"min": 0, "step": 1000, "inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsors"].queryset = Sponsor.objects.for_commune(commune)  # type: ignore[attr-defined]


class PledgeForm(forms.Form):
    sponsor = forms.ModelChoiceField(label=_("Sponsor"), queryset=Sponsor.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000)
    unit_value_vnd = forms.IntegerField(
        label=_("Value per item (VND)"), min_value=0, max_value=10**12, initial=0
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = campaign.sponsors.all()  # type: ignore[attr-defined]


class ItemBatchForm(forms.Form):
    """Several items of one model at once: one IMEI (or SIM number) per line."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    name = forms.CharField(
        label=_("Model or description"),
        max_length=150,
        help_text=_("E.g. Samsung Galaxy A06, or the SIM's carrier and package."),
    )
    numbers = forms.CharField(
        label=_("IMEIs or SIM numbers, one per line"),
        widget=forms.Textarea(attrs={"rows": 8, "inputmode": "numeric", "class": "mono"}),
        required=False,
        help_text=_(
            "For a phone, its 15-digit IMEI (dial *#06#). For a SIM card, its phone number."
        ),
    )
    quantity = forms.IntegerField(
        label=_("How many (other items only)"), min_value=1, max_value=1000, required=False
    )
    value_vnd = forms.IntegerField(label=_("Value of each (VND)"), min_value=0, max_value=10**12)
    condition = forms.ChoiceField(
        label=_("Condition on receipt"), choices=ItemCondition.choices, initial=ItemCondition.NEW
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    sponsor = forms.ModelChoiceField(
        label=_("From"), queryset=Sponsor.objects.none(), required=False
    )
    carrier = forms.CharField(label=_("Carrier (SIM)"), max_length=40, required=False)
    data_package = forms.CharField(label=_("Data package (SIM)"), max_length=100, required=False)
    free_months = forms.IntegerField(
        label=_("Months of free data (SIM)"), min_value=0, max_value=60, required=False
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = campaign.sponsors.all()  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()

    def lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["numbers"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (ItemKind.PHONE, ItemKind.SIM) and not (data.get("numbers") or "").strip():
            self.add_error("numbers", _("Type one number per line."))
        if kind == ItemKind.OTHER and not data.get("quantity"):
            self.add_error("quantity", _("Say how many."))
        return data


class RulesForm(forms.Form):
    include_poor = forms.BooleanField(label=_("Poor households"), required=False)
    include_near_poor = forms.BooleanField(label=_("Near-poor households"), required=False)
    include_particularly_disadvantaged = forms.BooleanField(
        label=_("Particularly disadvantaged households, even if not poor"), required=False
    )
    poverty_year_from = forms.IntegerField(
        label=_("Poverty certified in or after the year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Empty: any year."),
    )
    require_no_smartphone = forms.BooleanField(
        label=_("Only households where nobody has a smartphone yet"), required=False
    )
    exclude_earlier_recipients = forms.BooleanField(
        label=_("Leave out households that received a phone in an earlier campaign"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "particularly_disadvantaged": _("Particularly disadvantaged"),
            "no_smartphone": _("No smartphone yet"),
            "elderly_alone": _("Elderly person living alone"),
            "disability": _("A member with a disability"),
            "limited_mobility": _("A member who cannot travel easily"),
            "chronic_illness": _("A member with a chronic illness"),
            "elderly": _("An elderly member (60 or over)"),
        }
        for name in ranking.WEIGHTED:
            self.fields[f"w_{name}"] = forms.IntegerField(
                label=labels[name], min_value=0, max_value=ranking.MAX_WEIGHT
            )

    @classmethod
    def for_rules(cls, rules: ranking.Rules) -> RulesForm:
        data = rules.to_json()
        initial = {k: v for k, v in data.items() if k != "weights"}
        initial.update({f"w_{k}": v for k, v in data["weights"].items()})
        return cls(initial=initial)

    def rules(self) -> ranking.Rules:
        data = self.cleaned_data
        return ranking.Rules(
            include_poor=data["include_poor"],
            include_near_poor=data["include_near_poor"],
            include_particularly_disadvantaged=data["include_particularly_disadvantaged"],
            poverty_year_from=data["poverty_year_from"],
            require_no_smartphone=data["require_no_smartphone"],
            exclude_earlier_recipients=data["exclude_earlier_recipients"],
            weights={name: data[f"w_{name}"] for name in ranking.WEIGHTED},
        )


class HouseholdCodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Household code"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class ListChangeForm(forms.Form):
    household = HouseholdCodeField()
    action = forms.ChoiceField(label=_("Change"), choices=ChangeAction.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    reference = forms.CharField(
        label=_("Decided by (after locking: the decision or meeting minutes)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, commune_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commune_ids = commune_ids

    def clean_household(self) -> Household:
        code = self.cleaned_data["household"].strip().upper()
        household: Household | None = Household.objects.filter(
            commune_id__in=self.commune_ids, code=code
        ).first()
        if household is None:
            raise forms.ValidationError(
                _("No household of this campaign has the code %(code)s.") % {"code": code}
            )
        return household


class AllocationForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Who receives"),
        queryset=Resident.objects.none(),
        widget=forms.RadioSelect,
        help_text=_("Not always the head: the person who will use the phone."),
    )
    items = IdsField(
        label=_("Items"), queryset=Item.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, household: Household, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every member is offered (a moved-away one is refused by the service, with a reason).
        self.fields["recipient"].queryset = Resident.objects.filter(household=household).order_by(  # type: ignore[attr-defined]
            "status", "birth_year", "pk"
        )
        self.fields["items"].queryset = Item.objects.filter(  # type: ignore[attr-defined]
            campaign=campaign, status=ItemStatus.IN_STOCK, condition__in=USABLE_CONDITIONS
        ).order_by("kind", "pk")


class HandoverForm(forms.Form):
    allocations = IdsField(
        label=_("Items handed over"),
        queryset=Allocation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    handed_on = forms.DateField(label=_("Handed over on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    vneid_installed = forms.BooleanField(
        label=_("VNeID installed from the official store"), required=False
    )
    vneid_level1 = forms.BooleanField(label=_("VNeID level 1 registered"), required=False)
    large_font = forms.BooleanField(label=_("Large-font mode turned on"), required=False)
    relative_number_saved = forms.BooleanField(label=_("A relative's number saved"), required=False)
    scam_warning = forms.BooleanField(
        label=_("Shown how to avoid scams (never read an OTP to anyone)"), required=False
    )
    sim_in_own_name = forms.BooleanField(
        label=_("SIM registered in the recipient's name"), required=False
    )
    confirmed = forms.BooleanField(
        label=_("The recipient confirmed receipt (signed or fingerprinted the minutes)"),
        required=True,
    )
    confirmed_by = forms.CharField(
        label=_("Signed by (if not the recipient)"),
        max_length=150,
        required=False,
        # Shown under its own label on the page and the minutes: who, not "signed for".
        help_text=_("Their name and relation to the recipient, e.g. “Lê Văn Minh, son”."),
    )
    consent_to_share = forms.BooleanField(
        label=_("Agrees that the sponsor may see their name and progress"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, campaign: Campaign, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allocations = Allocation.objects.filter(
            campaign=campaign, household=household, status=AllocationStatus.ALLOCATED
        ).select_related("item", "recipient")
        self.fields["allocations"].queryset = allocations  # type: ignore[attr-defined]
        self.fields["allocations"].label_from_instance = lambda a: f"{a.item} → {a.recipient}"  # type: ignore[attr-defined]
        self.fields["allocations"].initial = [a.pk for a in allocations]
        self.fields["handed_on"].initial = timezone.localdate()
        self.fields["place"].initial = campaign.handover_place


class FollowUpForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Did you reach the person?"),
        choices=[("1", _("Yes")), ("0", _("No, could not reach"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    phone_use = forms.ChoiceField(
        label=_("Is the phone in use?"),
        choices=[("", "—"), *PhoneUse.choices],
        required=False,
    )
    milestones = forms.MultipleChoiceField(
        label=_("Steps reached since the handover"),
        choices=MilestoneKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    done_on = forms.DateField(label=_("Checked on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=ReturnReason.choices)
    next_step = forms.ChoiceField(label=_("What happens next"), choices=NextStep.choices)
    returned_on = forms.DateField(label=_("On"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PolicyForm(forms.Form):
    household = HouseholdCodeField()
    merit_family = forms.BooleanField(label=_("Family of a person with merit"), required=False)
    social_policy_family = forms.BooleanField(label=_("Social-policy family"), required=False)
    basis = forms.CharField(
        label=_("Based on"),
        max_length=250,
        required=False,
        help_text=_("The decision or list this comes from, e.g. Quyết định số 12/QĐ-UBND."),
    )

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_household(self) -> Household:
        code = self.cleaned_data["household"].strip().upper()
        household = Household.objects.for_commune(self.commune).filter(code=code).first()
        if household is None:
            raise forms.ValidationError(
                _("No household of this commune has the code %(code)s.") % {"code": code}
            )
        return household  # type: ignore[no-any-return]


class SponsorContactForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Sponsor viewer"), queryset=User.objects.none())

    def __init__(self, *args: Any, commune: Commune, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__commune=commune, memberships__role="sponsor_viewer", is_active=True
        ).distinct()
