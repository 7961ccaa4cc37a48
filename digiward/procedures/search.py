"""Search over the procedure catalog that fits Vietnamese users.

"dang ky khai sinh", "lam giay khai sinh cho con" and "kich hoat vneid" must all find
the right entry: folded text (no case, no diacritics, đ = d), an inverted index over
names, keywords (synonyms, colloquial phrasing) and summaries, IDF weighting, a bonus
when a whole keyword phrase appears, and typo tolerance of one wrong letter (one
insertion, deletion, substitution or swap of neighbours, found with RapidFuzz over the
vocabulary). Pure: built from plain documents, so it is tested without a database and
kept in memory per process. Scores are summed over NumPy arrays, one slot per document:
common words ("dang", "ky", "giay") appear in most of a 2,000-procedure catalog, and a
Python loop over their postings was half the cost of a never-seen public question.

People type situations, not procedure names ("mẹ tôi già yếu không đi được"): each entry
carries situation phrases among its keywords (catalog data), and an answer must cover
enough of what was asked. Coverage is the share of the question's weight (IDF, a word
the catalog never uses weighing most) that a document matches; small words such as
"tôi", "của" count only when they match. Below `MIN_COVERAGE`, and without a whole
keyword phrase, a document is left out: "dang ky xe may" must not list "Đăng ký khai
sinh" for sharing "đăng ký" (issue 12); the page then says nothing fits and offers help.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from digiward.core.text import fold

NAME_WEIGHT = 3.0
KEYWORD_WEIGHT = 2.0
TEXT_WEIGHT = 1.0
TYPO_FACTOR = 0.7
PREFIX_FACTOR = 0.8
PHRASE_BONUS = 6.0
EXACT_NAME_BONUS = 10.0
# Phrase and exact-name bonuses are weighed only for the best candidates by word score:
# a document holding the whole phrase has matched its words, so it is among them.
CANDIDATES = 100
MIN_TYPO_LENGTH = 4  # "an" → "anh" is not a typo worth guessing
# The share of a question a result must cover. 0.45: "khai sinh khai tu" still finds both
# entries (each covers half), "dang ky xe may" no longer finds "Đăng ký khai sinh".
MIN_COVERAGE = 0.45
# Small words of everyday questions (folded): they carry no topic, so when the catalog
# does not use them they do not lower the coverage of an answer.
STOPWORDS = frozenset(
    [
        "toi",
        "minh",
        "tao",
        "em",
        "anh",
        "chi",
        "ong",
        "ba",
        "co",
        "chu",
        "bac",
        "me",
        "bo",
        "cha",
        "con",
        "chau",
        "nha",
        "cua",
        "cho",
        "voi",
        "va",
        "hay",
        "hoac",
        "la",
        "thi",
        "ma",
        "nay",
        "do",
        "kia",
        "ay",
        "nao",
        "gi",
        "sao",
        "the",
        "nhu",
        "vay",
        "roi",
        "o",
        "tai",
        "trong",
        "ngoai",
        "den",
        "tu",
        "ve",
        "di",
        "duoc",
        "bi",
        "can",
        "muon",
        "phai",
        "nen",
        "se",
        "da",
        "dang",
        "van",
        "cung",
        "rat",
        "qua",
        "lam",
        "giup",
        "ho",
        "khong",
        "chua",
        "nua",
        "a",
        "ah",
        "nhe",
        "nhi",
        "oi",
        "vui",
        "long",
        "xin",
        "hoi",
    ]
)
_NON_WORD = re.compile(r"[^\w]+")


def words(text: str) -> str:
    """Folded text with punctuation turned into spaces: "khai sinh, thường trú" must
    give the word "sinh", not "sinh,"."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class Document:
    id: int
    name: str
    keywords: tuple[str, ...] = ()
    text: str = ""
    owner: int = 0  # 0: the national catalog; else the commune whose own entry it is


