"""The registry of message kinds, mirroring the ZNS templates approved for our OA.

Each kind lists the template's parameters with their type and maximum length, as
declared when the template was submitted to Zalo; every message is checked against it
before anything is sent (Zalo refuses a parameter that is too long, and a refused
message is a lost message). Template ids are data (ZnsTemplate): set them on the
settings page or with `digiward zns_templates --set KIND=ID`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    max_length: int
    kind: str = "string"  # "string", "number" or "date" (dd/mm/yyyy)


@dataclass(frozen=True)
class Kind:
    label: Promise
    params: tuple[Param, ...]


_COMMON = (Param("commune", 100), Param("stop_phone", 15))
KINDS: dict[str, Kind] = {
    "tracking_code": Kind(
        _("Tracking code of a request for help at home"),
        (Param("code", 12), Param("person", 50), *_COMMON),
    ),
    "visit_scheduled": Kind(
        _("Home visit scheduled"),
        (
            Param("code", 12),
            Param("day", 10, "date"),
            Param("window", 20),
            Param("officer", 50),
            *_COMMON,
        ),
    ),
    "visit_confirm": Kind(
        _("Home visit tomorrow (confirmation)"),
        (
            Param("code", 12),
            Param("day", 10, "date"),
            Param("window", 20),
            Param("ward_phone", 15),
            *_COMMON,
        ),
    ),
    "visit_done": Kind(
        _("Request for help at home done"),
        (Param("code", 12), Param("what", 200), *_COMMON),
    ),
    "duty_reminder": Kind(
        _("Duty shift reminder"),
        (Param("name", 30), Param("day", 10, "date"), Param("shift", 30), *_COMMON),
    ),
    "swap_answer": Kind(
        _("Answer about a change of shifts"),
        (Param("name", 30), Param("day", 10, "date"), Param("answer", 150), *_COMMON),
    ),
    "followup": Kind(
        _("Follow-up reminder"),
        (Param("name", 30), Param("text", 200), *_COMMON),
    ),
}

_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


def template_validate(kind: str, params: dict[str, str]) -> dict[str, str]:
    """The parameters as ZNS `template_data`, or TemplateError naming what is wrong."""
    try:
        spec = KINDS[kind]
    except KeyError:
        raise TemplateError(f"unknown message kind {kind!r}") from None
    names = {p.name for p in spec.params}
    extra = set(params) - names
    if extra:
        raise TemplateError(f"{kind}: unexpected parameters {sorted(extra)}")
    data: dict[str, str] = {}
    for param in spec.params:
        value = str(params.get(param.name, "")).strip()
        if not value:
            raise TemplateError(f"{kind}: parameter {param.name} is empty")
        if len(value) > param.max_length:
            raise TemplateError(
                f"{kind}: parameter {param.name} has {len(value)} characters, "
                f"at most {param.max_length}"
            )
        if param.kind == "number" and not value.isdigit():
            raise TemplateError(f"{kind}: parameter {param.name} is not a number")
        if param.kind == "date" and not _DATE.match(value):
            raise TemplateError(f"{kind}: parameter {param.name} is not dd/mm/yyyy")
        data[param.name] = value
    return data
