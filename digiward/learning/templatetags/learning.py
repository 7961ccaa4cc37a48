from __future__ import annotations

from typing import Any

from django import template

from digiward.learning.models import MatchRelation, Track

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, ())


@register.filter
def track_labels(tracks: list[str]) -> str:
    return ", ".join(str(Track(t).label) for t in tracks if t in Track.values)


@register.filter
def relation_label(relation: str) -> str:
    return str(MatchRelation(relation).label) if relation in MatchRelation.values else relation
