"""What the home-support views share."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest


def form_problems(request: HttpRequest, form: forms.BaseForm) -> None:
    """A small form posted from a page that is not its own (a button row, an inline form):
    its errors go to the messages of the page the view redirects to."""
    for problems in form.errors.values():
        for problem in problems:
            messages.error(request, str(problem))
