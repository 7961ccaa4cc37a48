"""The donations app's words for people: a household's place on the list, and amounts.

A household's place on the list in plain words: "Hộ nghèo 2026 · chưa có điện thoại…".
The list stores facts as bits (donations.ranking); the words are written when shown, in
the reader's language, so one ranking serves the Vietnamese screen, the English one and
the Excel file of the review meeting.

Amounts in Vietnamese words, as written on handover minutes and receipts: always in
Vietnamese, whatever the screen's language, and without Django (pure functions).
2.357.000 → "Hai triệu ba trăm năm mươi bảy nghìn đồng".

The usual rules of written Vietnamese numbers:
- tens: "mười" for 10–19, "<digit> mươi" from 20 ("hai mươi");
- ones after a ten: 1 is "mốt" from 21 on ("hai mươi mốt") but "một" in "mười một";
  5 is "lăm" after any ten ("mười lăm", "hai mươi lăm"); 4 may be "tư" from 24 on
  ("hai mươi tư", but "mười bốn");
- a zero ten before a non-zero one is "lẻ" (southern usage, the default here: the demo
  ward is in Cần Thơ) or "linh" (northern and many legal texts): "một trăm lẻ năm";
- inside a number, a group of three digits after a larger one is read in full, with
  "không trăm" when its hundreds are zero: 1.005.000 → "một triệu không trăm lẻ năm
  nghìn"; groups that are all zeros are skipped: 2.000.500 → "hai triệu năm trăm";
- scales: nghìn, triệu, tỷ, then "nghìn tỷ", "triệu tỷ"…
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from digiward.donations import ranking as r

# ---- The list's reasons ------------------------------------------------------------------

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


def points_text(score: int, flags: int, candidates: Sequence[r.Rules]) -> str:
    """ "25 points: no smartphone yet +20, an elderly member +5".

    `candidates`: the rules the score may have been computed with, most likely first (the
    ranking's own, then the campaign's today); the first whose points add up to the
    stored score explains it, so the words stay true after the rules change or the list
    is locked. None adds up (a score from rules no longer known): the first is used."""
    if not candidates:
        return _("%(score)s points") % {"score": score}
    chosen = next(
        (rules for rules in candidates if sum(p for _n, p in r.points(flags, rules)) == score),
        candidates[0],
    )
    earned = r.points(flags, chosen)
    if not earned:
        return _("%(score)s points: no weighted criterion") % {"score": score}
    terms = ", ".join(f"{fact_words(name)} +{value}" for name, value in earned)
    return _("%(score)s points: %(terms)s") % {"score": score, "terms": terms}


# ---- Amounts in words --------------------------------------------------------------------

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")


def _three_digits(number: int, *, full: bool, odd_word: str) -> list[str]:
    """Words for 0–999. `full`: read the hundreds even when zero ("không trăm")."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones:
            if words:
                words.append(odd_word)
            words.append(DIGITS[ones])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if ones == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif ones == 5:
        words.append("lăm")
    elif ones == 4 and tens >= 2:
        words.append("tư")
    elif ones:
        words.append(DIGITS[ones])
    return words


def _below_billion(number: int, *, leading: bool, odd_word: str) -> list[str]:
    """Words for 0–999,999,999. `leading`: nothing bigger is written before it."""
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        first = leading and not words
        words += _three_digits(group, full=not first, odd_word=odd_word)
        if SCALES[index]:
            words.append(SCALES[index])
    return words


def number_in_words(number: int, *, odd_word: str = "lẻ") -> str:
    """A whole number in lower-case Vietnamese words ("hai triệu ba trăm…")."""
    if number < 0:
        raise ValueError("negative amounts are not written in words here")
    if odd_word not in ("lẻ", "linh"):
        raise ValueError("odd_word is 'lẻ' or 'linh'")
    if number == 0:
        return DIGITS[0]
    billions, rest = divmod(number, 1_000_000_000)
    words: list[str] = []
    if billions:
        # 1.500.000.000.000 → "một nghìn năm trăm tỷ": the billions are a number of their own.
        words += number_in_words(billions, odd_word=odd_word).split()
        words.append("tỷ")
    words += _below_billion(rest, leading=not words, odd_word=odd_word)
    return " ".join(words)


def vnd_in_words(amount: int, *, odd_word: str = "lẻ") -> str:
    """An amount of Vietnamese đồng in words, capitalised: "Hai triệu … nghìn đồng"."""
    text = number_in_words(amount, odd_word=odd_word) + " đồng"
    return text[0].upper() + text[1:]


def vnd_figures(amount: int) -> str:
    """2357000 → '2.357.000' (the figures written beside the words)."""
    return f"{amount:,}".replace(",", ".")
