"""Fixtures for the faults, crash and load tests.

The in-process ones come from ``tests/e2e/conftest.py`` (``study``: the real bot against
the loopback Discord on a VirtualClock). ``live_study`` is the same bot on the real clock,
for the tests whose bars are wall-clock times. The crash and shutdown tests run the real
``run_bot.py`` as a subprocess instead (see ``tests/faults/botprocess.py``).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.knowledge import Knowledge
from bot.quiz import RealClock
from bot.services import Services
from bot.store import Store
from tests.e2e.conftest import (  # noqa: F401
    ROOT,
    LoopbackStudyBot,
    fake_discord,
    fake_world,
    services,
    shipped_knowledge,
    study,
)
from tests.fakediscord import FakeDiscord
from tests.faults.helpers import LiveStudy


@pytest.fixture
async def live_study(
    fake_discord: FakeDiscord,  # noqa: F811
    tmp_path: Path,
    shipped_knowledge: Knowledge,  # noqa: F811
) -> AsyncIterator[LiveStudy]:
    """The real study bot against the loopback Discord, its rounds on the real clock."""
    settings = Settings(
        discord_token=SecretStr("fake-token"),
        database_path=tmp_path / "study_bot.db",
        decks_path=ROOT / "data" / "decks",
    )
    knowledge = Knowledge(shipped_knowledge.shipped)
    store = await Store.open(settings.database_path)
    live = Services(settings, knowledge, store, GuildDecks(knowledge, store), RealClock())
    try:
        bot = LoopbackStudyBot(live, guild_ready_timeout=0.05)
        await fake_discord.start_bot(bot)
        guild = discord.Object(fake_discord.guild.id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        bot.engine.rng = random.Random(1953)
        yield LiveStudy(bot, fake_discord, live)
        await fake_discord.stop_bot(bot)
    finally:
        await store.close()
