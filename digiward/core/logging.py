"""Logging filters."""

from __future__ import annotations

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused page (403) is an expected answer, not a crash: one line, no traceback.

    Django logs every PermissionDenied with its traceback at WARNING; a volunteer
    opening a menu item they may not use filled the log with 40-line tracebacks that
    hid the real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
