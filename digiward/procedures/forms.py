"""Staff forms for the catalog: a commune's own procedure, its note, a guide's new version."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from digiward.core.forms import LinesField
from digiward.procedures.models import Place, Procedure

# "[ảnh 12]" at the end of a step's line: picture 12 belongs to that step.
PICTURE_WORD = "ảnh"
PICTURE_MARK = re.compile(r"\s*\[(?:ảnh|anh|picture)\s+(\d+)\]\s*$", re.IGNORECASE)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProcedureNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for this commune"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Counter number, local fee, opening hours… Shown on the guide's public page. Empty removes it."
        ),
    )


class GuideForm(forms.Form):
    """A guide edited as text: one step per line, the screen's words between ** **."""

    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.CharField(label=_("For whom"), max_length=300, required=False)
    steps = forms.CharField(
        label=_("Steps, one per line"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One action per line, in plain words. Put the words the phone shows between two "
            "stars: Tap **Đăng nhập**. A step's picture is shown as [ảnh 12] at the end of its "
            "line: keep it with the line."
        ),
    )
    common_mistakes = forms.CharField(
        label=_("Common mistakes, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    what_to_bring = forms.CharField(
        label=_("What to bring, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    # Required by the service only when something changed: saving unchanged is no error.
    change_note = forms.CharField(label=_("What did you change?"), max_length=300, required=False)
    # The version the form was opened on: a save on top of a newer one is refused.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_steps(self) -> list[tuple[str, str]]:
        """(text, picture id or "") per step: a picture travels with its line, so moving
        or inserting steps keeps each picture on its step."""
        steps = []
        for line in _lines(self.cleaned_data["steps"]):
            found = PICTURE_MARK.search(line)
            text = PICTURE_MARK.sub("", line).strip()
            steps.append((text, found.group(1) if found else ""))
        if not 1 <= len(steps) <= 20:
            raise forms.ValidationError(_("Write between 1 and 20 steps."))
        for text, _picture in steps:
            if not text:
                raise forms.ValidationError(_("A step has a picture but no words."))
            if text.count("**") % 2:
                raise forms.ValidationError(_("A ** is not closed in: %(step)s") % {"step": text})
        return steps

    @staticmethod
    def step_lines(steps: list[dict[str, Any]]) -> str:
        return "\n".join(
            step["text"] + (f" [{PICTURE_WORD} {step['image']}]" if step.get("image") else "")
            for step in steps
        )

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "audience": data["audience"],
            "steps": [{"text": text, "image": picture} for text, picture in data["steps"]],
            "common_mistakes": _lines(data["common_mistakes"]),
            "what_to_bring": _lines(data["what_to_bring"]),
        }


class ProcedureForm(forms.ModelForm[Procedure]):
    """A procedure the commune adds to its own catalog: the facts people need, and
    where the commune took them from."""

    places = forms.MultipleChoiceField(
        label=_("Where to do it"),
        choices=Place.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = LinesField(label=_("Papers needed, one per line"), required=False)
    legal_basis = LinesField(label=_("Legal basis, one per line"), required=False)
    keywords = LinesField(
        label=_("Other words people use, one per line"),
        required=False,
        help_text=_("e.g. “làm giấy khai sinh”: the search also finds the procedure by these."),
    )
    source = forms.CharField(
        label=_("Where these facts come from"),
        max_length=300,
        help_text=_("A decision, the national portal's page, the district's instructions…"),
    )

    class Meta:
        model = Procedure
        fields = [
            "name",
            "code",
            "field",
            "online_level",
            "summary",
            "agency",
            "places",
            "home_support_possible",
            "documents",
            "fee_text",
            "fee_vnd",
            "time_limit_text",
            "time_limit_working_days",
            "legal_basis",
            "keywords",
            "is_published",
            "popularity",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "fee_text": forms.Textarea(attrs={"rows": 2}),
            "time_limit_text": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.commune_id is None:
            # A national entry keeps its fact-by-fact sources (catalog file).
            del self.fields["source"]
            return
        sources = [f.get("source", "") for f in self.instance.facts if f.get("source")]
        if sources:
            self.fields["source"].initial = sources[0]


class GuidePictureForm(forms.Form):
    step = forms.TypedChoiceField(label=_("Step number"), coerce=int)
    picture = forms.ImageField(
        label=_("Picture (a screenshot of the phone)"),
        required=False,
        help_text=_("JPEG or PNG. It is made smaller for cheap phones."),
    )
    alt = forms.CharField(
        label=_("What the picture shows"),
        max_length=200,
        required=False,
        help_text=_("A few words, read aloud to people who cannot see it."),
    )
    remove = forms.BooleanField(label=_("Take the picture off this step"), required=False)

    def __init__(self, *args: Any, steps: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(n, str(n)) for n in range(1, steps + 1)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("remove") and not data.get("picture"):
            self.add_error("picture", _("Choose a picture, or tick “take the picture off”."))
        return data
