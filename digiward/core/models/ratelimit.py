"""Attempt counters for rate limiting (see digiward/core/ratelimit.py)."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """How many attempts a key (e.g. "status-lookup:ip:203.0.113.7") made since `window_start`."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "rate counter"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
