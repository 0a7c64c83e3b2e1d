"""Fixtures for end-to-end tests against the loopback Discord.

``fake_discord`` yields a started :class:`~tests.fakediscord.FakeDiscord`
(discord.py already pointed at it); start bots with
``await fake_discord.start_bot(bot)``, they are stopped at teardown. Override
``fake_world`` in a test module to change guilds, channels or people.

At teardown the fixture fails the test if the bot called a route the fake does
not implement, or if a fake handler crashed: extend the fake rather than
ignoring it (or clear ``fake_discord.unknown_requests`` in a test that means it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bot.cli import load_knowledge
from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.knowledge import Knowledge
from bot.quiz import VirtualClock
from bot.services import Services
from bot.store import Store
from cogs.app import StudyBot
from tests.fakediscord import FakeDiscord, FakeWorld


@pytest.fixture
def fake_world() -> FakeWorld:
    """The default world: one class guild "Study Hall" (see ``class_guild``)."""
    return FakeWorld.default()


@pytest.fixture
async def fake_discord(fake_world: FakeWorld) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord; stops bots and restores discord.py afterwards."""
    fake = FakeDiscord(fake_world)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    unknown = [f"{r.method} {r.path}" for r in fake.unknown_requests]
    assert not unknown, f"the bot used routes fakediscord does not implement: {unknown}"
    assert not fake.errors, "fakediscord handlers crashed:\n" + "\n".join(fake.errors)


# -- the study bot itself, against the fake ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


class LoopbackStudyBot(StudyBot):
    """The real study bot; only the 5 s pause before re-IDENTIFY is skipped."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@dataclass
class Study:
    """A running study bot, the fake Discord it talks to, and the quiz clock tests move."""

    bot: LoopbackStudyBot
    fake: FakeDiscord
    clock: VirtualClock
    services: Services


@pytest.fixture(scope="session")
def shipped_knowledge() -> Knowledge:
    return load_knowledge(ROOT / "data" / "decks")


@pytest.fixture
async def services(tmp_path: Path, shipped_knowledge: Knowledge) -> AsyncIterator[Services]:
    settings = Settings(
        discord_token=SecretStr("fake-token"),
        database_path=tmp_path / "study_bot.db",
        decks_path=ROOT / "data" / "decks",
    )
    knowledge = Knowledge(shipped_knowledge.shipped)  # guild decks stay per test
    store = await Store.open(settings.database_path)
    try:
        yield Services(settings, knowledge, store, GuildDecks(knowledge, store), VirtualClock())
    finally:
        await store.close()


@pytest.fixture
async def study(fake_discord: FakeDiscord, services: Services) -> Study:
    clock = services.clock
    assert isinstance(clock, VirtualClock)
    bot = LoopbackStudyBot(services, guild_ready_timeout=0.05)
    await fake_discord.start_bot(bot)
    guild = discord.Object(fake_discord.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    clock.expect = lambda: len(bot.engine.channels)
    return Study(bot, fake_discord, clock, services)
