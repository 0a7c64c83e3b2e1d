"""After a restart, the rounds a crash left open are closed before anyone can start a new one.

discord.py only calls on_ready once every server has arrived (`guild_ready_timeout` after
the last one; minutes for a big bot), but it hands over slash commands and messages from
the first second. A round started in that window must not be taken for a crashed one.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.quiz import VirtualClock
from bot.quiz.clock import to_datetime
from bot.quiz.engine import INTERRUPTED
from bot.services import Services
from tests.e2e.conftest import GRACE, LoopbackStudyBot, scorers_of, wait_for_embed
from tests.fakediscord import FakeDiscord
from tests.faults.botprocess import session_ready

pytestmark = pytest.mark.e2e


async def test_a_round_started_before_on_ready_survives_the_recovery(
    fake_discord: FakeDiscord, services: Services
) -> None:
    fake, store, clock = fake_discord, services.store, services.clock
    assert isinstance(clock, VirtualClock)
    guild = fake.guild
    crashed = await store.start_round(
        guild.id, fake.channel_id("homework"), guild.member("alice").id, "korean_war", None,
        "typed", 5, 20, to_datetime(clock.now()),
    )  # fmt: skip
    services.settings = services.settings.model_copy(update={"dev_guild_id": guild.id})
    # on_ready comes 2 s (discord.py's default) after the server arrives
    bot = LoopbackStudyBot(services, guild_ready_timeout=2.0)
    starting = asyncio.create_task(fake.start_bot(bot))
    try:
        await fake.state.wait_until(
            lambda: session_ready(fake) or None, 10, "the server to be sent to the bot"
        )
        clock.expect = lambda: len(bot.engine.channels)
        since = fake.mark()
        reply = await (
            await fake.slash(
                "quiz start", {"questions": 2, "mode": "typed"}, user="bob", channel="quiz"
            )
        ).response()
        assert not reply.ephemeral, reply.content
        assert not bot.is_ready(), "the round must start before on_ready for this test"
        await wait_for_embed(fake, "quiz", "Question 1/2", since=since)
        await starting  # on_ready: everything a start-up does has been done

        rnd = bot.engine.running(fake.channel_id("quiz"))
        assert rnd is not None, "the new round was ended by the start-up"
        told = [m.content for m in fake.messages_in("homework") if m.content == INTERRUPTED]
        assert told == [INTERRUPTED], "the crashed round's channel is told once"
        assert [m.content for m in fake.messages_in("quiz") if m.content == INTERRUPTED] == []
        row = await store.get_round(rnd.where.round_id)
        assert row is not None and row.ended_at is None, "the new round is open in the database"
        old = await store.get_round(crashed)
        assert old is not None and old.end_reason == "stopped"

        question = rnd.question
        assert question is not None
        right = await fake.send_message("quiz", "carol", question.entry.fact.answer)
        await fake.wait_for_reaction(right, "✅")
        await clock.advance(GRACE)
        reveal = await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
        assert [name for name, _ in scorers_of(reveal)] == ["carol"]
    finally:
        if not starting.done():
            starting.cancel()
        await fake.stop_bot(bot)
