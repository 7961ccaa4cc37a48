"""The glue between a refused action and the page: one way for every view.

A service raises `DomainError` with a message for the person who tried; the view shows it
on the form (on the field it names, when the form has that field) or as a message on the
next page, and keeps what was typed. Views write

    with attempt(request, form=form, success=_("Request saved.")) as outcome:
        services.request_save(...)
    if outcome.ok:
        return redirect(...)

instead of the same try/except/else in every view.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from digiward.core.errors import DomainError


@dataclass
class Outcome:
    ok: bool = True
    error: DomainError | None = None


def form_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put the refusal on the field it names, or above the form when it names none."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


@contextmanager
def attempt(
    request: HttpRequest,
    *,
    form: forms.BaseForm | None = None,
    success: Any = None,
) -> Iterator[Outcome]:
    """Run a service call; a DomainError goes on `form` (or to the messages), and
    `success` (a message) is shown only when the call went through."""
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        outcome.ok, outcome.error = False, error
        if form is not None:
            form_error(form, error)
        else:
            messages.error(request, error.message)
    else:
        if success:
            messages.success(request, str(success))
