"""Template helpers for home support: map links for a home, minutes, due badges."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from digiward.homecare.models import HomeSupportRequest
from digiward.homecare.planner import request_point

register = template.Library()


@dataclass(frozen=True)
class MapLinks:
    """No map service is reachable from the server: the phone opens the point itself.

    ``geo`` opens the phone's map app (RFC 5870); ``osm`` is OpenStreetMap in a browser.
    """

    lat: str
    lon: str

    @property
    def geo(self) -> str:
        return f"geo:{self.lat},{self.lon}"

    @property
    def osm(self) -> str:
        return (
            f"https://www.openstreetmap.org/?mlat={self.lat}&mlon={self.lon}"
            f"#map=18/{self.lat}/{self.lon}"
        )

    @property
    def text(self) -> str:
        return f"{self.lat}, {self.lon}"


def map_links_for(request: HomeSupportRequest) -> MapLinks | None:
    point = request_point(request)
    if point is None:
        return None
    return MapLinks(f"{point.lat:.6f}", f"{point.lon:.6f}")


@register.simple_tag
def map_links(request: HomeSupportRequest) -> MapLinks | None:
    return map_links_for(request)


@register.filter
def minutes(seconds: int | None) -> int:
    return round((seconds or 0) / 60)
