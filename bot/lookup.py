"""Fuzzy lookup: which fact answers a student's free-form question, or "not in my notes".

An index (bot/index.py) is built once, when decks load. A question is scored in three steps:

1. Its words become terms (folded, filler removed, stemmed, synonyms merged); a word the index
   has never seen is corrected to the nearest indexed word when one is a typo away
   ("armistise"), otherwise it stays an unknown term that no fact covers ("current").
2. Candidate facts are gathered from the posting lists of those terms with numpy, each term
   weighted by how rare it is (names and numbers count for more than "war" or "korea").
3. The best candidates are scored in full, vectorised: how much of the question the fact
   covers, how much of one of the fact's own phrasings the question covers, whether the kind
   of answer fits ("when" wants a date, "who" a who-fact), and rapidfuzz's similarity to the
   nearest phrasing.

A fact is returned only when the question is mostly covered by it: a question with a
distinctive word the fact does not have ("Soviet soldiers", "current leader") is refused
rather than answered confidently and wrongly.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.deck import Deck, Fact
from bot.index import IN_ANSWER, IN_PRIMARY, KIND_CODES, WH_BITS, TermIndex, build_index
from bot.index_cache import IndexCache
from bot.suggest import SuggestIndex
from bot.terms import (
    EXCLUSIVE_CLASSES,
    answer_kind_wanted,
    content_words,
    is_omission,
    misspelt_stopword,
    stem,
    wh_word,
)
from bot.text import fold

MATCH_THRESHOLD = 0.50  # at or above: answer
SUGGEST_THRESHOLD = 0.30  # at or above (and below MATCH): only "did you mean"
CLEAR_LEAD = 0.08  # a best answer this far ahead needs no alternatives
MIN_COVERAGE = 0.5  # share of the question's weight the fact must cover
UNKNOWN_WEIGHT = 0.6  # of the rarest term's weight, for a word no fact has
PRESENT_DAY = frozenset(
    ["current", "currently", "today", "now", "nowadays", "present", "modern", "latest", "recent"]
)
ABSENT_SHARE = 0.15  # of the question's weight
ABSENT_FACTOR = 0.85
FREEZE_AT = 5_000  # facts
NUMBER_ABSENT = 0.7
KIND_MISMATCH = 0.85  # "how many" answered by a fact that is no number
CANDIDATES = 40
MAX_POSTINGS = 50_000  # postings summed to find candidates; rarer terms first


@dataclass(frozen=True, slots=True)
class Entry:
    """A fact and the deck it belongs to."""

    deck: str
    fact: Fact

    @property
    def key(self) -> str:
        return f"{self.deck}/{self.fact.id}"


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The best fact (None: not in my notes) and up to three 'did you mean' alternatives."""

    best: Match | None
    alternatives: tuple[Match, ...] = ()

    @property
    def matched(self) -> bool:
        return self.best is not None


@dataclass(frozen=True, slots=True)
class _Query:
    ids: npt.NDArray[np.int32]  # known (or corrected) terms
    weights: npt.NDArray[np.float64]  # their weights
    total: float  # the weight of every term, unknown words included
    folded: str  # content words, for rapidfuzz
    wants: int  # KIND_CODES of the answer asked for, 0 for any
    wh: int  # WH_BITS of the question word, 0 for none


