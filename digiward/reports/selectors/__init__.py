"""Reads of the report screens, one module per screen: the home pages (`home`), the
commune dashboard (`dashboard`) and the province roll-up (`province`)."""

from digiward.reports.selectors.dashboard import Dashboard, DashboardFilters, commune_dashboard
from digiward.reports.selectors.home import HomeSummary, Today, home_summary
from digiward.reports.selectors.province import (
    CommuneRow,
    ProvinceRollup,
    province_rollup,
    viewer_provinces,
)

__all__ = [
    "CommuneRow",
    "Dashboard",
    "DashboardFilters",
    "HomeSummary",
    "ProvinceRollup",
    "Today",
    "commune_dashboard",
    "home_summary",
    "province_rollup",
    "viewer_provinces",
]
