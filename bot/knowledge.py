"""The question-answering service: decks in, answers out, the same for Discord and the console."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.deck import Deck
from bot.index_cache import IndexCache
from bot.lookup import CLEAR_LEAD, Entry, FactIndex, LookupResult, Match


@dataclass(frozen=True)
class Answer:
    """What the bot says to a question: a fact, or 'not in my notes' with maybe some guesses."""

    question: str
    best: Match | None
    suggestions: tuple[Match, ...]

    @property
    def matched(self) -> bool:
        return self.best is not None

    @property
    def entry(self) -> Entry | None:
        return self.best.entry if self.best else None


def answer_text(entry: Entry) -> str:
    """The reply a student reads: the short answer, then the explanation."""
    return f"{entry.fact.answer} — {entry.fact.explanation}"


def source_text(entry: Entry, deck_title: str | None = None) -> str:
    where = str(entry.fact.source)
    return f"{deck_title}: {where}" if deck_title else where


class Knowledge:
    """The shipped decks plus each server's own, each set with its own index."""

    def __init__(self, decks: Sequence[Deck], saved: IndexCache | None = None) -> None:
        """`saved`: where the shipped decks' index is kept between starts (none: build it)."""
        self._decks = {d.name: d for d in decks}
        self.index = FactIndex.build(decks, saved)
        self._guild_decks: dict[int, dict[str, Deck]] = {}
        self._guild_index: dict[int, FactIndex] = {}

    # -- decks ---------------------------------------------------------------------------------

    @property
    def shipped(self) -> list[Deck]:
        return list(self._decks.values())

    def decks(self, guild_id: int | None = None) -> list[Deck]:
        """Every deck a server can use: the shipped ones, then its own."""
        own = self._guild_decks.get(guild_id, {}) if guild_id is not None else {}
        return [*self._decks.values(), *own.values()]

    def deck(self, name: str, guild_id: int | None = None) -> Deck | None:
        return next((d for d in self.decks(guild_id) if d.name == name), None)

    def guild_deck_names(self, guild_id: int) -> list[str]:
        return list(self._guild_decks.get(guild_id, {}))

    def set_guild_deck(self, guild_id: int, deck: Deck) -> None:
        """Add or replace one server's own deck and rebuild that server's index."""
        self._guild_decks.setdefault(guild_id, {})[deck.name] = deck
        self._reindex(guild_id)

    def remove_guild_deck(self, guild_id: int, name: str) -> bool:
        removed = self._guild_decks.get(guild_id, {}).pop(name, None) is not None
        if removed:
            self._reindex(guild_id)
        return removed

    def _reindex(self, guild_id: int) -> None:
        own = list(self._guild_decks.get(guild_id, {}).values())
        if own:
            self._guild_index[guild_id] = FactIndex.build(own)
        else:
            self._guild_index.pop(guild_id, None)
            self._guild_decks.pop(guild_id, None)

    def indexes(self, guild_id: int | None = None) -> list[FactIndex]:
        extra = self._guild_index.get(guild_id) if guild_id is not None else None
        return [self.index] if extra is None else [self.index, extra]

    # -- questions -----------------------------------------------------------------------------

    def ask(self, question: str, guild_id: int | None = None) -> Answer:
        """Answer a free-form question from the decks a server can see."""
        results: list[LookupResult] = [ix.lookup(question) for ix in self.indexes(guild_id)]
        bests = sorted((r.best for r in results if r.best), key=lambda m: -m.score)
        others = sorted((m for r in results for m in r.alternatives), key=lambda m: -m.score)
        if bests:
            best, *rest = bests
            close = [m for m in rest if m.score >= best.score - CLEAR_LEAD]
            alts = sorted([*close, *others], key=lambda m: -m.score)
            return Answer(question, best, tuple(m for m in alts if m.entry != best.entry)[:3])
        return Answer(question, None, tuple(others[:3]))

    def suggest(self, prefix: str, guild_id: int | None = None, limit: int = 25) -> list[Entry]:
        found: list[Entry] = []
        for ix in self.indexes(guild_id):
            found.extend(ix.suggest(prefix, limit))
        return found[:limit]

    def get(self, key: str, guild_id: int | None = None) -> Entry | None:
        for ix in self.indexes(guild_id):
            entry = ix.get(key)
            if entry is not None:
                return entry
        return None

    def topics(self, guild_id: int | None = None) -> list[str]:
        return sorted({t for ix in self.indexes(guild_id) for t in ix.topics})