class SearchIndex:
    def __init__(self, documents: Iterable[Document]) -> None:
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.phrases: dict[int, list[str]] = {}
        self.names: dict[int, str] = {}
        owner_of: dict[int, int] = {}
        count = 0
        for doc in documents:
            count += 1
            owner_of[doc.id] = doc.owner
            name = words(doc.name)
            self.names[doc.id] = name
            phrases = [name, *(words(k) for k in doc.keywords if k)]
            self.phrases[doc.id] = [p for p in phrases if len(p) >= 3]
            for field_text, weight in (
                (name, NAME_WEIGHT),
                (" ".join(phrases[1:]), KEYWORD_WEIGHT),
                (words(doc.text), TEXT_WEIGHT),
            ):
                for token in set(field_text.split()):
                    current = self.postings[token].get(doc.id, 0.0)
                    self.postings[token][doc.id] = max(current, weight)
        self.size = count
        self.vocabulary = sorted(self.postings)
        self.idf = {t: math.log(1 + count / len(p)) for t, p in self.postings.items()}
        # A word no entry uses weighs like the rarest one: it is what the question is about.
        self.unknown_idf = math.log(1 + max(count, 1))
        # Dense layout for scoring: document ids by slot, and each term's postings as
        # (slots, weights) arrays.
        self.ids = list(self.names)
        self.owners = np.array([owner_of[i] for i in self.ids], dtype=np.int64)
        slot = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self.arrays = {
            term: (
                np.fromiter((slot[d] for d in docs), dtype=np.intp, count=len(docs)),
                np.fromiter(docs.values(), dtype=np.float64, count=len(docs)),
            )
            for term, docs in self.postings.items()
        }
        # Phrases shortest first, so checking "is this phrase inside the question" stops
        # at the first one longer than the question; and all of them in one string for
        # "is the question inside a phrase".
        self.short_first = {d: sorted(p, key=len) for d, p in self.phrases.items()}
        self.joined = {d: "\n".join(p) for d, p in self.phrases.items()}

    def _variants(self, token: str, *, last: bool) -> list[tuple[str, float]]:
        """Vocabulary terms matching a query token: itself when the catalog knows the word;
        otherwise a one-letter typo of a known word, or (the last word, still being typed)
        the known words it starts."""
        if token in self.postings:
            return [(token, 1.0)]
        found: dict[str, float] = {}
        if len(token) >= MIN_TYPO_LENGTH:
            for term, _distance, _index in process.extract(
                token, self.vocabulary, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=12
            ):
                found.setdefault(term, TYPO_FACTOR)
        if last and len(token) >= 2:
            start = bisect.bisect_left(self.vocabulary, token)
            for term in self.vocabulary[start : start + 50]:
                if not term.startswith(token):
                    break
                found.setdefault(term, PREFIX_FACTOR)
        return list(found.items())

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        owners: Collection[int] | None = None,
        min_coverage: float = MIN_COVERAGE,
    ) -> list[tuple[int, float]]:
        """Best documents first. `owners`: only documents of these owners count (a
        commune sees the national catalog and its own entries), chosen before the best
        are taken so that other communes' entries never crowd out its own.
        `min_coverage`: leave out documents that match too little of the question."""
        folded = words(query)
        tokens = folded.split()
        if not tokens or not self.ids:
            return []
        size = len(self.ids)
        scores = np.zeros(size)
        matched = np.zeros(size)
        asked = 0.0  # the question's weight: what a perfect answer covers
        for position, token in enumerate(tokens):
            variants = self._variants(token, last=position == len(tokens) - 1)
            if not variants:
                if token not in STOPWORDS:
                    asked += self.unknown_idf * NAME_WEIGHT
                continue
            # A document scores a query word once, through its best-matching variant.
            best = np.zeros(size)
            for term, factor in variants:
                slots, weights = self.arrays[term]
                best[slots] = np.maximum(best[slots], weights * self.idf[term] * factor)
            if token not in STOPWORDS:
                asked += max(self.idf[term] * factor for term, factor in variants) * NAME_WEIGHT
            scores += best
            matched += best > 0
        found = np.flatnonzero(matched)
        if owners is not None:
            found = found[np.isin(self.owners[found], list(owners))]
        if not found.size:
            return []
        # Most words of the question should be found.
        base = scores[found] * (0.5 + 0.5 * matched[found] / len(tokens))
        keep = max(CANDIDATES, limit)
        if found.size > keep:
            top = np.argpartition(-base, keep - 1)[:keep]
            found, base = found[top], base[top]
        final: dict[int, float] = {}
        long_enough = len(folded) >= 4
        for slot_, score in zip(found.tolist(), base.tolist(), strict=True):
            doc_id = self.ids[slot_]
            # A whole phrase found is best, and the entry whose name is exactly the
            # question beats longer names that contain it ("Đăng ký khai sinh" before
            # "Liên thông đăng ký khai sinh, …").
            phrase = (long_enough and folded in self.joined[doc_id]) or self._phrase_in(
                doc_id, folded
            )
            # Coverage against a name-weight match of every word: a keyword or summary
            # match covers less than the name, and stays above the bar only with more words.
            coverage = scores[slot_] / asked if asked else 1.0
            if not phrase and coverage < min_coverage * KEYWORD_WEIGHT / NAME_WEIGHT:
                continue
            if phrase:
                score += PHRASE_BONUS
            name = self.names[doc_id]
            if name == folded:
                score += EXACT_NAME_BONUS
            final[doc_id] = score / (1 + 0.02 * len(name.split()))
        # Ties: by name, then by id, so the order never depends on the catalog's order.
        ranked = sorted(final.items(), key=lambda item: (-item[1], self.names[item[0]], item[0]))
        return ranked[:limit]

    def _phrase_in(self, doc_id: int, folded: str) -> bool:
        for phrase in self.short_first[doc_id]:
            if len(phrase) > len(folded):
                return False
            if phrase in folded:
                return True
        return False
