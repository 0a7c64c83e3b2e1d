"""Fuzzy lookup: which fact answers a student's free-form question, or "not in my notes".

An index is built once, when decks load. A question is scored in three steps:

1. Its words become terms (folded, filler removed, stemmed); a word the index has never seen
   is corrected to the nearest indexed word when one is a typo away ("armistise"), otherwise
   it stays an unknown term that no fact covers ("current", "chosin").
2. Candidate facts are gathered from the posting lists of those terms with numpy, each term
   weighted by how rare it is (names and numbers count for more than "war" or "korea").
3. The best candidates are scored in full: how much of the question the fact covers, how
   much of one of the fact's own phrasings the question covers, whether the kind of answer
   fits ("when" wants a date), and a rapidfuzz similarity to the nearest phrasing.

A fact is returned only when the question is mostly covered by it: a question with a
distinctive word the fact does not have ("Soviet soldiers", "current leader") is refused
rather than answered confidently and wrongly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.deck import Deck, Fact
from bot.suggest import SuggestIndex
from bot.terms import (
    EXCLUSIVE_CLASSES,
    answer_kind_wanted,
    content_words,
    is_misspelt_stopword,
    stem,
    wh_word,
)
from bot.text import fold

# Weights of the places a term can appear in a fact.
PRIMARY = 1.0  # question, ask phrasings, answer, aliases
EXPLANATION = 0.6
TOPIC = 0.4

MATCH_THRESHOLD = 0.53  # at or above: answer
SUGGEST_THRESHOLD = 0.30  # at or above (and below MATCH): only "did you mean"
CLEAR_LEAD = 0.08  # a best answer this far ahead needs no alternatives
MIN_COVERAGE = 0.5  # share of the question's weight the fact must cover
UNKNOWN_WEIGHT = 0.6  # of the rarest term's weight, for a word no fact has
PRESENT_DAY = frozenset(
    ["current", "currently", "today", "now", "nowadays", "present", "modern", "latest", "recent"]
)
CANDIDATES = 40
MAX_POSTINGS = 20_000


@dataclass(frozen=True)
class Entry:
    """A fact and the deck it belongs to."""

    deck: str
    fact: Fact

    @property
    def key(self) -> str:
        return f"{self.deck}/{self.fact.id}"


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class LookupResult:
    """The best fact (None: not in my notes) and up to three 'did you mean' alternatives."""

    best: Match | None
    alternatives: tuple[Match, ...] = ()

    @property
    def matched(self) -> bool:
        return self.best is not None


@dataclass(frozen=True)
class _Question:
    folded: str  # content words, for rapidfuzz
    wants: str | None  # 'date' or 'number'
    wh: str | None  # who, when, where, why


@dataclass(frozen=True)
class _Phrasing:
    terms: frozenset[str]
    text: str  # content words, for rapidfuzz
    wh: str | None


@dataclass
class _Doc:
    weights: dict[str, float]  # term -> best field weight
    primary: frozenset[str]  # terms of the question, asks, answer and aliases
    answer: frozenset[str]  # terms of the answer and aliases
    phrasings: list[_Phrasing]  # the question and the asks
    kind: str | None  # 'date', 'number' or None
    wh: frozenset[str]  # question words of the question and asks


_MONTH_OR_YEAR = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b1\d{3}\b|\b20\d{2}\b"
)


def _answer_kind(answer: str) -> str | None:
    """'date', 'number' or None; a regex, not the judge's full reading (indexing must be fast)."""
    folded = fold(answer)
    if _MONTH_OR_YEAR.search(folded):
        return "date"
    return "number" if any(c.isdigit() for c in folded) else None


def _build_doc(fact: Fact, vocabulary: dict[str, str]) -> _Doc:
    weights: dict[str, float] = {}

    def add(words: list[str], weight: float) -> list[str]:
        found = []
        for word in words:
            t = stem(word)
            found.append(t)
            if len(word) >= 3 and not word.isdigit():
                vocabulary.setdefault(word, t)
            if weights.get(t, 0.0) < weight:
                weights[t] = weight
        return found

    phrasings = []
    for text in (fact.question, *fact.ask):
        folded = fold(text)
        words = content_words(folded)
        found = add(words, PRIMARY)
        if found:
            phrasings.append(_Phrasing(frozenset(found), " ".join(words), wh_word(folded)))
    answer = frozenset(t for text in fact.answers for t in add(content_words(fold(text)), PRIMARY))
    primary = frozenset(weights)
    add(content_words(fold(fact.explanation)), EXPLANATION)
    for topic in fact.topic:
        add(topic.split("-"), TOPIC)
    wh = frozenset(p.wh for p in phrasings if p.wh)
    return _Doc(weights, primary, answer, phrasings, _answer_kind(fact.answer), wh)


