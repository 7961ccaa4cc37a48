"""Structured logs: one JSON object a line, each carrying the request id.

The request id comes from nginx (X-Request-ID, see deploy/nginx-digiward.conf) or is made
by RequestIdMiddleware; it is kept in a context variable, so every record logged while a
request is handled (by Django, by our code, by a library) carries it, and a line in
nginx's log can be matched with the application's lines for the same request.

python-json-logger is not a dependency: the formatter below is the few lines we need.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "digiward_request_id", default="-"
)

# Attributes every LogRecord has: anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (as `record.request_id`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request id,
    the `extra=` fields, and the traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key == "request":
                # Django's request logger passes the request: its repr holds the query
                # string, which may carry a searched name or citizen ID. Path only.
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
            elif key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a request or a model in `extra` (Django logs the request) is
        # written as its repr, never makes the log call fail.
        return json.dumps(entry, ensure_ascii=False, default=str)
