from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.forms import IdsField
from digiward.core.models import User
from digiward.learning.models import Competence, Framework, Track
from digiward.registry.journey import MilestoneKind


class CompetenceForm(forms.Form):
    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    description_vi = forms.CharField(
        label=_("Description (Vietnamese)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    tracks = forms.MultipleChoiceField(
        label=_("Tracks"), choices=Track.choices, widget=forms.CheckboxSelectMultiple
    )
    milestone = forms.ChoiceField(
        label=_("Journey milestone it shows"),
        choices=[("", _("none")), *MilestoneKind.choices],
        required=False,
    )


class CertificateForm(forms.Form):
    """Who, for what; `resident` or `member` (one of them), chosen on the page above."""

    resident = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    member = forms.ModelChoiceField(
        label=_("Or an official or volunteer of the commune"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    framework = forms.ModelChoiceField(label=_("Framework"), queryset=Framework.objects.none())
    competences = IdsField(
        label=_("Competences confirmed"),
        queryset=Competence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices)
    basis = forms.CharField(
        label=_("What the confirmation is based on"),
        help_text=_(
            "For example: “Passed the VNeID quiz on 02/12; observed paying a fee alone at the desk.”"
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args: Any, members: Any, frameworks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["framework"].queryset = frameworks  # type: ignore[attr-defined]
        self.fields["competences"].queryset = Competence.objects.filter(  # type: ignore[attr-defined]
            framework__in=frameworks
        ).select_related("framework")
        self.fields["competences"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.framework.code} {c.code} — {c.name}"
        )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, min_length=5)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
