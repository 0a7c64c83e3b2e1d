"""Everything the bot is built from, made once in `run_bot.py` and handed to each part."""

from __future__ import annotations

import gc
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


def settle_heap() -> None:
    """Call once what lives as long as the bot is built (modules, decks, indexes, the store).

    A full collection, then everything left moves out of the cyclic garbage collector's
    sight: its later full collections scan only what changes while the bot runs, instead of
    pausing every round for 100 ms or more to rescan the decks.
    """
    gc.collect()
    gc.freeze()