def _ranges(starts: npt.NDArray[np.int32], ends: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    """Every index in [starts[i], ends[i]) for all i, concatenated."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


class FactIndex:
    """Every fact of some decks, indexed for `lookup` and `suggest`."""

    def __init__(self, entries: list[Entry], index: TermIndex) -> None:
        self.entries = entries
        self._ix = index
        self._by_key = {e.key: e for e in entries}
        self._suggest = SuggestIndex(index.titles)
        self._max_idf = float(index.idf.max()) if len(index.idf) else 1.0
        self._numeric = np.zeros(len(index.idf), dtype=bool)
        for term, tid in index.term_id.items():
            self._numeric[tid] = term.isdigit()
        self._classes = [
            np.asarray([index.term_id[t] for t in group if t in index.term_id], dtype=np.int32)
            for group in EXCLUSIVE_CLASSES
        ]

    @classmethod
    def build(cls, decks: Iterable[Deck], saved: IndexCache | None = None) -> FactIndex:
        """Index the decks' facts; with `saved`, reuse the index saved for the same facts."""
        entries = [Entry(d.name, f) for d in decks for f in d.facts]
        facts = [e.fact for e in entries]
        index = cls(entries, saved.index(facts) if saved is not None else build_index(facts))
        if len(entries) >= FREEZE_AT:
            # Millions of objects that live as long as the bot: move them out of the cyclic
            # garbage collector's sight, or every full collection rescans them (a 100+ ms
            # pause in the middle of a student's question).
            gc.collect()
            gc.freeze()
        return index

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

    # -- the question ----------------------------------------------------------------------

    def _correct(self, word: str) -> tuple[int, float, bool, str] | None:
        """The indexed term nearest a misspelt word: its id, a confidence in (0.5, 0.9],
        whether the first letter differs, and the indexed word itself.

        Typos rarely hit the first letter, so a candidate that keeps it wins a tie; a
        three-letter word must keep it ("ree" -> "rhee", never "see").
        """
        if len(word) < 3 or word.isdigit():
            return None
        limit = 1 if len(word) < 7 else 2
        found: list[tuple[int, bool, str]] = []
        for length in range(len(word) - limit, len(word) + limit + 1):
            pool = self._ix.words_by_length.get(length)
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
        return self._ix.word_term[best], 0.9 - 0.4 * distance / (limit + 1), other_start, best

    def _query(self, question: str) -> _Query | None:
        """The question's terms and weights; None when it has no searchable word at all."""
        folded = fold(question)
        idf = self._ix.idf
        weights: dict[int, float] = {}
        unknown = 0.0
        meant: dict[str, str] = {}  # misspelt filler words, restored
        for word in content_words(folded):
            tid = self._ix.term_id.get(stem(word))
            if tid is not None:
                weights[tid] = max(weights.get(tid, 0.0), float(idf[tid]))
                continue
            corrected = self._correct(word)
            # "whn", "wat": filler with a slip, unless an indexed word is as near, keeps the
            # first letter and is as likely a typo ("begn" -> "begin", not "been"; but "whn"
            # -> "when", not "win": a left-out letter is the commonest slip).
            slip = misspelt_stopword(word) if len(word) <= 4 else None
            if slip and (
                corrected is None
                or corrected[2]
                or (slip[0] == 2 and not is_omission(word, corrected[3]))
            ):
                meant[word] = slip[1]
                continue
            if corrected is not None:
                tid, confidence, _, _ = corrected
                weights[tid] = max(weights.get(tid, 0.0), float(idf[tid]) * confidence)
            else:
                # A word no fact has: nothing covers it. Words about the present day mark a
                # question the reading cannot answer; other words may be a synonym we lack.
                unknown += self._max_idf * (1.0 if word in PRESENT_DAY else UNKNOWN_WEIGHT)
        if not weights and not unknown:
            return None
        restored = " ".join(meant.get(w, w) for w in folded.split()) if meant else folded
        return _Query(
            ids=np.fromiter(weights, dtype=np.int32, count=len(weights)),
            weights=np.fromiter(weights.values(), dtype=np.float64, count=len(weights)),
            total=sum(weights.values()) + unknown,
            folded=" ".join(content_words(folded)),
            wants=KIND_CODES[answer_kind_wanted(restored)],
            wh=WH_BITS.get(wh_word(restored) or "", 0),
        )

    # -- scoring -----------------------------------------------------------------------------

    def _candidates(self, q: _Query) -> npt.NDArray[np.int32]:
        """The facts with the most question weight, found from the rarest terms' postings."""
        ix = self._ix
        docs, weights, summed = [], [], 0
        for j in np.argsort(-ix.idf[q.ids]).tolist():
            d, w, _ = ix.postings(int(q.ids[j]))
            if summed and summed + len(d) > MAX_POSTINGS:
                break  # common terms barely rank; the full score still counts them
            docs.append(d[:MAX_POSTINGS])
            weights.append(w[:MAX_POSTINGS] * q.weights[j])
            summed += len(d)
        if not summed:
            return np.empty(0, dtype=np.int32)
        scores = np.bincount(
            np.concatenate(docs), weights=np.concatenate(weights), minlength=ix.size
        )
        hit = np.flatnonzero(scores)
        if len(hit) > CANDIDATES:
            hit = hit[np.argpartition(-scores[hit], CANDIDATES - 1)[:CANDIDATES]]
        return hit.astype(np.int32)

    def _term_matrix(
        self, q: _Query, cands: npt.NDArray[np.int32]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]:
        """Field weight and flags of each question term (rows) in each candidate (columns)."""
        weight = np.zeros((len(q.ids), len(cands)))
        flags = np.zeros((len(q.ids), len(cands)), dtype=np.uint8)
        for j, tid in enumerate(q.ids.tolist()):
            docs, w, f = self._ix.postings(tid)
            if not len(docs):
                continue
            pos = np.minimum(np.searchsorted(docs, cands), len(docs) - 1)
            found = docs[pos] == cands
            weight[j] = np.where(found, w[pos], 0.0)
            flags[j] = np.where(found, f[pos], 0)
        return weight, flags

    def _phrasing_features(
        self, q: _Query, cands: npt.NDArray[np.int32]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Per candidate: precision (share of its closest phrasing the question has) and
        nearness (rapidfuzz similarity of the question to its nearest phrasing)."""
        ix = self._ix
        first, last = ix.phrase_ptr[cands], ix.phrase_ptr[cands + 1]
        phrases = _ranges(first, last)
        precision = np.zeros(len(cands))
        near = np.zeros(len(cands))
        if not len(phrases):
            return precision, near
        term_idx = _ranges(ix.phrase_term_ptr[phrases], ix.phrase_term_ptr[phrases + 1])
        terms = ix.phrase_terms[term_idx]
        hit_idf = np.where(np.isin(terms, q.ids), ix.idf[terms], 0.0)
        counts = ix.phrase_term_ptr[phrases + 1] - ix.phrase_term_ptr[phrases]
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        hits = np.add.reduceat(hit_idf, starts) if len(hit_idf) else np.zeros(len(phrases))
        prec = hits / np.maximum(ix.phrase_denom[phrases], 1e-9)
        texts = [ix.phrase_text[p] for p in phrases.tolist()]
        ratio = process.cdist([q.folded], texts, scorer=fuzz.token_sort_ratio)[0] / 100.0
        at = 0
        for c, n in enumerate((last - first).tolist()):
            if n:
                precision[c] = prec[at : at + n].max()
                near[c] = ratio[at : at + n].max()
            at += n
        return precision, near

    def _scores(self, q: _Query, cands: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
        weight, flags = self._term_matrix(q, cands)
        coverage = (q.weights @ weight) / q.total
        precision, near = self._phrasing_features(q, cands)
        # Something distinctive in the question is not in this fact: fall off steeply.
        thin = coverage < MIN_COVERAGE
        coverage = np.where(thin, coverage * (coverage / MIN_COVERAGE) ** 2, coverage)
        score = coverage * (0.55 + 0.25 * precision + 0.20 * near)
        # A word the decks know, weighty in the question, that this fact lacks altogether: the
        # question is probably about another fact ("leader" of the Soviet Union).
        lacking = ((weight == 0) & (q.weights[:, None] >= ABSENT_SHARE * q.total)).any(axis=0)
        score *= np.where(lacking, ABSENT_FACTOR, 1.0)
        # A number or year the fact never mentions: almost surely another fact, or none.
        wrong_number = ((weight == 0) & self._numeric[q.ids][:, None]).any(axis=0)
        score *= np.where(wrong_number, NUMBER_ABSENT, 1.0)
        kind = self._ix.kind[cands]
        if q.wants:  # "when" and "how many" want a date or a number
            score = np.where(kind == q.wants, score + 0.05, (score - 0.05) * KIND_MISMATCH)
        wh = self._ix.wh[cands]
        if q.wh:  # "who" questions are best answered by "who" facts
            score += np.where(wh & q.wh, 0.03, np.where(wh != 0, -0.03, 0.0))
        # The question names the answer: this fact is about that thing.
        answer = (flags & IN_ANSWER) > 0
        score += 0.05 * (q.weights @ answer) / q.total
        primary = (flags & IN_PRIMARY) > 0
        for group in self._classes:
            asked = np.isin(q.ids, group)
            if not asked.any():
                continue
            # The question names a side this fact is not about (Chinese, not American).
            missing = (~primary[asked]).any(axis=0)
            if missing.any():
                other = self._has_other_side(group, q.ids[asked], cands)
                score *= np.where(missing, np.where(other, 0.6, 0.85), 1.0)
        return score

    def _has_other_side(
        self,
        group: npt.NDArray[np.int32],
        asked: npt.NDArray[np.int32],
        cands: npt.NDArray[np.int32],
    ) -> npt.NDArray[np.bool_]:
        """Whether each candidate names another member of the group (the "other side")."""
        other = np.zeros(len(cands), dtype=bool)
        for tid in np.setdiff1d(group, asked).tolist():
            docs, _, f = self._ix.postings(tid)
            if len(docs):
                pos = np.minimum(np.searchsorted(docs, cands), len(docs) - 1)
                other |= (docs[pos] == cands) & ((f[pos] & IN_PRIMARY) > 0)
        return other

    def _rank(self, question: str) -> list[tuple[int, float]]:
        """Candidate fact numbers with their scores, best first."""
        q = self._query(question)
        if q is None:
            return []
        cands = self._candidates(q)
        if not len(cands):
            return []
        scores = self._scores(q, cands)
        order = np.argsort(-scores, kind="stable")
        return [(int(cands[i]), float(scores[i])) for i in order]

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
