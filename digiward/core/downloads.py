"""Files handed to a person's browser: one place for the headers and the audit row.

A document made from personal data (minutes, a route sheet, a person's export, a report)
is audited as an export before it leaves, opens in the browser when it is a PDF and is
downloaded otherwise, and is never kept by a shared cache (`private, no-store`)."""

from __future__ import annotations

from django.db import models
from django.http import HttpResponse

from digiward.core.access import CommuneRequest
from digiward.core.audit import audit_record
from digiward.core.models import AuditAction

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, *, filename: str, content_type: str = PDF) -> HttpResponse:
    """The file with its name; PDFs inline, other kinds as an attachment; not cached."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def exported_file(
    request: CommuneRequest,
    content: bytes,
    *,
    obj: models.Model,
    object_repr: str,
    filename: str,
    content_type: str = PDF,
) -> HttpResponse:
    """A document made for this user: the audit row that says who took it, then the file."""
    audit_record(
        action=AuditAction.EXPORT,
        commune=request.access.commune,
        obj=obj,
        object_repr=object_repr,
    )
    return file_response(content, filename=filename, content_type=content_type)
