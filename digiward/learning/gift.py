"""Reading and writing quiz files in Moodle's GIFT format.

GIFT is described at https://docs.moodle.org/en/GIFT_format; this module follows Moodle's own
importer (question/format/gift/format.php) wherever the documentation is silent, so a file
accepted here imports the same way into Moodle. Standard library only, apart from Django's
gettext for the problem messages.

Supported question kinds:

- ``single``: multiple choice with exactly one right answer, ``{=right ~wrong ~wrong}``;
- ``multiple``: multiple choice with weights, ``{~%50%a ~%50%b ~%-100%c}``; the choices with a
  positive weight are the correct ones (the weights themselves are not kept);
- ``true_false``: ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}`` (any letter case), with Moodle's
  optional feedback ``{T#feedback for a wrong answer#feedback for a right answer}``;
- ``ordering``: not part of standard GIFT. Our convention: an answer block that starts with
  ``>``, each step introduced by ``>``, the steps written in the right order, e.g.
  ``{>Open the app >Log in >Choose the service}``. Inside an ordering block ``\\>`` is a
  literal ``>`` and ``->`` is text, not a step separator (so "Cài đặt -> Wi-Fi" stays one step).

Matching (``->``), numerical (``{#...}``), short answer (only ``=`` answers), essay (``{}``) and
descriptions (no answer block) are reported as problems, never dropped silently.

Syntax: ``//`` comment lines; blank lines between questions; optional ``::title::``;
``$CATEGORY: path`` lines (the raw path is kept on the following questions, we use it for a
competence reference such as ``DW-ESSENTIALS/DT.1``); an optional ``[html]``, ``[plain]``,
``[markdown]`` or ``[moodle]`` prefix on question text, choices and feedback, which is removed
(the text is kept as written, as plain text: markup is not converted); the escapes
``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n`` (a new line); per-choice feedback ``#feedback``;
general feedback ``####text`` as the last thing inside the answer block; an answer block in the
middle of the text (the text becomes "before _____ after").

`gift_parse` checks the whole file and raises `GiftError` listing every problem, with the line
number, in the active language (English msgids, Vietnamese in the .po file), so a teacher fixes a
file in one pass; it never returns a partial list.
`digiward.learning.gift_writer.gift_dump` writes questions back (a question bank export) so
that `gift_parse` reads back exactly the same questions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

KINDS = ("single", "multiple", "true_false", "ordering")
MAX_INPUT_CHARS = 1_000_000
MAX_TEXT_CHARS = 2_000
MAX_CHOICES = 10
# Not gettext: these are the stored choice texts of true/false questions (question content,
# Vietnamese by design, checked again by `gift_dump`), not interface text.
TRUE_LABEL = "Đúng"
FALSE_LABEL = "Sai"
BLANK = "_____"

_ESCAPES = {"\\": "\\", "~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n"}
_SPECIAL = "\\~=#{}:"
_FORMAT = re.compile(r"\[(?:html|plain|markdown|moodle)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_CATEGORY = "$CATEGORY:"
_TRUE = ("T", "TRUE")
_FALSE = ("F", "FALSE")


@dataclass(frozen=True)
class GiftChoice:
    text: str
    correct: bool  # for ordering: True for every step
    feedback: str = ""


@dataclass(frozen=True)
class GiftQuestion:
    kind: str  # one of KINDS
    title: str
    text: str
    # true_false: (Đúng, Sai), exactly one of them correct; ordering: the steps in order.
    choices: tuple[GiftChoice, ...]
    category: str  # the last $CATEGORY seen, "" if none
    feedback: str  # general feedback
    line: int  # 1-based line where the question starts


@dataclass(frozen=True)
class GiftProblem:
    line: int  # 0 for a problem of the whole file
    message: str  # translated, starting with "Line N: " (vi: "Dòng N: ") when line > 0


class GiftError(ValueError):
    """The file was refused; `problems` lists every reason, in file order."""

    def __init__(self, problems: Iterable[GiftProblem]) -> None:
        self.problems: tuple[GiftProblem, ...] = tuple(problems)
        super().__init__("\n".join(problem.message for problem in self.problems))


def _number(value: int) -> str:
    """1000000 -> "1.000.000" (Vietnamese digit grouping)."""
    return f"{value:,}".replace(",", ".")


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- escapes ------------------------------------------------------------------------------


def _unescape(raw: str, extra: str = "") -> str:
    """Resolve GIFT escapes; an unknown escape such as \\x stays as written (as Moodle does)."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\" and i + 1 < len(raw):
            following = raw[i + 1]
            if following in _ESCAPES:
                out.append(_ESCAPES[following])
                i += 2
                continue
            if following in extra:
                out.append(following)
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _clean(raw: str, extra: str = "") -> str:
    """Raw GIFT text -> plain text: trimmed, format prefix removed, escapes resolved."""
    raw = raw.strip()
    prefix = _FORMAT.match(raw)
    if prefix:
        raw = raw[prefix.end() :]
    return _unescape(raw, extra).strip()


