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
import os
import sys
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot.deck import Deck, Fact, SourceRef
from bot.limits import DeckLimits

log = logging.getLogger(__name__)

FORMAT = 1
#: The modules whose code decides whether a deck is accepted and what it holds.
_CHECKERS = ("deck.py", "deck_messages.py", "judge.py", "numbers.py", "text.py", "limits.py")
_LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "text2num", "python-dateutil", "rapidfuzz")
_PREFIX = "deck-"


@cache
def _code_stamp() -> bytes:
    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(f"format {FORMAT}".encode())
    for library in _LIBRARIES:
        h.update(f"{library} {version(library)};".encode())
    try:
        for name in _CHECKERS:
            h.update((here / name).read_bytes())
    except OSError:  # no sources to read (a zipped install): never trust a snapshot
        h.update(os.urandom(16))
    return h.digest()


class DeckCache:
    """Snapshots of checked decks in one folder (created when the first one is saved)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._used: set[str] = set()

    def key(self, raw: bytes, limits: DeckLimits) -> str:
        h = hashlib.blake2b(_code_stamp(), digest_size=20)
        h.update(repr(limits).encode())
        h.update(raw)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{_PREFIX}{key}.json"

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
        data = json.dumps(deck.model_dump(mode="json"), ensure_ascii=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".saving-", suffix=".json")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data.encode("utf-8", "surrogatepass"))
                os.replace(tmp, self._path(key))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
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
