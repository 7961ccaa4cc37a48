"""Staff forms for the catalog: a commune's note, a guide's new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
            "One action per line, in plain words. Put the words the phone shows between two stars: Tap **Đăng nhập**."
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
    change_note = forms.CharField(label=_("What did you change?"), max_length=300)

    def clean_steps(self) -> list[str]:
        steps = _lines(self.cleaned_data["steps"])
        if not 1 <= len(steps) <= 20:
            raise forms.ValidationError(_("Write between 1 and 20 steps."))
        for step in steps:
            if step.count("**") % 2:
                raise forms.ValidationError(_("A ** is not closed in: %(step)s") % {"step": step})
        return steps

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "audience": data["audience"],
            "steps": [{"text": step} for step in data["steps"]],
            "common_mistakes": _lines(data["common_mistakes"]),
            "what_to_bring": _lines(data["what_to_bring"]),
        }
