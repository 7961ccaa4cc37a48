"""Forms of the core screens (members, roles, passwords) and form fields every app uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from digiward.core.models import Role
from digiward.core.phones import PhoneNumberField
from digiward.core.services import COMMUNE_ROLES

ROLE_CHOICES = [(role.value, role.label) for role in COMMUNE_ROLES]

username_validator = RegexValidator(
    r"^[a-z0-9._-]{3,40}$",
    _("Use 3–40 lower-case letters without accents, digits, dots, dashes or underscores."),
)


class SignInForm(AuthenticationForm):
    """Django's sign-in form with labels and autocomplete hints for phones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class MemberCreateForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        validators=[username_validator],
        help_text=_("For example: nguyenvanan. Used to sign in."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = PhoneNumberField(label=_("Mobile phone"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    password = forms.CharField(
        label=_("Temporary password"),
        min_length=10,
        help_text=_(
            "At least 10 characters. Give it to the person; they can change it after signing in."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Add a role"), choices=ROLE_CHOICES)

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class ExistingMemberForm(forms.Form):
    """Add someone who already signs in elsewhere (another commune) to this commune."""

    username = forms.CharField(label=_("Username of an existing account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New temporary password"),
        min_length=10,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )


class LinesField(forms.CharField):
    """A list typed one item per line in a textarea (papers, what to bring, keywords)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]
