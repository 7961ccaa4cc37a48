"""Vietnamese is complete: every interface string has a Vietnamese translation."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command


def test_vietnamese_catalogue_has_no_gap():
    call_command("compile_translations", "--check", stdout=StringIO())
