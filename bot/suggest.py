"""Autocomplete over fact titles: prefix matching on words, fast at 100,000 facts."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from bot.text import fold

MAX_SCAN = 2_000  # candidates looked at for one keystroke


class SuggestIndex:
    """The sorted distinct words of all titles, each with the titles that contain it (one flat
    array), so that a typed prefix is two binary searches and a slice."""

    def __init__(self, folded_titles: list[str]) -> None:
        self._titles = folded_titles
        postings: dict[str, list[int]] = {}
        for i, title in enumerate(folded_titles):
            for w in set(title.split()):
                postings.setdefault(w, []).append(i)
        self._words = sorted(postings)
        sizes = [len(postings[w]) for w in self._words]
        self._ptr = np.zeros(len(self._words) + 1, dtype=np.int64)
        np.cumsum(sizes, out=self._ptr[1:])
        flat = [i for w in self._words for i in postings[w]]
        self._ids = np.asarray(flat, dtype=np.int32)

    def _with_prefix(self, prefix: str) -> list[int]:
        lo = bisect_left(self._words, prefix)
        hi = bisect_left(self._words, prefix + "\uffff", lo)
        start, end = int(self._ptr[lo]), int(self._ptr[hi])
        ids: list[int] = self._ids[start : min(end, start + MAX_SCAN)].tolist()
        return ids

    def complete(self, typed: str, limit: int) -> list[int]:
        """Title numbers whose words start with what was typed (the last word may be partial)."""
        text = fold(typed)
        if not text:
            return list(range(min(limit, len(self._titles))))
        *whole, last = text.split()
        found = dict.fromkeys(self._with_prefix(last))
        if whole:
            found = dict.fromkeys(
                i for i in found if all(w in self._titles[i].split() for w in whole)
            )
        ranked = sorted(
            found,
            key=lambda i: (not self._titles[i].startswith(text), len(self._titles[i]), i),
        )
        return ranked[:limit]
