"""What the indexed lookup is compared with: a scan of every string of every fact.

- `RapidfuzzScan`: `rapidfuzz.process.extractOne` with `fuzz.WRatio` over every question,
  ask phrasing, answer, alias and explanation; the hit is mapped back to its fact. The
  strings are normalised once up front (`rapidfuzz.utils.default_process`), and the query
  at each call, so the scan is as fast as a brute-force scan can fairly be.
- `DifflibScan`: the standard library's `difflib.get_close_matches` (default cutoff 0.6)
  over the same strings, lower-cased; None when nothing is close enough.
"""

from __future__ import annotations

import difflib

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.deck import Deck, Fact


def _strings(fact: Fact) -> tuple[str, ...]:
    return (fact.question, *fact.ask, fact.answer, *fact.aliases, fact.explanation)


class RapidfuzzScan:
    """The brute-force baseline: best WRatio over every string, mapped to its fact id."""

    def __init__(self, deck: Deck) -> None:
        self.strings: list[str] = []
        self.owners: list[str] = []
        for fact in deck.facts:
            for text in _strings(fact):
                self.strings.append(default_process(text))
                self.owners.append(fact.id)

    def find(self, query: str) -> str | None:
        hit = process.extractOne(default_process(query), self.strings, scorer=fuzz.WRatio)
        return None if hit is None else self.owners[hit[2]]


class DifflibScan:
    """The standard-library baseline: `difflib.get_close_matches(query, strings, n=1)`."""

    def __init__(self, deck: Deck) -> None:
        self.owner: dict[str, str] = {}
        for fact in deck.facts:
            for text in _strings(fact):
                self.owner.setdefault(text.lower(), fact.id)
        self.strings = list(self.owner)

    def find(self, query: str) -> str | None:
        hits = difflib.get_close_matches(query.lower(), self.strings, n=1)
        return self.owner[hits[0]] if hits else None
