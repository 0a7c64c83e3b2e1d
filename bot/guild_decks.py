"""A server's own decks: imported by teachers, validated whole, stored, searchable at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.deck import Deck, deck_from_bytes
from bot.errors import DeckError, StudyBotError, quoted
from bot.knowledge import Knowledge
from bot.limits import MAX_DECKS_PER_GUILD
from bot.store.rows import GuildDeckRow

log = logging.getLogger(__name__)


class DeckRefused(StudyBotError):
    """A deck that is valid on its own but cannot be added to this server."""


class GuildDeckStore(Protocol):
    async def save_guild_deck(
        self,
        guild_id: int,
        name: str,
        yaml_text: str,
        fact_count: int,
        added_by: int,
        now: datetime,
    ) -> None: ...

    async def guild_decks(self, guild_id: int) -> list[GuildDeckRow]: ...

    async def all_guild_decks(self) -> list[GuildDeckRow]: ...

    async def remove_guild_deck(self, guild_id: int, name: str) -> bool: ...


@dataclass(frozen=True)
class Imported:
    deck: Deck
    replaced: bool


class GuildDecks:
    """Import, list and remove a server's decks; the store keeps them across restarts."""

    def __init__(self, knowledge: Knowledge, store: GuildDeckStore) -> None:
        self.knowledge = knowledge
        self.store = store

    async def load_all(self) -> int:
        """At start-up: put every stored guild deck back into the knowledge base."""
        loaded = 0
        for row in await self.store.all_guild_decks():
            try:
                deck = deck_from_bytes(row.yaml_text.encode(), f"{row.name}.yaml")
            except DeckError:
                log.exception("stored deck %s of guild %s no longer loads", row.name, row.guild_id)
                continue
            self.knowledge.set_guild_deck(row.guild_id, deck)
            loaded += 1
        return loaded

    async def import_file(
        self, guild_id: int, filename: str, raw: bytes, added_by: int, now: datetime
    ) -> Imported:
        """Validate a file whole; only a deck with no problem at all is added."""
        deck = deck_from_bytes(raw, filename)
        if any(d.name == deck.name for d in self.knowledge.shipped):
            raise DeckRefused(
                f'{filename}: the deck name "{deck.name}" belongs to a deck that comes with the '
                "bot. Change `name:` in your file and import it again."
            )
        own = self.knowledge.guild_deck_names(guild_id)
        replaced = deck.name in own
        if not replaced and len(own) >= MAX_DECKS_PER_GUILD:
            raise DeckRefused(
                f"This server already has {len(own)} decks, the most it can have. "
                "Remove one with /deck remove first."
            )
        await self.store.save_guild_deck(
            guild_id, deck.name, raw.decode("utf-8-sig"), len(deck.facts), added_by, now
        )
        self.knowledge.set_guild_deck(guild_id, deck)
        return Imported(deck, replaced)

    async def remove(self, guild_id: int, name: str) -> Deck:
        deck = self.knowledge.deck(name, guild_id)
        if deck is None or name not in self.knowledge.guild_deck_names(guild_id):
            if any(d.name == name for d in self.knowledge.shipped):
                raise DeckRefused(f"{quoted(name)} comes with the bot and cannot be removed.")
            raise DeckRefused(f"This server has no deck called {quoted(name)}. See /deck list.")
        await self.store.remove_guild_deck(guild_id, name)
        self.knowledge.remove_guild_deck(guild_id, name)
        return deck
