"""Forms of the core screens (members, roles, passwords) and form fields every app uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from digiward.core.alerts import security_alert
from digiward.core.models import Commune, Role, User
from digiward.core.phones import PhoneNumberField
from digiward.core.ratelimit import attempts, clear, hit
from digiward.core.request_context import client_ip
from digiward.core.services import COMMUNE_ROLES

ROLE_CHOICES = [(role.value, role.label) for role in COMMUNE_ROLES]

username_validator = RegexValidator(
    r"^[a-z0-9._-]{3,40}$",
    _("Use 3–40 lower-case letters without accents, digits, dots, dashes or underscores."),
)


# Guessing passwords, beyond what django-axes stops (5 failures for one name from one
# address): one account tried from many addresses, or many accounts from one address.
# A ward office shares one address behind its router, so that limit is the looser one.
SIGN_IN_WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 10
FAILURES_PER_ADDRESS = 20


class SignInForm(AuthenticationForm):
    """Django's sign-in form with labels, autocomplete hints for phones, and limits on
    failed attempts per account (from any address) and per address (for any account)."""

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", "")).strip().lower()[:150]
        account_key = f"sign-in:account:{username}"
        address_key = f"sign-in:address:{client_ip(self.request) if self.request else '-'}"
        if (
            attempts(account_key, window=SIGN_IN_WINDOW) >= FAILURES_PER_ACCOUNT
            or attempts(address_key, window=SIGN_IN_WINDOW) >= FAILURES_PER_ADDRESS
        ):
            raise forms.ValidationError(
                _(
                    "Too many failed sign-ins. Wait 15 minutes, or ask your commune's "
                    "administrator for a temporary password."
                ),
                code="throttled",
            )
        try:
            cleaned: dict[str, Any] = super().clean()
        except forms.ValidationError:
            _count_failure(username, account_key, address_key)
            raise
        clear(account_key)
        return cleaned

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def _count_failure(username: str, account_key: str, address_key: str) -> None:
    account_failures = hit(account_key, window=SIGN_IN_WINDOW)
    address_failures = hit(address_key, window=SIGN_IN_WINDOW)
    if address_failures == FAILURES_PER_ADDRESS:
        security_alert(
            kind="sign-in-address",
            commune=None,
            about=None,
            what=_("%(n)s failed sign-ins from one address within 15 minutes.")
            % {"n": address_failures},
        )
    if account_failures == FAILURES_PER_ACCOUNT:
        account = User.objects.filter(username__iexact=username).first()
        communes: list[Commune | None] = list(
            {m.commune for m in account.memberships.select_related("commune") if m.commune}
            if account
            else set()
        )
        for commune in communes or [None]:
            security_alert(
                kind="sign-in-account",
                commune=commune,
                about=account,
                what=_("%(n)s failed sign-ins for this account within 15 minutes.")
                % {"n": account_failures},
            )


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


class IdsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A multiple choice of objects by id that refuses an id too long for any database
    integer before asking: SQLite raised OverflowError on `id IN (<20 digits>)`, a 500
    (tests/test_fuzz_forms.py; the single-choice field is safe since Django 5.0)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            if len(str(pk).strip().lstrip("+-")) > 18:  # 2**63 has 19 digits
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:30]},
                )
        return super().clean(value)


class LinesField(forms.CharField):
    """A list typed one item per line in a textarea (papers, what to bring, keywords)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class CommuneSettingsForm(forms.Form):
    """The ward's contacts as citizens read them on every public page."""

    phone = PhoneNumberField(
        label=_("Phone number of the ward"),
        required=False,
        help_text=_("The number citizens call, e.g. the one-stop desk: 0292 3821 123."),
    )
    address = forms.CharField(
        label=_("Address of the service center"), max_length=300, required=False
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line each, e.g. “Monday to Friday: 7:30–11:30 and 13:30–17:00”."),
    )
