from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.forms import IdsField
from digiward.core.models import User
from digiward.core.widgets import DateInput
from digiward.learning.models import Competence, Framework, Quiz, Track
from digiward.registry.journey import MilestoneKind
from digiward.registry.models import Area


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


class QuizImportForm(forms.Form):
    file = forms.FileField(
        label=_("Question file (GIFT, as Moodle exports it)"),
        help_text=_(
            "Each question's $CATEGORY names the competence it tests, for example "
            "$CATEGORY: DW-ESSENTIALS/AT.2."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".gift,.txt"}),
    )
    title = forms.CharField(
        label=_("Quiz title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the title written on the file's first line (// quiz: …)."),
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"), min_value=1, max_value=100, required=False
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from error


class EvidenceForm(forms.Form):
    """An official or volunteer saw the person do it."""

    competence = forms.ModelChoiceField(label=_("Competence"), queryset=Competence.objects.none())
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Where you saw it"), choices=())
    achieved_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        from digiward.learning.services import OBSERVED_KINDS

        super().__init__(*args, **kwargs)
        competence_field = self.fields["competence"]
        assert isinstance(competence_field, forms.ModelChoiceField)
        competence_field.queryset = framework.competences.order_by("position")
        competence_field.label_from_instance = lambda c: f"{c.code} {c.name}"  # type: ignore[method-assign,assignment]
        level_field = self.fields["level"]
        assert isinstance(level_field, forms.TypedChoiceField)
        level_field.choices = [
            (lv.number, f"{lv.number}. {lv.name}") for lv in framework.levels.all()
        ]
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k.value, k.label) for k in OBSERVED_KINDS]


class ClassForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        help_text=_("For example: the cultural house of khu vực 3."),
    )
    area = forms.ModelChoiceField(label=_("Khu vực"), queryset=Area.objects.none(), required=False)
    track = forms.ChoiceField(label=_("For"), choices=Track.choices)
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=User.objects.none(), required=False
    )
    trainer_name = forms.CharField(
        label=_("Or a trainer from outside"), max_length=150, required=False
    )
    competences = IdsField(
        label=_("Competences taught"),
        queryset=Competence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    check_quiz = forms.ModelChoiceField(
        label=_("Check before and after (a quiz)"),
        queryset=Quiz.objects.none(),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        areas: Any,
        members: Any,
        competences: Any,
        quizzes: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("area", areas),
            ("trainer", members),
            ("competences", competences),
            ("check_quiz", quizzes),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        competence_field = self.fields["competences"]
        assert isinstance(competence_field, forms.ModelChoiceField)
        competence_field.label_from_instance = lambda c: f"{c.code} {c.name}"  # type: ignore[method-assign,assignment]
        trainer_field = self.fields["trainer"]
        assert isinstance(trainer_field, forms.ModelChoiceField)
        trainer_field.label_from_instance = lambda u: u.full_name or u.username  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("trainer") and not (data.get("trainer_name") or "").strip():
            self.add_error(
                "trainer", _("Choose the trainer, or type the name of one from outside.")
            )
        return data


class WalkInForm(forms.Form):
    walk_in_name = forms.CharField(label=_("Name of someone not in the registry"), max_length=150)
