"""The compact search index behind `bot.lookup`: flat numpy arrays, built once per deck set.

At 100,000 facts a dict per fact would cost hundreds of megabytes; here every fact's terms
live in three flat arrays (CSR layout, grouped by term), so the index stays small and a
question is scored with a few vectorised numpy calls.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.deck import Fact
from bot.terms import content_words_all, stem, wh_word
from bot.text import fold_all

# Weights of the places a term can appear in a fact.
PRIMARY = 1.0  # question, ask phrasings, answer, aliases
EXPLANATION = 0.6
TOPIC = 0.4
IN_PRIMARY, IN_ANSWER = 1, 2  # flags per (term, fact)
WH_BITS = {"who": 1, "when": 2, "where": 4, "why": 8}
KIND_CODES = {None: 0, "date": 1, "number": 2}
_MONTH_OR_YEAR = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b1\d{3}\b|\b20\d{2}\b"
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|dozen)\b"
)

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


def answer_kind(folded_answer: str) -> str | None:
    """'date', 'number' or None (a regex, not the judge's full reading: indexing must be fast)."""
    if _MONTH_OR_YEAR.search(folded_answer):
        return "date"
    return "number" if _NUMBER.search(folded_answer) else None


@dataclass
class TermIndex:
    """Postings (term -> facts, with field weight and flags) and the facts' phrasings."""

    term_id: dict[str, int]
    idf: FloatArray  # per term
    post_ptr: IntArray  # per term: where its postings start (CSR), length terms + 1
    post_doc: IntArray  # fact numbers, ascending within a term
    post_weight: FloatArray  # field weight of the term in that fact
    post_flags: npt.NDArray[np.uint8]  # IN_PRIMARY | IN_ANSWER
    phrase_ptr: IntArray  # per fact: where its phrasings start, length facts + 1
    phrase_term_ptr: IntArray  # per phrasing: where its terms start, length phrasings + 1
    phrase_terms: IntArray
    phrase_denom: FloatArray  # per phrasing: the sum of its terms' idf
    phrase_text: list[str]  # per phrasing: its content words, for rapidfuzz
    wh: npt.NDArray[np.uint8]  # per fact: WH_BITS of its phrasings
    kind: npt.NDArray[np.uint8]  # per fact: KIND_CODES of its answer
    word_term: dict[str, int]  # surface word (3+ letters) -> term, for typo correction
    words_by_length: dict[int, list[str]]
    titles: list[str]  # per fact: the folded question, for autocomplete

    @property
    def size(self) -> int:
        return len(self.kind)

    def postings(self, term: int) -> tuple[IntArray, FloatArray, npt.NDArray[np.uint8]]:
        a, b = self.post_ptr[term], self.post_ptr[term + 1]
        return self.post_doc[a:b], self.post_weight[a:b], self.post_flags[a:b]

    def df(self, term: int) -> int:
        return int(self.post_ptr[term + 1] - self.post_ptr[term])


class _Builder:
    """Accumulates (term, fact, weight, flags) rows in compact arrays, then sorts them."""

    def __init__(self) -> None:
        self.term_id: dict[str, int] = {}
        self.word_term: dict[str, int] = {}
        self.rows_term = array("i")
        self.rows_doc = array("i")
        self.rows_weight = array("f")
        self.rows_flags = array("B")
        self.phrase_ptr = array("i", [0])
        self.phrase_term_ptr = array("i", [0])
        self.phrase_terms = array("i")
        self.phrase_wh: list[int] = []
        self.phrase_text: list[str] = []
        self.wh = array("B")
        self.kind = array("B")
        self.titles: list[str] = []

    def _terms(self, words: list[str]) -> list[int]:
        ids = []
        for word in words:
            t = stem(word)
            tid = self.term_id.get(t)
            if tid is None:
                tid = self.term_id[t] = len(self.term_id)
            ids.append(tid)
            if len(word) >= 3 and not word.isdigit() and word not in self.word_term:
                self.word_term[word] = tid
        return ids

    def add_fact(
        self, doc: int, fact: Fact, folded: Sequence[str], content: Sequence[list[str]]
    ) -> None:
        """`folded`: question, asks, answers, explanation, in that order, already folded;
        `content`: the content words of each (see `content_words`)."""
        n_phrasings = 1 + len(fact.ask)
        n_answers = 1 + len(fact.aliases)
        best: dict[int, tuple[float, int]] = {}  # term -> (weight, flags)

        def note(ids: list[int], weight: float, flags: int) -> None:
            for tid in ids:
                old_w, old_f = best.get(tid, (0.0, 0))
                best[tid] = (max(old_w, weight), old_f | flags)

        wh_bits = 0
        for text, words in zip(folded[:n_phrasings], content[:n_phrasings], strict=True):
            ids = self._terms(words)
            note(ids, PRIMARY, IN_PRIMARY)
            if ids:
                self.phrase_terms.extend(dict.fromkeys(ids))
                self.phrase_term_ptr.append(len(self.phrase_terms))
                self.phrase_text.append(" ".join(words))
                wh_bits |= WH_BITS.get(wh_word(text) or "", 0)
        for words in content[n_phrasings : n_phrasings + n_answers]:
            note(self._terms(words), PRIMARY, IN_PRIMARY | IN_ANSWER)
        note(self._terms(content[n_phrasings + n_answers]), EXPLANATION, 0)
        for topic in fact.topic:
            note(self._terms(topic.split("-")), TOPIC, 0)
        for tid, (weight, flags) in best.items():
            self.rows_term.append(tid)
            self.rows_doc.append(doc)
            self.rows_weight.append(weight)
            self.rows_flags.append(flags)
        self.phrase_ptr.append(len(self.phrase_text))
        self.wh.append(wh_bits)
        self.kind.append(KIND_CODES[answer_kind(folded[n_phrasings])])
        self.titles.append(folded[0])

    def finish(self) -> TermIndex:
        n_docs = len(self.kind)
        n_terms = len(self.term_id)
        terms = np.frombuffer(self.rows_term, dtype=np.int32)
        order = np.argsort(terms, kind="stable")  # facts stay ascending within a term
        counts = np.bincount(terms, minlength=n_terms)
        post_ptr = np.zeros(n_terms + 1, dtype=np.int32)
        np.cumsum(counts, out=post_ptr[1:])
        idf = np.log1p((max(n_docs, 1) - counts + 0.5) / (counts + 0.5)).astype(np.float32)
        phrase_terms = np.frombuffer(self.phrase_terms, dtype=np.int32).copy()
        phrase_term_ptr = np.frombuffer(self.phrase_term_ptr, dtype=np.int32).copy()
        sums: npt.NDArray[np.float32] = (
            np.add.reduceat(idf[phrase_terms], phrase_term_ptr[:-1])
            if len(phrase_terms)
            else np.zeros(0, dtype=np.float32)
        )
        by_length: dict[int, list[str]] = {}
        for word in self.word_term:
            by_length.setdefault(len(word), []).append(word)
        return TermIndex(
            term_id=self.term_id,
            idf=idf,
            post_ptr=post_ptr,
            post_doc=np.frombuffer(self.rows_doc, dtype=np.int32)[order].copy(),
            post_weight=np.frombuffer(self.rows_weight, dtype=np.float32)[order].copy(),
            post_flags=np.frombuffer(self.rows_flags, dtype=np.uint8)[order].copy(),
            phrase_ptr=np.frombuffer(self.phrase_ptr, dtype=np.int32).copy(),
            phrase_term_ptr=phrase_term_ptr,
            phrase_terms=phrase_terms,
            phrase_denom=np.asarray(sums, dtype=np.float32),
            phrase_text=self.phrase_text,
            wh=np.frombuffer(self.wh, dtype=np.uint8).copy(),
            kind=np.frombuffer(self.kind, dtype=np.uint8).copy(),
            word_term=self.word_term,
            words_by_length=by_length,
            titles=self.titles,
        )


CHUNK = 4_096  # facts folded together: patterns run once per chunk, memory stays bounded


def build_index(facts: Sequence[Fact]) -> TermIndex:
    """Index facts in order; fact number i is facts[i]."""
    builder = _Builder()
    for first in range(0, len(facts), CHUNK):
        chunk = facts[first : first + CHUNK]
        texts: list[str] = []
        starts = [0]
        for fact in chunk:
            texts += (fact.question, *fact.ask, fact.answer, *fact.aliases, fact.explanation)
            starts.append(len(texts))
        folded = fold_all(texts)
        content = content_words_all(folded)
        for n, fact in enumerate(chunk):
            a, b = starts[n], starts[n + 1]
            builder.add_fact(first + n, fact, folded[a:b], content[a:b])
    return builder.finish()
