"""Starting the bot the ways a deployment does: global command sync, and shards."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.services import Services
from cogs.app import ShardedStudyBot, StudyBot, make_bot, sync_globally
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
COMMANDS = {"ask", "fact", "quiz", "leaderboard", "stats", "deck", "settings", "forgetme"}


async def test_study_bot_sync_publishes_every_command_globally(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    settings = Settings(
        discord_token=SecretStr("fake-token"),
        database_path=tmp_path / "sync.db",
        decks_path=ROOT / "data" / "decks",
    )
    assert await sync_globally(settings) == 0
    puts = fake_discord.requests_to("PUT", r"/applications/\d+/commands")
    assert len(puts) == 1
    assert {c["name"] for c in puts[0].json} == COMMANDS
    quiz = next(c for c in puts[0].json if c["name"] == "quiz")
    assert {o["name"] for o in quiz["options"]} == {"start", "stop", "skip"}
    start = next(o for o in quiz["options"] if o["name"] == "start")
    assert [o["name"] for o in start["options"]] == ["questions", "seconds", "mode", "topic"]
    # a plain start never syncs globally (only `study-bot sync` does)
    assert not fake_discord.requests_to("PUT", r"/applications/\d+/guilds/\d+/commands")


async def test_shard_count_runs_an_auto_sharded_bot(
    fake_discord: FakeDiscord, services: Services
) -> None:
    services.settings = services.settings.model_copy(update={"shard_count": 2})
    bot = make_bot(services, guild_ready_timeout=0.05)
    assert isinstance(bot, ShardedStudyBot)

    async def no_pause(shard_id: int | None, *, initial: bool = False) -> None:
        return None

    bot.before_identify_hook = no_pause  # type: ignore[method-assign]
    await fake_discord.start_bot(bot)
    assert bot.shard_count == 2
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None
    await bot.tree.sync(guild=guild)
    reply = await (await fake_discord.slash("ask", {"question": "who fired macarthur"})).response()
    assert reply.embeds and "Truman" in str(reply.embeds[0])


def test_without_a_shard_count_the_bot_is_not_sharded(services: Services) -> None:
    assert type(make_bot(services)) is StudyBot
