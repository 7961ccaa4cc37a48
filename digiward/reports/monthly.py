"""The commune's monthly report, as Excel and as PDF: the dashboard's figures for one
calendar month, written by the same selectors so the report and the screen agree."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digiward.core.access import Access
from digiward.core.documents import date_words, in_sentence, place_name, render_pdf
from digiward.core.models import Commune, Role, User
from digiward.core.xlsx import Sheet, build_book
from digiward.reports.selectors.dashboard import Dashboard, DashboardFilters, commune_dashboard

FORMATS = ("xlsx", "pdf")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)  # no full-width or other digits
COUNT = "#,##0"
ONE_DECIMAL = "0.0"


class MonthError(ValueError):
    """A month that cannot be reported on; the message says why, in the user's language."""


def parse_month(text: str, today: date | None = None) -> date:
    """'2026-11' → 1 November 2026. A month not yet begun has nothing to report."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
        raise MonthError(_("Write the month as YYYY-MM, for example 2026-11."))
    month = date(int(found[1]), int(found[2]), 1)
    if month > (today or timezone.localdate()):
        raise MonthError(_("That month has not begun yet."))
    return month


def month_bounds(month: date) -> tuple[date, date]:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return month, following - timedelta(days=1)


def monthly_dashboard(commune: Commune, month: date, user: User | None = None) -> Dashboard:
    """The dashboard of the whole commune for `month`. The report is the commune's, read
    with an administrator's permissions whoever asks for it (they hold VIEW_STATISTICS);
    `user` only names who asked."""
    access = Access(
        user=user or User(username="digiward"),
        commune=commune,
        roles=frozenset({Role.COMMUNE_ADMIN}),
    )
    return commune_dashboard(access, DashboardFilters(), bounds=month_bounds(month))


def report_filename(commune: Commune, month: date, fmt: str) -> str:
    return f"bao-cao-thang-{month:%Y-%m}-{commune.code}.{fmt}"


def monthly_report(commune: Commune, month: date, fmt: str, user: User | None = None) -> bytes:
    """The report's file. Written in Vietnamese, the language of the commune's records."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    board = monthly_dashboard(commune, month, user)
    with translation.override("vi"):
        return _xlsx(commune, month, board) if fmt == "xlsx" else _pdf(commune, month, board)


def _xlsx(commune: Commune, month: date, board: Dashboard) -> bytes:
    subtitle = _("%(commune)s · month %(month)s · made %(at)s") % {
        "commune": commune.name,
        "month": f"{month:%m/%Y}",
        "at": timezone.localtime(board.computed_at).strftime("%H:%M %d/%m/%Y"),
    }
    waits = board.waits
    home = board.home_support
    sheets = [
        Sheet(
            title=_("Digital journey"),
            headers=[
                _("Highest step reached"),
                _("Adults"),
                _("Share (%)"),
                _("Reached in the month"),
            ],
            rows=[
                (
                    f"{item.rung.number}. {item.rung.label}",
                    item.rung.count,
                    item.rung.percent,
                    item.reached_in_period,
                )
                for item in board.ladder
            ]
            + [(_("Total"), board.adults, 100.0 if board.adults else 0.0, None)],
            widths=[44, 14, 12, 18],
            number_formats=[None, COUNT, ONE_DECIMAL, COUNT],
        ),
        Sheet(
            title=_("Help by outcome"),
            headers=[_("Outcome"), _("Sessions")],
            rows=[(t.label, t.count) for t in board.help.by_outcome]
            + [(_("Total"), board.help.total)],
            widths=[36, 14],
            number_formats=[None, COUNT],
        ),
        Sheet(
            title=_("Help by procedure"),
            headers=[_("Procedure"), _("Sessions")],
            rows=[(t.label, t.count) for t in board.help.by_service]
            + [(_("Total"), board.help.total)],
            widths=[60, 14],
            number_formats=[None, COUNT],
        ),
        Sheet(
            title=_("Desk waits"),
            headers=[_("Measure"), _("Value")],
            rows=[
                (_("People called from the queue"), waits.called),
                (_("Half waited at most (minutes)"), waits.median_minutes),
                (_("Nine in ten waited at most (minutes)"), waits.p90_minutes),
                (_("The longest wait (minutes)"), waits.longest_minutes),
            ],
            widths=[40, 14],
            number_formats=[None, ONE_DECIMAL],
        ),
        Sheet(
            title=_("Home support"),
            headers=[_("Status of open requests"), _("Requests")],
            rows=[(str(label), count) for _value, label, count in home.by_status]
            + [
                (_("Open, in all"), home.open),
                (_("Past their deadline"), home.overdue),
                (_("Due soon"), home.due_soon),
            ],
            widths=[40, 14],
            number_formats=[None, COUNT],
        ),
        Sheet(
            title=_("Device donations"),
            headers=[
                _("Campaign"),
                _("Households listed"),
                _("Phones available"),
                _("Allocated"),
                _("Handed over"),
            ],
            rows=[
                (
                    c.campaign.name,
                    c.households_listed,
                    c.phones_available,
                    c.allocated,
                    c.handed_over,
                )
                for c in board.campaigns or []
            ],
            widths=[44, 16, 16, 14, 14],
            number_formats=[None, COUNT, COUNT, COUNT, COUNT],
        ),
    ]
    return build_book(subtitle=subtitle, sheets=sheets)


def _pdf(commune: Commune, month: date, board: Dashboard) -> bytes:
    made = timezone.localtime(board.computed_at).date()
    return render_pdf(
        "reports/pdf/monthly.html",
        {
            "board": board,
            "month": month,
            "commune_name": in_sentence(commune.name),
            "commune_upper": commune.name.upper(),
            "place_date": f"{place_name(commune.name)}, {date_words(made)}",
        },
    )