@dataclass
class FactIndex:
    """Every fact of some decks, indexed for `lookup` and `suggest`."""

    entries: list[Entry]
    _docs: list[_Doc] = field(repr=False)
    _postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    _idf: dict[str, float] = field(repr=False)
    _words_by_length: dict[int, list[str]] = field(repr=False)
    _word_stem: dict[str, str] = field(repr=False)
    _by_key: dict[str, Entry] = field(repr=False)
    _suggest: SuggestIndex = field(repr=False)

    @classmethod
    def build(cls, decks: Iterable[Deck]) -> FactIndex:
        entries = [Entry(d.name, f) for d in decks for f in d.facts]
        word_stem: dict[str, str] = {}
        docs = [_build_doc(e.fact, word_stem) for e in entries]
        postings_lists: dict[str, tuple[list[int], list[float]]] = {}
        for i, doc in enumerate(docs):
            for term, weight in doc.weights.items():
                ids, ws = postings_lists.setdefault(term, ([], []))
                ids.append(i)
                ws.append(weight)
        n = max(len(docs), 1)
        idf = {
            t: math.log(1.0 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
            for t, (ids, _) in postings_lists.items()
        }
        postings = {
            t: (np.asarray(ids, dtype=np.int32), np.asarray(ws, dtype=np.float32) * idf[t])
            for t, (ids, ws) in postings_lists.items()
        }
        by_length: dict[int, list[str]] = {}
        for w in word_stem:
            by_length.setdefault(len(w), []).append(w)
        return cls(
            entries=entries,
            _docs=docs,
            _postings=postings,
            _idf=idf,
            _words_by_length=by_length,
            _word_stem=word_stem,
            _by_key={e.key: e for e in entries},
            _suggest=SuggestIndex([fold(e.fact.question) for e in entries]),
        )

    # -- look-ups by key and topic -------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        """An entry by 'deck/fact-id' (or a bare fact id when it is unambiguous)."""
        if key in self._by_key:
            return self._by_key[key]
        found = [e for e in self.entries if e.fact.id == key]
        return found[0] if len(found) == 1 else None

    @cached_property
    def topics(self) -> list[str]:
        return sorted({t for e in self.entries for t in e.fact.topic})

    def select(self, *, deck: str | None = None, topic: str | None = None) -> list[Entry]:
        """The entries of one deck and/or topic, in deck order."""
        return [
            e
            for e in self.entries
            if (deck is None or e.deck == deck) and (topic is None or topic in e.fact.topic)
        ]

    def __len__(self) -> int:
        return len(self.entries)

    # -- lookup --------------------------------------------------------------------------------

    @cached_property
    def _max_idf(self) -> float:
        return max(self._idf.values(), default=1.0)

    def _correct(self, word: str) -> tuple[str, float, bool] | None:
        """The indexed term nearest a misspelt word, with a confidence in (0.5, 0.9] and
        whether the first letter differs.

        Typos rarely hit the first letter, so a candidate that keeps it wins a tie; a
        three-letter word must keep it ("ree" -> "rhee", never "see").
        """
        if len(word) < 3 or word.isdigit():
            return None
        limit = 1 if len(word) < 7 else 2
        found: list[tuple[int, bool, str]] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            pool = self._words_by_length.get(length)
            if pool:
                hits = process.extract(
                    word, pool, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=8
                )
                found.extend((int(d), cand[0] != word[0], cand) for cand, d, _ in hits)
        if len(word) == 3:
            found = [f for f in found if not f[1]]
        if not found:
            return None
        distance, other_start, best = min(found)
        return self._word_stem[best], 0.9 - 0.4 * distance / (limit + 1), other_start

    def _query_terms(self, folded: str) -> dict[str, float]:
        """Each query term with its weight; unknown words get an unmatched term of top weight."""
        weights: dict[str, float] = {}
        for word in content_words(folded):
            t = stem(word)
            if t in self._idf:
                weights[t] = max(weights.get(t, 0.0), self._idf[t])
                continue
            corrected = self._correct(word)
            # "whn", "wat": filler with a slip, unless an indexed word is as near and keeps the
            # first letter ("begn" -> "begin", not "been")
            slip = len(word) <= 4 and is_misspelt_stopword(word)
            if slip and (corrected is None or corrected[2]):
                continue
            if corrected is not None:
                term, confidence, _ = corrected
                weights[term] = max(weights.get(term, 0.0), self._idf[term] * confidence)
            else:
                # A word no fact has: nothing covers it. Words about the present day mark a
                # question the reading cannot answer; other words may be a synonym we lack.
                unknown = 1.0 if word in PRESENT_DAY else UNKNOWN_WEIGHT
                weights["\0" + t] = self._max_idf * unknown
        return weights

    def _candidates(self, q: dict[str, float]) -> np.ndarray:
        known = sorted((t for t in q if t in self._postings), key=lambda t: -self._idf[t])
        if not known:
            return np.empty(0, dtype=np.int32)
        ids_parts, w_parts, total = [], [], 0
        for t in known:
            ids, ws = self._postings[t]
            if total and total + len(ids) > MAX_POSTINGS:
                break  # common terms add little to ranking; the full score counts them
            ids_parts.append(ids[:MAX_POSTINGS])
            w_parts.append(ws[:MAX_POSTINGS])
            total += len(ids)
        scores = np.bincount(
            np.concatenate(ids_parts), weights=np.concatenate(w_parts), minlength=len(self._docs)
        )
        k = min(CANDIDATES, int(np.count_nonzero(scores)))
        if k == 0:
            return np.empty(0, dtype=np.int32)
        top = np.argpartition(-scores, k - 1)[:k]
        return top[np.argsort(-scores[top])]

    def _features(self, doc: _Doc, q: dict[str, float], folded: str) -> tuple[float, float, float]:
        """(coverage, precision, nearness) of one fact for one question, each in [0, 1].

        coverage: the share of the question's weight that the fact has; precision: the share of
        the fact's closest phrasing that the question has; nearness: rapidfuzz's similarity of
        the question to that phrasing, which forgives typos and word order.
        """
        total = sum(q.values())
        coverage = sum(w * doc.weights.get(t, 0.0) for t, w in q.items()) / total if total else 0.0
        precision = near = 0.0
        for p in doc.phrasings:
            denom = sum(self._idf.get(t, 0.0) for t in p.terms)
            if denom:
                hit = sum(self._idf.get(t, 0.0) for t in p.terms if t in q)
                precision = max(precision, hit / denom)
            near = max(near, fuzz.token_sort_ratio(folded, p.text) / 100.0)
        return coverage, precision, near

    def _score(self, doc: _Doc, q: dict[str, float], ask: _Question) -> float:
        coverage, precision, near = self._features(doc, q, ask.folded)
        if coverage < MIN_COVERAGE:  # something distinctive in the question is not in this fact
            coverage *= (coverage / MIN_COVERAGE) ** 2
        score = coverage * (0.55 + 0.25 * precision + 0.20 * near)
        if ask.wants is not None:  # "when" and "how many" want a date or a number
            score += 0.05 if doc.kind == ask.wants else -0.05
        if ask.wh is not None and doc.wh:  # "who" questions are best answered by "who" facts
            score += 0.03 if ask.wh in doc.wh else -0.03
        total = sum(q.values())
        if total:  # the question names the answer: this fact is about that thing
            score += 0.05 * sum(w for t, w in q.items() if t in doc.answer) / total
        for group in EXCLUSIVE_CLASSES:
            asked = group & q.keys()
            if asked - doc.primary:  # the question names a side this fact is not about
                score *= 0.6 if (group & doc.primary) - asked else 0.85
        return score

    def _rank(self, question: str) -> list[tuple[int, float]]:
        """Candidate fact numbers with their scores, best first."""
        folded = fold(question)
        q = self._query_terms(folded)
        if not q:
            return []
        ask = _Question(
            " ".join(content_words(folded)), answer_kind_wanted(folded), wh_word(folded)
        )
        scored = [(i, self._score(self._docs[i], q, ask)) for i in self._candidates(q).tolist()]
        scored.sort(key=lambda pair: -pair[1])
        return scored

    def lookup(self, question: str) -> LookupResult:
        """The fact that answers a question, or no fact and perhaps some 'did you mean'."""
        ranked = [Match(self.entries[i], s) for i, s in self._rank(question)]
        if not ranked or ranked[0].score < SUGGEST_THRESHOLD:
            return LookupResult(None)
        best, rest = ranked[0], ranked[1:]
        close = tuple(
            m for m in rest[:3] if m.score >= max(SUGGEST_THRESHOLD, best.score - CLEAR_LEAD)
        )
        if best.score < MATCH_THRESHOLD:
            return LookupResult(None, (best, *close)[:3])
        return LookupResult(best, close)

    # -- autocomplete --------------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = 25) -> list[Entry]:
        """Facts whose question fits what a student has typed so far, best first."""
        found = dict.fromkeys(self._suggest.complete(prefix, limit))
        if len(found) < limit and fold(prefix):  # nothing starts so: fall back to fuzzy ranking
            for i, score in self._rank(prefix):
                if score >= SUGGEST_THRESHOLD:
                    found.setdefault(i, None)
        return [self.entries[i] for i in list(found)[:limit]]