def _unescaped(src: str, start: int, end: int, chars: str) -> list[int]:
    """Offsets in src[start:end] of the characters in `chars` that are not escaped."""
    found: list[int] = []
    i = start
    while i < end:
        char = src[i]
        if char == "\\":
            i += 2
            continue
        if char in chars:
            found.append(i)
        i += 1
    return found


def _find_unescaped(src: str, token: str, start: int) -> int:
    i = start
    while i < len(src):
        if src[i] == "\\":
            i += 2
        elif src.startswith(token, i):
            return i
        else:
            i += 1
    return -1


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """The non-comment lines of one question, joined by new lines."""

    src: str
    starts: tuple[int, ...]  # offset in src where each line starts
    lines: tuple[int, ...]  # the file's 1-based number of each line
    category: str

    def line_at(self, offset: int) -> int:
        return self.lines[bisect.bisect_right(self.starts, offset) - 1]


def _block(pending: list[tuple[int, str]], category: str) -> _Block:
    starts: list[int] = []
    offset = 0
    for _lineno, line in pending:
        starts.append(offset)
        offset += len(line) + 1
    return _Block(
        src="\n".join(line for _lineno, line in pending),
        starts=tuple(starts),
        lines=tuple(number for number, _line in pending),
        category=category,
    )


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    pending: list[tuple[int, str]] = []
    category = ""
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped or stripped.startswith(_CATEGORY):
            if pending:
                blocks.append(_block(pending, category))
                pending = []
            if stripped:
                category = stripped[len(_CATEGORY) :].strip()
            continue
        pending.append((number, line))
    if pending:
        blocks.append(_block(pending, category))
    return blocks


