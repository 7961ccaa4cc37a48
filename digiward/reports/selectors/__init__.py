"""Reads of the report screens, one module per screen: the home pages (`home`) and the
province roll-up (`province`)."""

from digiward.reports.selectors.home import HomeSummary, Today, home_summary
from digiward.reports.selectors.province import (
    CommuneRow,
    ProvinceRollup,
    province_rollup,
    viewer_provinces,
)

__all__ = [
    "CommuneRow",
    "HomeSummary",
    "ProvinceRollup",
    "Today",
    "home_summary",
    "province_rollup",
    "viewer_provinces",
]
