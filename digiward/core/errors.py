"""Domain errors: a refused action with a message for the person who tried it."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. The message is user-facing (already translated)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
