"""Everything the bot is built from, made once in `run_bot.py` and handed to each part."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.knowledge import Knowledge
from bot.quiz import Clock
from bot.store import Store


@dataclass
class Services:
    settings: Settings
    knowledge: Knowledge
    store: Store
    guild_decks: GuildDecks
    clock: Clock
