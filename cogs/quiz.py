"""/quiz start, stop and skip, and typed answers read from the channel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import StudyBotError
from bot.limits import MAX_INPUT_CHARS
from bot.quiz import Mode, RoundConfig
from cogs import render
from cogs.checks import guild_id_of, is_teacher
from cogs.components import player_of

if TYPE_CHECKING:
    from cogs.app import StudyBot


class QuizCog(commands.GroupCog, group_name="quiz", group_description="Quiz rounds"):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.store = bot.services.store
        super().__init__()

    @app_commands.command(name="start", description="Start a quiz round in this channel")
    @app_commands.describe(
        questions="How many questions (1-50; default from /settings)",
        seconds="Seconds per question (5-120; default from /settings)",
        mode="typed: answer in the channel; buttons: pick one of four",
        topic="Only questions on this topic",
    )
    async def start(
        self,
        interaction: discord.Interaction[Any],
        questions: app_commands.Range[int, 1, 50] | None = None,
        seconds: app_commands.Range[int, 5, 120] | None = None,
        mode: Literal["typed", "buttons"] = "typed",
        topic: str | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        assert interaction.channel_id is not None
        settings = await self.store.get_settings(guild_id)
        if mode == "typed" and not self.bot.reads_messages:
            raise StudyBotError(
                "Typed rounds need the Message Content intent, which this bot does not have "
                "yet. Use mode:buttons, or ask the bot's owner to enable the intent."
            )
        config = RoundConfig(
            questions=questions or settings.default_questions,
            seconds=seconds or settings.default_seconds,
            mode=Mode(mode),
            topic=topic or None,
            hints=2 if settings.hints_enabled else 0,
        )
        rnd = await self.bot.engine.start(
            guild_id, interaction.channel_id, player_of(interaction.user), config
        )
        what = f" on {render.clean(topic, 100)}" if topic else ""
        asked = render.plural(len(rnd.entries), "question")  # fewer when the topic is small
        await interaction.response.send_message(
            f"Quiz round{what}: {asked}, {config.seconds} s each, "
            f"{mode} mode. First question coming up!"
        )

    @start.autocomplete("topic")
    async def topic_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        current = current.casefold()
        topics = self.bot.services.knowledge.topics(interaction.guild_id)
        return [app_commands.Choice(name=t, value=t) for t in topics if current in t][:25]

    @app_commands.command(name="stop", description="End the round in this channel")
    async def stop(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = guild_id_of(interaction)
        assert interaction.channel_id is not None
        teacher = is_teacher(interaction, await self.store.get_settings(guild_id))
        await self.bot.engine.stop(interaction.channel_id, interaction.user.id, teacher)
        await interaction.response.send_message("Stopping the round after this question.")

    @app_commands.command(name="skip", description="Reveal this question now and go on")
    async def skip(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = guild_id_of(interaction)
        assert interaction.channel_id is not None
        teacher = is_teacher(interaction, await self.store.get_settings(guild_id))
        await self.bot.engine.skip(interaction.channel_id, interaction.user.id, teacher)
        await interaction.response.send_message("Skipping this question.")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A plain message in a channel with a typed round is an answer."""
        if message.author.bot or message.guild is None or not message.content:
            return
        if self.bot.engine.running(message.channel.id) is None:
            return
        await self.bot.engine.answer(
            message.channel.id,
            player_of(message.author),
            message.content[:MAX_INPUT_CHARS],
            message,
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(QuizCog(bot))
