"""A household's place on the list in plain words: "Hộ nghèo 2026 · chưa có điện thoại…".

The list stores facts as bits (donations.ranking); the words are written when shown, in
the reader's language, so one ranking serves the Vietnamese screen, the English one and
the Excel file of the review meeting.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from digiward.donations import ranking as r

GROUP_LABELS = {
    r.GROUP_MERIT: "1",
    r.GROUP_SOCIAL_POLICY: "2",
    r.GROUP_POOR: "3",
    r.GROUP_NEAR_POOR: "4",
    r.GROUP_OTHER: "5",
}


def group_name(group: int) -> str:
    names = {
        r.GROUP_MERIT: _("Poor or near-poor, family of a person with merit"),
        r.GROUP_SOCIAL_POLICY: _("Poor or near-poor, social-policy family"),
        r.GROUP_POOR: _("Poor households"),
        r.GROUP_NEAR_POOR: _("Near-poor households"),
        r.GROUP_OTHER: _("Other households the campaign admits"),
        r.GROUP_NONE: _("Added by the review"),
    }
    return names.get(group, "—")


def status_words(flags: int, poverty_year: int | None) -> str:
    """'Hộ nghèo 2026', 'Hộ cận nghèo', 'Hộ đặc biệt khó khăn'…"""
    if flags & r.POOR_STATUS:
        if poverty_year:
            return _("Poor household %(year)s") % {"year": poverty_year}
        return _("Poor household")
    if flags & r.NEAR_POOR_STATUS:
        if poverty_year:
            return _("Near-poor household %(year)s") % {"year": poverty_year}
        return _("Near-poor household")
    if flags & r.PARTICULARLY_DISADVANTAGED:
        return _("Particularly disadvantaged household")
    return _("Not a poor or near-poor household")


def fact_words(code: str) -> str:
    words = {
        "merit_family": _("family of a person with merit"),
        "social_policy_family": _("social-policy family"),
        "particularly_disadvantaged": _("particularly disadvantaged household"),
        "no_smartphone": _("no smartphone yet"),
        "elderly_alone": _("elderly person living alone"),
        "disability": _("a member with a disability"),
        "limited_mobility": _("a member who cannot travel easily"),
        "chronic_illness": _("a member with a chronic illness"),
        "elderly": _("an elderly member"),
    }
    return words[code]


def exclusion_words(code: str, rules: r.Rules) -> str:
    words = {
        r.EXCLUDED_NO_MEMBER: _("nobody lives there now"),
        r.EXCLUDED_NOT_POOR: _("not a poor or near-poor household the campaign admits"),
        r.EXCLUDED_POVERTY_YEAR: _("poverty certified before %(year)s")
        % {"year": rules.poverty_year_from},
        r.EXCLUDED_HAS_SMARTPHONE: _("someone in the household already has a smartphone"),
        r.EXCLUDED_EARLIER_DEVICE: _("received a phone in an earlier campaign"),
    }
    return words[code]


def reasons_text(flags: int, poverty_year: int | None, rules: r.Rules) -> str:
    """The whole line: status first, then the facts that count, joined with " · "."""
    parts = [status_words(flags, poverty_year)]
    for code in r.reason_codes(flags, rules):
        if code == "particularly_disadvantaged" and not (
            flags & (r.POOR_STATUS | r.NEAR_POOR_STATUS)
        ):
            continue  # already the status
        parts.append(fact_words(code))
    return " · ".join(parts)