class _Reader:
    """Reads one question block, adding what is wrong with it to `problems`."""

    def __init__(self, block: _Block, problems: list[GiftProblem]) -> None:
        self.block = block
        self.src = block.src
        self.problems = problems
        self.line = block.lines[0]
        self.failed = False

    def problem(self, message: str, offset: int | None = None) -> None:
        line = self.line if offset is None else self.block.line_at(offset)
        self.problems.append(
            GiftProblem(line, _("Line %(line)d: %(problem)s") % {"line": line, "problem": message})
        )
        self.failed = True

    def question(self) -> GiftQuestion | None:
        src = self.src
        pos = len(src) - len(src.lstrip())
        title = ""
        if src.startswith("::", pos):
            close = _find_unescaped(src, "::", pos + 2)
            if close < 0:
                self.problem(_("the title opens with “::” but has no closing “::”."))
                return None
            title = _unescape(src[pos + 2 : close]).strip()
            pos = close + 2

        braces = self.answer_block(pos)
        if braces is None:
            return None
        opening, closing = braces
        before, after = src[pos:opening], src[closing + 1 :]
        text = _clean(before + BLANK + after if after.strip() else before)
        if not text:
            self.problem(_("the question text is empty."))
        elif len(text) > MAX_TEXT_CHARS:
            self.problem(
                _(
                    "the question text is %(length)s characters long, "
                    "more than the limit of %(limit)s characters."
                )
                % {"length": _number(len(text)), "limit": _number(MAX_TEXT_CHARS)}
            )

        start, end = opening + 1, closing
        feedback = ""
        hashes = _unescaped(src, start, end, "#")
        for k in range(len(hashes) - 4, -1, -1):  # the last "####", as Moodle does
            if hashes[k + 3] == hashes[k] + 3:
                feedback = _clean(src[hashes[k] + 4 : end])
                end = hashes[k]
                break
        while start < end and src[start].isspace():
            start += 1
        while end > start and src[end - 1].isspace():
            end -= 1

        read = self.kind(start, end)
        if read is None:
            return None
        kind, choices = read
        if self.failed:
            return None
        return GiftQuestion(
            kind=kind,
            title=title,
            text=text,
            choices=choices,
            category=self.block.category,
            feedback=feedback,
            line=self.line,
        )

    def answer_block(self, pos: int) -> tuple[int, int] | None:
        """The offsets of the one `{` and its `}`, or None after reporting what is wrong."""
        opening: int | None = None
        found: list[tuple[int, int]] = []
        broken = False
        for offset in _unescaped(self.src, pos, len(self.src), "{}"):
            if self.src[offset] == "{":
                if opening is None:
                    opening = offset
                else:
                    self.problem(
                        _("a “{” opens before the previous answer block is closed with “}”."),
                        offset,
                    )
                    broken = True
            elif opening is None:
                self.problem(
                    _("a “}” has no “{” opening before it (if it is text, write \\})."), offset
                )
                broken = True
            else:
                found.append((opening, offset))
                opening = None
        if opening is not None:
            self.problem(_("a “{” is not closed with “}” (if it is text, write \\{)."), opening)
            broken = True
        if len(found) > 1:
            self.problem(_("the question has more than one answer block {…}."), found[1][0])
            broken = True
        if broken:
            return None
        if not found:
            self.problem(
                _(
                    "the question has no answer block {…} "
                    "(descriptions without an answer are not supported yet)."
                )
            )
            return None
        return found[0]

    def kind(self, start: int, end: int) -> tuple[str, tuple[GiftChoice, ...]] | None:
        src = self.src
        answer = src[start:end]
        if not answer:
            self.problem(_("essay questions ({}) are not supported yet."))
            return None
        if answer[0] == "#":
            self.problem(_("numerical questions (#) are not supported yet."))
            return None
        if answer[0] == ">":
            return "ordering", self.ordering(start, end)
        if _unescaped(src, start, end, "~"):
            return self.multiple_choice(start, end)
        has_equals = bool(_unescaped(src, start, end, "="))
        if has_equals and "->" in answer:
            self.problem(_("matching questions (->) are not supported yet."))
            return None
        hashes = _unescaped(src, start, end, "#")[:2]
        head = src[start : hashes[0] if hashes else end].strip().upper()
        if head in _TRUE + _FALSE:
            return "true_false", self.true_false(hashes, end, head in _TRUE)
        if has_equals:
            self.problem(
                _("short-answer questions (only “=” answers, no “~”) are not supported yet.")
            )
            return None
        self.problem(
            _(
                "the answer block “{%(block)s}” is not recognised; "
                "each choice must start with “=” (right) or “~” (wrong)."
            )
            % {"block": _snippet(_unescape(answer))}
        )
        return None

    def true_false(self, hashes: list[int], end: int, value: bool) -> tuple[GiftChoice, ...]:
        # Moodle: {T#feedback shown after a wrong answer#feedback shown after a right answer}
        wrong = right = ""
        if hashes:
            wrong = _clean(self.src[hashes[0] + 1 : hashes[1] if len(hashes) > 1 else end])
        if len(hashes) > 1:
            right = _clean(self.src[hashes[1] + 1 : end])
        return (
            GiftChoice(TRUE_LABEL, correct=value, feedback=right if value else wrong),
            GiftChoice(FALSE_LABEL, correct=not value, feedback=wrong if value else right),
        )

    def split_feedback(self, start: int, end: int, extra: str = "") -> tuple[str, str]:
        hashes = _unescaped(self.src, start, end, "#")
        if not hashes:
            return _clean(self.src[start:end], extra), ""
        return (
            _clean(self.src[start : hashes[0]], extra),
            _clean(self.src[hashes[0] + 1 : end], extra),
        )

    def multiple_choice(self, start: int, end: int) -> tuple[str, tuple[GiftChoice, ...]] | None:
        src = self.src
        markers = _unescaped(src, start, end, "=~")
        if markers[0] > start:
            lead = _snippet(_unescape(src[start : markers[0]]))
            self.problem(
                _(
                    "“%(text)s” comes before the first choice; "
                    "each choice must start with “=” (right) or “~” (wrong)."
                )
                % {"text": lead},
                start,
            )
        choices: list[GiftChoice] = []
        equals = 0
        weighted = False
        positive_weights: list[str] = []
        for index, marker in enumerate(markers):
            stop = markers[index + 1] if index + 1 < len(markers) else end
            body = marker + 1
            if src[marker] == "=":
                equals += 1
                correct = True
            else:
                correct = False
                while body < stop and src[body].isspace():
                    body += 1
                weight = _WEIGHT.match(src, body, stop)
                if weight:
                    weighted = True
                    value = float(weight.group(1))
                    if not -100 <= value <= 100:
                        self.problem(
                            _("the weight %(weight)s must be between -100%% and 100%%.")
                            % {"weight": weight.group(0)},
                            marker,
                        )
                    correct = value > 0
                    if correct:
                        positive_weights.append(weight.group(0))
                    body = weight.end()
            text, feedback = self.split_feedback(body, stop)
            if not text:
                self.problem(_("choice %(number)d is empty.") % {"number": index + 1}, marker)
            choices.append(GiftChoice(text, correct=correct, feedback=feedback))

        if equals > 1:
            self.problem(
                _(
                    "a single-answer question has %(count)d “=” signs but may have only one "
                    "(questions with several right answers use weights, e.g. ~%%50%%)."
                )
                % {"count": equals}
            )
        if equals and positive_weights:
            self.problem(
                _(
                    "a question with an “=” answer may not also have a choice with a positive "
                    "weight (%(weight)s); give every right choice a weight."
                )
                % {"weight": positive_weights[0]}
            )
        if not any(choice.correct for choice in choices):
            self.problem(_("the question has no right answer."))
        if len(choices) < 2:
            self.problem(
                _("a multiple-choice question needs at least 2 choices (it has %(count)d).")
                % {"count": len(choices)}
            )
        if len(choices) > MAX_CHOICES:
            self.problem(
                _("the question has %(count)d choices, more than the limit of %(limit)d choices.")
                % {"count": len(choices), "limit": MAX_CHOICES}
            )
        kind = "single" if equals or not weighted else "multiple"
        return kind, tuple(choices)

    def ordering(self, start: int, end: int) -> tuple[GiftChoice, ...]:
        src = self.src
        if _unescaped(src, start, end, "=~"):
            self.problem(
                _(
                    "an ordering question does not use “=” or “~”; each step starts with “>” "
                    "(if it is text, write \\= or \\~)."
                )
            )
        arrows = [i for i in _unescaped(src, start, end, ">") if i == start or src[i - 1] != "-"]
        steps: list[GiftChoice] = []
        for index, arrow in enumerate(arrows):
            stop = arrows[index + 1] if index + 1 < len(arrows) else end
            text, feedback = self.split_feedback(arrow + 1, stop, extra=">")
            if not text:
                self.problem(_("step %(number)d is empty.") % {"number": index + 1}, arrow)
            steps.append(GiftChoice(text, correct=True, feedback=feedback))
        if len(steps) < 2:
            self.problem(
                _("an ordering question needs at least 2 steps (it has %(count)d).")
                % {"count": len(steps)}
            )
        if len(steps) > MAX_CHOICES:
            self.problem(
                _("the question has %(count)d steps, more than the limit of %(limit)d steps.")
                % {"count": len(steps), "limit": MAX_CHOICES}
            )
        return tuple(steps)


def gift_parse(text: str) -> list[GiftQuestion]:
    """Every question of a GIFT file, or GiftError listing every problem of the file."""
    if len(text) > MAX_INPUT_CHARS:
        raise GiftError(
            [
                GiftProblem(
                    0,
                    _(
                        "The file is too large: at most %(limit)s characters "
                        "(this file has %(length)s characters)."
                    )
                    % {"limit": _number(MAX_INPUT_CHARS), "length": _number(len(text))},
                )
            ]
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    problems: list[GiftProblem] = []
    questions: list[GiftQuestion] = []
    blocks = _blocks(text)
    for block in blocks:
        question = _Reader(block, problems).question()
        if question is not None:
            questions.append(question)
    if not blocks:
        problems.append(GiftProblem(0, _("The file has no questions.")))
    if problems:
        raise GiftError(sorted(problems, key=lambda problem: problem.line))
    return questions
