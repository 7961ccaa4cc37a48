"""Writing quiz questions back as GIFT (a question bank export).

`gift_dump` is the inverse of `digiward.learning.gift.gift_parse`: what it writes reads back
as exactly the same questions (a property test checks the round trip).
"""

from __future__ import annotations

from collections.abc import Iterable

from digiward.learning.gift import (
    _CATEGORY,
    _FORMAT,
    _SPECIAL,
    BLANK,
    FALSE_LABEL,
    TRUE_LABEL,
    GiftQuestion,
)


def _escape(text: str, extra: str = "") -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        "\\n" if char == "\n" else "\\" + char if char in _SPECIAL or char in extra else char
        for char in text
    )


def _dump_text(text: str, extra: str = "") -> str:
    """Escaped text, protected by [plain] when it would otherwise lose a leading [html]."""
    return ("[plain]" if _FORMAT.match(text) else "") + _escape(text, extra)


def _weight(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _answer_lines(question: GiftQuestion) -> list[str]:
    choices = question.choices
    lines: list[str] = []
    if question.kind == "true_false":
        labels = tuple(choice.text for choice in choices)
        if labels != (TRUE_LABEL, FALSE_LABEL) or choices[0].correct == choices[1].correct:
            raise ValueError(f"{question.title or question.text!r}: true_false needs (Đúng, Sai)")
        right, wrong = (choices[0], choices[1]) if choices[0].correct else (choices[1], choices[0])
        line = "TRUE" if choices[0].correct else "FALSE"
        if wrong.feedback or right.feedback:
            line += "#" + _dump_text(wrong.feedback)
        if right.feedback:
            line += "#" + _dump_text(right.feedback)
        lines.append(line)
    elif question.kind == "ordering":
        for choice in choices:
            line = ">" + _dump_text(choice.text, ">")
            if choice.feedback:
                line += "#" + _dump_text(choice.feedback, ">")
            lines.append(line)
    elif question.kind in ("single", "multiple"):
        right_count = sum(choice.correct for choice in choices)
        if question.kind == "single" and right_count != 1:
            raise ValueError(f"{question.title or question.text!r}: single needs one right choice")
        if question.kind == "multiple" and not right_count:
            raise ValueError(f"{question.title or question.text!r}: no right choice")
        for choice in choices:
            if question.kind == "multiple":
                marker = f"~%{_weight(100 / right_count)}%" if choice.correct else "~%-100%"
            elif choice.correct:
                marker = "="
            else:
                # A wrong choice written "~%50%…" would be read as a weight: give it one.
                marker = "~%0%" if choice.text.startswith("%") else "~"
            line = marker + _dump_text(choice.text)
            if choice.feedback:
                line += "#" + _dump_text(choice.feedback)
            lines.append(line)
    else:
        raise ValueError(f"unknown question kind {question.kind!r}")
    if question.feedback:
        lines.append("####" + _dump_text(question.feedback))
    return lines


def _dump_question(question: GiftQuestion) -> str:
    head = f"::{_escape(question.title)}::" if question.title else ""
    text = question.text
    if _FORMAT.match(text) or (not head and text.startswith("//")):
        head += "[plain]"  # the text starts like a format prefix or a comment
    block = "{\n" + "".join(f"\t{line}\n" for line in _answer_lines(question)) + "}"
    blank = text.find(BLANK)
    if blank >= 0 and text[blank + len(BLANK) :].strip():
        # Fill-the-blank: the block takes the place of the first blank, as it was read.
        return head + _escape(text[:blank]) + block + _escape(text[blank + len(BLANK) :])
    return head + _escape(text) + " " + block


def gift_dump(questions: Iterable[GiftQuestion]) -> str:
    """GIFT text for the questions, which `gift_parse` reads back as the same questions.

    Titles, texts and feedback are read back stripped of surrounding white space; a category
    line is written whenever the category changes.
    """
    parts: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            if "\n" in question.category or "\r" in question.category:
                raise ValueError(f"a category is one line: {question.category!r}")
            parts.append(f"{_CATEGORY} {question.category}")
            category = question.category
        parts.append(_dump_question(question))
    return "\n\n".join(parts) + "\n" if parts else ""
