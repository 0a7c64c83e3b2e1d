"""Smoke tests of the loopback Discord (``tests.fakediscord``) with the real client.

A small test-only bot exercises what the study bot will rely on: login and
READY, command sync, slash commands (ephemeral replies, subcommands, attachments,
defer + followup), autocomplete, buttons, modals, message listeners with
reactions, gateway RECONNECT / INVALID_SESSION / dropped sockets, and REST
errors (5xx, 429). Every test fails if the bot does not actually respond.
"""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import FakeAttachment, FakeDiscord, FakeWorld
from tests.fakediscord.gateway import IDENTIFY, RESUME

pytestmark = pytest.mark.e2e

TOPICS = ["algebra", "biology", "chemistry", "history"]
CHANNEL_MESSAGES = r"/channels/\d+/messages"


class AnswerView(discord.ui.View):
    """One button; its custom_id is random, as in real bots."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="Answer", style=discord.ButtonStyle.primary)
    async def answer(
        self, interaction: discord.Interaction, button: discord.ui.Button[AnswerView]
    ) -> None:
        await interaction.response.send_message(f"{interaction.user.name} answered", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    comment: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(label="Comment")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.comment.value}", ephemeral=True)


class SmokeBot(commands.Bot):
    """A test-only bot with one command per feature under test."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.05)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause before re-IDENTIFYing (discord.py's default)."""

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command(description="Private pong")
        async def ping(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(f"pong: {text}", ephemeral=True)

        @tree.command(description="Pick a topic")
        async def topic(interaction: discord.Interaction, subject: str) -> None:
            await interaction.response.send_message(f"topic: {subject}")

        @topic.autocomplete("subject")
        async def topic_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t.title(), value=t) for t in TOPICS if current in t]

        quiz = app_commands.Group(name="quiz", description="Quiz rounds")

        @quiz.command(name="start", description="Ask a question")
        async def quiz_start(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Question 1: 2 + 2?", view=AnswerView())

        tree.add_command(quiz)

        @tree.command(description="Shout a file back")
        async def shout(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            loud = discord.File(io.BytesIO(data.upper()), filename="loud.txt")
            await interaction.response.send_message(
                f"{file.filename}: {len(data)} bytes", file=loud
            )

        @tree.command(description="Think, then answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("done slowly")

        @tree.command(description="Leave feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

    async def on_message(self, message: discord.Message) -> None:
        if not message.author.bot and "hello" in message.content.lower():
            await message.add_reaction("✅")


class ShardedBot(commands.AutoShardedBot):
    """Asks ``GET /gateway/bot`` for its shard count and opens one session per shard."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05
        )

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s pause between shards."""

    async def setup_hook(self) -> None:
        @self.tree.command(description="Which shard am I on?")
        async def shard(interaction: discord.Interaction) -> None:
            assert interaction.guild is not None
            await interaction.response.send_message(f"shard {interaction.guild.shard_id}")


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> SmokeBot:
    return await fake_discord.start_bot(SmokeBot())


def text_channel(bot: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_bot_connects_and_sees_the_class_guild(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    fake_guild = fake_discord.guild
    guild = bot.get_guild(fake_guild.id)
    assert bot.is_ready() and bot.user is not None and bot.user.id == fake_discord.bot_user_id
    assert guild is not None and guild.owner_id == fake_guild.owner.id
    assert {c.name for c in guild.text_channels} == {"general", "quiz", "homework", "teachers"}
    assert guild.get_role(fake_guild.role("Teacher").id) is not None
    assert guild.me.guild_permissions.add_reactions
    identify = fake_discord.gateway.received(IDENTIFY)[0].d
    assert identify["intents"] & discord.Intents(message_content=True).value


async def test_command_sync_hits_put_endpoint(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    guild = discord.Object(fake_discord.guild.id)
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)

    put = fake_discord.requests_to("PUT", rf"/applications/\d+/guilds/{guild.id}/commands")
    assert len(put) == 1 and {c["name"] for c in put[0].json} >= {"ping", "quiz", "topic"}
    assert {c.name for c in synced} == set(fake_discord.commands(guild.id))
    ix = await fake_discord.slash("ping", {"text": "guild"})
    assert ix.payload["data"]["guild_id"] == str(guild.id)  # now a guild command
    assert (await ix.response()).content == "pong: guild"


async def test_ping_replies_ephemerally(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    ix = await fake_discord.slash("ping", {"text": "hi"}, user="carol")
    reply = await ix.response()
    assert reply.type == 4 and reply.flags == 64 and reply.ephemeral
    assert reply.content == "pong: hi"
    assert reply.message is not None and reply.message.ephemeral
    assert reply.message in fake_discord.messages_in(fake_discord.guild.channel("general"))


async def test_autocomplete_returns_choices(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    ix = await fake_discord.autocomplete("topic", "subject", "is")
    reply = await ix.response()
    assert reply.type == 8
    assert reply.choices == [
        {"name": "Chemistry", "value": "chemistry"},
        {"name": "History", "value": "history"},
    ]


async def test_button_click_is_handled(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    question = await (await fake_discord.slash("quiz start", channel="quiz")).response()
    assert question.message is not None and not question.ephemeral
    custom_id = question.message.button("Answer")["custom_id"]

    click = await fake_discord.click(question.message, custom_id, user="bob")
    reply = await click.response()
    assert reply.ephemeral and reply.content == "bob answered"


async def test_hello_message_gets_a_reaction(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    quiet = await fake_discord.send_message("general", "alice", "good morning")
    hello = await fake_discord.send_message("general", "alice", "Hello everyone")

    await fake_discord.wait_for_reaction(hello, "✅")
    assert fake_discord.requests_to("PUT", rf"/channels/\d+/messages/{hello.id}/reactions/✅/@me")
    assert not quiet.reactions


async def test_reconnect_then_ping_still_works(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    assert (await (await fake_discord.slash("ping", {"text": "1"})).response()).content == "pong: 1"

    await fake_discord.reconnect()

    gateway = fake_discord.gateway
    assert gateway.counts["identify"] == 1 and gateway.counts["resumed"] == 1
    session_id = next(iter(gateway.sessions))
    assert gateway.received(RESUME)[0].d["session_id"] == session_id
    assert (await (await fake_discord.slash("ping", {"text": "2"})).response()).content == "pong: 2"


async def test_events_missed_while_disconnected_are_replayed(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    await fake_discord.close_gateway(4000, wait=False)
    hello = await fake_discord.send_message("general", "bob", "hello while you were away")

    await fake_discord.wait_for_reaction(hello, "✅")
    assert fake_discord.gateway.counts["resumed"] == 1
    assert fake_discord.gateway.counts["identify"] == 1


async def test_invalid_session_makes_the_bot_identify_again(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    await fake_discord.invalidate_session(resumable=False)

    assert fake_discord.gateway.counts["identify"] == 2
    assert (
        await (await fake_discord.slash("ping", {"text": "new"})).response()
    ).content == "pong: new"


async def test_server_error_surfaces_and_next_send_works(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    general = fake_discord.guild.channel("general")
    channel = text_channel(bot, general.id)
    # 503 is not retried by discord.py (500/502/504 are, after 1 s, 3 s, ...).
    fake_discord.fail_next("POST", CHANNEL_MESSAGES, 503)

    with pytest.raises(discord.HTTPException) as error:
        await channel.send("lost")
    assert error.value.status == 503

    sent = await channel.send("delivered")
    assert [m.content for m in fake_discord.messages_in(general)] == ["delivered"]
    assert sent.id == fake_discord.messages_in(general)[0].id


async def test_internal_server_error_is_retried_by_discordpy(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    general = fake_discord.guild.channel("general")
    fake_discord.fail_next("POST", CHANNEL_MESSAGES, 500)

    await text_channel(bot, general.id).send("eventually")

    attempts = fake_discord.requests_to("POST", CHANNEL_MESSAGES)
    assert [(r.status, r.injected) for r in attempts] == [(500, True), (200, False)]
    assert [m.content for m in fake_discord.messages_in(general)] == ["eventually"]


async def test_rate_limit_is_retried(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    general = fake_discord.guild.channel("general")
    fake_discord.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.1)

    loop = asyncio.get_running_loop()
    started = loop.time()
    await text_channel(bot, general.id).send("patience")

    attempts = fake_discord.requests_to("POST", CHANNEL_MESSAGES)
    assert [r.status for r in attempts] == [429, 200]
    assert attempts[1].timestamp - attempts[0].timestamp >= 0.1
    assert loop.time() - started < 1.0
    assert [m.content for m in fake_discord.messages_in(general)] == ["patience"]


async def test_attachment_option_and_file_reply(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    upload = FakeAttachment("notes.txt", b"photosynthesis", "text/plain")
    reply = await (await fake_discord.slash("shout", {"file": upload})).response()

    assert reply.content == "notes.txt: 14 bytes"
    assert [f.data for f in reply.files] == [b"PHOTOSYNTHESIS"]
    assert reply.message is not None and reply.message.attachments[0]["filename"] == "loud.txt"


async def test_defer_then_followup_fills_the_ephemeral_placeholder(
    bot: SmokeBot, fake_discord: FakeDiscord
) -> None:
    ix = await fake_discord.slash("slow")
    assert (await ix.response()).type == 5
    final = await ix.final_message()
    assert final.content == "done slowly" and final.ephemeral
    assert ix.followups == []  # the first followup replaced the "thinking..." message


async def test_modal_submit(bot: SmokeBot, fake_discord: FakeDiscord) -> None:
    modal = await (await fake_discord.slash("feedback", user="alice")).response()
    assert modal.type == 9 and "Comment" in modal.text_inputs()

    submitted = await fake_discord.submit_modal(modal, {"Comment": "great class"})
    reply = await submitted.response()
    assert reply.ephemeral and reply.content == "thanks: great class"


async def test_several_guilds() -> None:
    async with FakeDiscord(FakeWorld.default(("Period 1", "Period 2"))) as fake:
        bot = await fake.start_bot(SmokeBot())
        assert {g.name for g in bot.guilds} == {"Period 1", "Period 2"}
        second = fake.world.guild("Period 2")
        ix = await fake.slash("ping", {"text": "p2"}, guild=second, user="alice-1")
        assert (await ix.response()).content == "pong: p2"
        assert ix.payload["guild_id"] == str(second.id)
        assert not fake.unknown_requests and not fake.errors


async def test_autosharded_bot_gets_one_session_per_shard() -> None:
    async with FakeDiscord(FakeWorld.default(("Period 1", "Period 2"))) as fake:
        fake.shard_count = 2
        bot = await fake.start_bot(ShardedBot())
        assert fake.requests_to("GET", "/gateway/bot")
        assert sorted(s.shard or () for s in fake.gateway.live_sessions) == [(0, 2), (1, 2)]
        for guild in fake.world.guilds:
            shard_id = (guild.id >> 22) % 2
            assert bot.get_guild(guild.id) is not None
            ix = await fake.slash("shard", guild=guild, user=guild.humans[1])
            assert (await ix.response()).content == f"shard {shard_id}"
        assert not fake.unknown_requests and not fake.errors
