"""Autocomplete over fact titles: prefix matching on words, fast at 100,000 facts."""

from __future__ import annotations

from bisect import bisect_left

from bot.text import fold

MAX_SCAN = 5_000  # candidates looked at for one keystroke


class SuggestIndex:
    """Sorted (word, title number) pairs, so that a typed prefix is two binary searches."""

    def __init__(self, titles: list[str]) -> None:
        self._titles = [fold(t) for t in titles]
        self._word_sets = [frozenset(t.split()) for t in self._titles]
        pairs = sorted({(w, i) for i, t in enumerate(self._titles) for w in t.split()})
        self._words = [w for w, _ in pairs]
        self._ids = [i for _, i in pairs]

    def _with_prefix(self, prefix: str) -> list[int]:
        lo = bisect_left(self._words, prefix)
        hi = bisect_left(self._words, prefix + "\uffff", lo)
        return self._ids[lo : min(hi, lo + MAX_SCAN)]

    def complete(self, typed: str, limit: int) -> list[int]:
        """Title numbers whose words start with what was typed (the last word may be partial)."""
        text = fold(typed)
        if not text:
            return list(range(min(limit, len(self._titles))))
        *whole, last = text.split()
        found: dict[int, None] = {}
        for i in self._with_prefix(last):
            words = self._word_sets[i]
            if all(w in words for w in whole):
                found.setdefault(i, None)
        ranked = sorted(
            found,
            key=lambda i: (not self._titles[i].startswith(text), len(self._titles[i]), i),
        )
        return ranked[:limit]
