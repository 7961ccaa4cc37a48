"""Every form of DigiWard, fed hostile data directly (no middleware in between): validating
never raises, a form that refuses says why, and its errors can be shown.

The forms are found, not listed: every `django.forms` form class defined in a `digiward.*`
module (the `forms` modules and packages, and any module the URL map imports, such as
views defining a small form). Each is built with the keyword arguments its `__init__`
asks for, taken from a world of real objects (FORM_KWARGS says which); a form asking for
one that is not there fails test_every_form_can_be_built, so a new form is never skipped
in silence.

Each field gets either something plausible for its type (a valid choice, a real id, a
date) or a hostile value (tests/fuzzing.py), so validation goes past the first field
into the cross-field checks. On PostgreSQL a NUL that reaches a query is an error, which
is why both databases run this. Shrinking is off: an example is a tour of every form, and
the failure message names the form and the data.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import get_resolver
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

import digiward
from digiward.core.models import User
from digiward.donations.models import Campaign
from digiward.guidance.models import SlotTemplate, TeamMember
from digiward.homecare.models import HomecareSettings, OfficerProfile, ProcedureProfile
from digiward.learning.models import Competence, Framework, Quiz
from digiward.procedures.models import Procedure
from digiward.registry.models import Area, Household, Resident
from tests import fuzzing, worlds

pytestmark = pytest.mark.django_db

# Forms fuzzed elsewhere, with the reason.
NOT_HERE = {
    # Signing in goes through django-axes, which needs a request that passed its
    # middleware: fuzzed through the test client in test_fuzz_public.py.
    "digiward.core.forms.SignInForm": "fuzzed as the sign-in page",
}
EXAMPLES = 25


def form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(digiward.__path__, "digiward."):
        parts = module.name.split(".")
        if "forms" in parts and "tests" not in parts:
            importlib.import_module(module.name)
    get_resolver().url_patterns  # noqa: B018 - imports every view module (forms defined there)

    def below(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {
        cls
        for cls in below(forms.BaseForm)
        if cls.__module__.startswith("digiward.")
        and ".tests" not in cls.__module__
        and f"{cls.__module__}.{cls.__qualname__}" not in NOT_HERE
    }
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def test_forms_are_found():
    names = {c.__qualname__ for c in form_classes()}
    assert {"HelpAtHomeForm", "ResidentForm", "SessionForm", "HandoverForm"} <= names
    assert len(names) >= 40


# --- Building each form ------------------------------------------------------------------
@pytest.fixture
def form_world(
    commune,
    registry_objects,
    procedure_objects,
    homecare_objects,
    guidance_objects,
    donations,
    learning_objects,
):
    return {
        "commune": commune,
        "campaign": Campaign.objects.get(pk=donations["campaign"]),
        "household": Household.objects.get(pk=donations["waiting_household"]),
        "resident": Resident.objects.get(pk=registry_objects["resident"]),
        "instances": {
            Household: Household.objects.get(pk=registry_objects["household"]),
            Resident: Resident.objects.get(pk=registry_objects["resident"]),
            Procedure: Procedure.objects.get(pk=procedure_objects["procedure"]),
            OfficerProfile: OfficerProfile.objects.get(pk=homecare_objects["profile"]),
            HomecareSettings: HomecareSettings.objects.get(commune=commune),
            ProcedureProfile: ProcedureProfile.objects.filter(commune=commune).first(),
            TeamMember: TeamMember.objects.get(pk=guidance_objects["team_member"]),
            SlotTemplate: SlotTemplate.objects.get(pk=guidance_objects["template"]),
            Campaign: Campaign.objects.get(pk=donations["campaign"]),
        },
    }


@pytest.fixture
def donations(donation_objects):
    return donation_objects


# Keyword arguments by name: how to get each from the world (w) and a draw d(strategy,
# default) (the default is what the example-free test below uses).
FORM_KWARGS = {
    "commune": lambda w, d: w["commune"],
    "campaign": lambda w, d: w["campaign"],
    "household": lambda w, d: w["household"],
    "resident": lambda w, d: w["resident"],
    "editing": lambda w, d: d(st.booleans(), False),
    "can_see_full_id": lambda w, d: d(st.booleans(), True),
    # GuidePictureForm: how many steps the guide has.
    "steps": lambda w, d: d(st.integers(0, 12), 3),
    # VisitRecordForm: the papers the officer checks at the home.
    "documents": lambda w, d: ["Thẻ căn cước gắn chip", "Sổ hộ khẩu"],
    # ListChangeForm: the communes whose households may be named.
    "commune_ids": lambda w, d: {w["commune"].pk},
    # AvailabilityForm: the opening hours' cells and what was chosen before.
    "cells": lambda w, d: [(0, "morning"), (2, "afternoon"), (5, "morning")],
    "initial_values": lambda w, d: {},
    # CertificateForm: who may hold a certificate, which frameworks the commune sees.
    "members": lambda w, d: User.objects.filter(memberships__commune=w["commune"]).distinct(),
    "frameworks": lambda w, d: Framework.objects.all(),
    # EvidenceForm: the framework whose competences and levels are offered.
    "framework": lambda w, d: Framework.objects.get(code="DW-ESSENTIALS", commune=None),
    # ClassForm: the commune's khu vực, members, the competences taught, its quizzes.
    "areas": lambda w, d: Area.objects.filter(commune=w["commune"]),
    "competences": lambda w, d: Competence.objects.filter(framework__code="DW-ESSENTIALS"),
    "quizzes": lambda w, d: Quiz.objects.filter(commune=w["commune"]),
}
_PLAIN = {"data", "files", "auto_id", "prefix", "initial", "error_class", "label_suffix"}
_PLAIN |= {"empty_permitted", "field_order", "use_required_attribute", "renderer"}
_PLAIN |= {"bound_field_class", "instance", "self", "args", "kwargs", "request"}


def needed_kwargs(cls: type[forms.BaseForm]) -> list[str]:
    signature = inspect.signature(cls.__init__)
    return [
        name
        for name, p in signature.parameters.items()
        if name not in _PLAIN
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        and (p.default is p.empty or name in FORM_KWARGS)
    ]


def test_every_form_can_be_built(form_world):
    missing = {
        f"{c.__module__}.{c.__qualname__}": [n for n in needed_kwargs(c) if n not in FORM_KWARGS]
        for c in form_classes()
    }
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, f"add these constructor arguments to FORM_KWARGS: {missing}"


def build(cls, world, draw, data, files):
    kwargs = {name: FORM_KWARGS[name](world, draw) for name in needed_kwargs(cls)}
    if issubclass(cls, forms.BaseModelForm) and draw(st.booleans(), True):
        instance = world["instances"].get(cls._meta.model)
        if instance is not None:
            kwargs["instance"] = instance
    return cls(data=data, files=files, **kwargs)


# --- Values for each field -----------------------------------------------------------------
def plausible(field: forms.Field) -> st.SearchStrategy:
    """Something a person could have sent for this field."""
    if isinstance(field, forms.ModelChoiceField):
        ids = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:3]]
        return st.sampled_from(ids or [""])
    if isinstance(field, forms.ChoiceField):
        choices = [str(k) for k, _v in field.choices if not isinstance(_v, list | tuple)] or [""]
        return st.sampled_from(choices)
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(field, forms.DateField):
        return st.dates(date(2020, 1, 1), date(2032, 12, 31)).map(date.isoformat)
    if isinstance(field, forms.TimeField):
        return st.sampled_from(["07:30", "11:00", "13:30", "16:30"])
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.integers(0, 200).map(str)
    if isinstance(field, forms.EmailField):
        return st.just("mai@example.vn")
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)


def keys_of(name: str, field: forms.Field) -> list[str]:
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [f"{name}{suffix}" for suffix in widget.widgets_names]
    return [name]


@st.composite
def form_data(draw, form: forms.BaseForm):
    data: dict[str, list[str]] = {}
    files: dict[str, list[SimpleUploadedFile]] = {}
    hostile_share = draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]))
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            if draw(st.booleans()):
                content = draw(st.sampled_from([b"", b"\x00" * 64, worlds.jpeg().read()]))
                files[form.add_prefix(name)] = [SimpleUploadedFile("a\x00b.jpg", content)]
            continue
        for key in keys_of(form.add_prefix(name), field):
            if draw(st.floats(0, 1)) < hostile_share:
                data[key] = draw(st.lists(fuzzing.values, max_size=2))
            else:
                data[key] = [draw(plausible(field))]
    if draw(st.integers(0, 5)) == 0:
        data[draw(fuzzing.odd_keys)] = [draw(fuzzing.values)]
    return MultiValueDict(data), MultiValueDict(files)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@settings(fuzzing.FUZZ, max_examples=EXAMPLES)
@given(draws=st.data())
def test_no_form_raises_on_hostile_data(form_world, draws):
    def draw(strategy, default):
        return draws.draw(strategy)

    for cls in form_classes():
        name = f"{cls.__module__}.{cls.__qualname__}"
        empty = build(cls, form_world, draw, None, None)
        data, files = draws.draw(form_data(empty), label=name)
        with rolled_back():
            form = build(cls, form_world, draw, data, files)
            try:
                valid = form.is_valid()
                shown = form.errors.as_text() + str(form)
            except Exception as error:
                raise AssertionError(
                    f"{name}: {error!r} with {fuzzing.example_of(data)}"
                ) from error
        assert valid or form.errors, f"{name} refused without saying why"
        assert shown is not None


def test_the_forms_fuzz_reaches_a_valid_form(form_world):
    """Proof that `plausible` gets past validation: a form with only plausible values and
    nothing required left out is valid."""
    from digiward.guidance.forms import AbsenceForm

    form = AbsenceForm(data={"starts_on": "2030-01-01", "ends_on": "2030-01-02", "reason": "Ốm"})
    assert form.is_valid()
    assert not AbsenceForm(data={"starts_on": "10000-01-01", "ends_on": "-1e309"}).is_valid()


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "9" * 400, "-1e309", "10000-01-01"])
def test_a_nul_or_an_edge_value_in_every_field_is_refused_or_accepted_never_an_error(
    form_world, value
):
    """The same, without randomness: one hostile value in every field of every form."""
    failures = []
    for cls in form_classes():
        empty = build(cls, form_world, _default, None, None)
        data = MultiValueDict(
            {k: [value] for n, f in empty.fields.items() for k in keys_of(empty.add_prefix(n), f)}
        )
        with rolled_back():
            form = build(cls, form_world, _default, data, MultiValueDict())
            try:
                valid = form.is_valid()
                str(form)
            except Exception as error:  # every form is tried; all failures are listed
                failures.append(f"{cls.__module__}.{cls.__qualname__}: {error!r}")
                continue
        if not (valid or form.errors):
            failures.append(f"{cls.__qualname__} refused without saying why")
    assert not failures, "\n".join(failures)


def _default(strategy, default):
    return default
