"""A saved copy of the search index, so that a restart with the same decks skips building it.

The index is derived data. It is saved under a key made from everything it is built from
(each fact's indexed texts and topics, in order) and from the code that builds it, so a
changed deck or a new version of the bot builds, and saves, a new one. The decks are still
read and checked in full at every start; only the index build is skipped. A missing,
unreadable or damaged file is a miss, never an error: the index is then built as if there
were no saved copy. Only the latest index is kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from bot.deck import Fact
from bot.index import TermIndex, build_index
from bot.saved import code_stamp, write_whole

log = logging.getLogger(__name__)

FORMAT = 1
#: The modules whose code decides what the index holds.
_BUILDERS = ("index.py", "terms.py", "text.py", "numbers.py", "limits.py")
_TEXTS = ("term_id", "word_term", "words_by_length", "phrase_text", "titles")
_ARRAYS = tuple(f.name for f in fields(TermIndex) if f.name not in _TEXTS)
_PREFIX = "index-"


def index_key(facts: Sequence[Fact]) -> str:
    """The key of the index of these facts (in this order) built by this code."""
    h = hashlib.blake2b(code_stamp(f"index {FORMAT}", _BUILDERS, ("PyStemmer",)), digest_size=20)
    for f in facts:
        parts = (f.question, *f.ask, "\x1e", f.answer, *f.aliases, "\x1e", f.explanation)
        h.update("\x1f".join((*parts, "\x1e", *f.topic, "\x1d")).encode("utf-8", "replace"))
    return h.hexdigest()


class IndexCache:
    """Index files in one folder (created when the first index is saved)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{_PREFIX}{key}.npz"

    def index(self, facts: Sequence[Fact]) -> TermIndex:
        """The index of these facts: the saved one, or built now and saved."""
        key = index_key(facts)
        index = self.load(key, len(facts))
        if index is None:
            index = build_index(facts)
            self.save(key, index)
        return index

    def load(self, key: str, facts: int) -> TermIndex | None:
        """The saved index for `key` (of `facts` facts), or None."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                arrays: dict[str, Any] = {name: saved[name] for name in _ARRAYS}
                texts = json.loads(saved["texts"].tobytes())
            index = _from_saved(arrays, texts)
            if index.size != facts or len(index.phrase_ptr) != facts + 1:
                raise ValueError(f"holds {index.size} facts, not {facts}")
        except Exception as exc:  # damaged or from elsewhere: build afresh
            log.warning("ignoring the saved search index %s (%s); building it again", path, exc)
            return None
        return index

    def save(self, key: str, index: TermIndex) -> None:
        """Save the index (atomically); drop older ones. A failure is logged, not raised."""
        texts = {
            "terms": list(index.term_id),
            "words": list(index.word_term),
            "word_terms": list(index.word_term.values()),
            "phrase_text": index.phrase_text,
            "titles": index.titles,
        }
        encoded = json.dumps(texts, ensure_ascii=False).encode("utf-8", "surrogatepass")
        arrays = {name: getattr(index, name) for name in _ARRAYS}
        try:
            write_whole(
                self._path(key),
                lambda out: np.savez(out, texts=np.frombuffer(encoded, np.uint8), **arrays),
            )
            for old in self.folder.glob(f"{_PREFIX}*.npz"):
                if old.name != self._path(key).name:
                    old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning(
                "could not save the search index in %s (%s); the next start builds it again",
                self.folder,
                exc,
            )


def _from_saved(arrays: dict[str, Any], texts: dict[str, Any]) -> TermIndex:
    words: list[str] = texts["words"]
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    return TermIndex(
        term_id={term: i for i, term in enumerate(texts["terms"])},
        word_term=dict(zip(words, texts["word_terms"], strict=True)),
        words_by_length=by_length,
        phrase_text=texts["phrase_text"],
        titles=texts["titles"],
        **arrays,
    )
