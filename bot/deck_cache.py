"""Checked decks saved between starts, so that a restart does not parse and check them again.

Reading a deck file means parsing its YAML and checking every fact (the wrong choices with
the judge): about a second for a full 2,000-fact deck, a minute for a 100,000-fact course.
Both are a pure function of the file's bytes, the deck limits and the code, so the checked
deck is saved under a key made of exactly those; any other file, limit or version of the
bot is a miss that reads the file in full. A missing, unreadable or damaged snapshot is a
miss too, never an error. Snapshots are JSON: loading one runs no code from the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bot.deck import Deck, Fact, SourceRef, deck_from_bytes
from bot.limits import DeckLimits
from bot.saved import code_stamp, write_whole

log = logging.getLogger(__name__)

FORMAT = 1
#: The modules whose code decides whether a deck is accepted and what it holds.
_CHECKERS = ("deck.py", "deck_messages.py", "judge.py", "numbers.py", "text.py", "limits.py")
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "text2num", "python-dateutil", "rapidfuzz")
_PREFIX = "deck-"


class DeckCache:
    """Snapshots of checked decks in one folder (created when the first one is saved)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def key(self, raw: bytes, limits: DeckLimits) -> str:
        h = hashlib.blake2b(code_stamp(f"deck {FORMAT}", _CHECKERS, _LIBRARIES), digest_size=20)
        h.update(repr(limits).encode())
        h.update(raw)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{_PREFIX}{key}.json"

    def deck(self, raw: bytes, where: str, limits: DeckLimits) -> Deck:
        """The deck a file's bytes hold: checked before and saved, or checked now and saved.
        A bad deck raises its `DeckError` every time."""
        key = self.key(raw, limits)
        deck = self.load(key)
        if deck is None:
            deck = deck_from_bytes(raw, where, limits)
            self.save(key, deck)
        return deck

    def load(self, key: str) -> Deck | None:
        """The deck saved under `key`, or None."""
        self._used.add(key)
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return _deck(json.loads(path.read_bytes()))
        except Exception as exc:  # damaged or from elsewhere: read the file afresh
            log.warning("ignoring the saved deck %s (%s); checking the file again", path, exc)
            return None

    def save(self, key: str, deck: Deck) -> None:
        """Save a checked deck (atomically). A failure is logged, not raised."""
        self._used.add(key)
        data = json.dumps(deck.model_dump(mode="json"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
        try:
            write_whole(self._path(key), lambda out: out.write(data))
        except OSError as exc:
            log.warning(
                "could not save the checked deck in %s (%s); the next start checks it again",
                self.folder,
                exc,
            )

    def forget_unused(self) -> None:
        """Remove the snapshots of decks that were not loaded (edited or deleted files)."""
        for old in self.folder.glob(f"{_PREFIX}*.json"):
            if old.stem.removeprefix(_PREFIX) not in self._used:
                old.unlink(missing_ok=True)


_FACT_FIELDS = frozenset(f.name for f in dataclasses.fields(Fact))


def _deck(data: dict[str, Any]) -> Deck:
    if any(f.keys() != _FACT_FIELDS for f in data["facts"]):
        raise ValueError("a fact in it does not have the fields of a fact")
    # Sections, topics and difficulties repeat from fact to fact: keep one copy of each.
    facts = tuple(
        Fact.trusted(
            **{
                **f,
                "source": SourceRef(
                    section=sys.intern(f["source"]["section"]),
                    paragraph=f["source"]["paragraph"],
                ),
                "aliases": tuple(f["aliases"]),
                "topic": tuple(map(sys.intern, f["topic"])),
                "difficulty": sys.intern(f["difficulty"]),
                "choices": tuple(f["choices"]),
                "ask": tuple(f["ask"]),
            }
        )
        for f in data["facts"]
    )
    return Deck.model_construct(**{**data, "facts": facts})
