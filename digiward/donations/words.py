"""Amounts in Vietnamese words, as written on handover minutes and receipts.

Pure module. 2.357.000 → "Hai triệu ba trăm năm mươi bảy nghìn đồng".

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
