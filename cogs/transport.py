"""The quiz engine's transport for Discord: each event becomes a message in the channel."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.quiz import AnswerJudged, HintRevealed, Mode, QuestionClosed, QuestionOpened, RoundEnded
from cogs import render
from cogs.components import options_view

if TYPE_CHECKING:
    from cogs.app import StudyBot

log = logging.getLogger(__name__)


class DiscordTransport:
    """Posts questions, hints, reveals and results; reacts ✅ to correct typed answers."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._questions: dict[int, discord.Message] = {}  # channel -> open buttons question

    def _channel(self, guild_id: int, channel_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id)

    async def post_question(self, event: QuestionOpened) -> None:
        channel = self._channel(event.where.guild_id, event.where.channel_id)
        embed = render.question_embed(event)
        if event.mode is Mode.BUTTONS:
            view = options_view(event.where.round_id, event.number, len(event.options))
            message = await channel.send(embed=embed, view=view)
            self._questions[event.where.channel_id] = message
        else:
            await channel.send(embed=embed)

    async def post_hint(self, event: HintRevealed) -> None:
        channel = self._channel(event.where.guild_id, event.where.channel_id)
        await channel.send(render.hint_text(event))

    async def acknowledge(self, event: AnswerJudged) -> None:
        # Buttons: the click itself is answered privately by the button. Typed: a ✅ on a
        # correct answer; a near miss cannot be told privately about a plain message.
        if event.correct and isinstance(event.ref, discord.Message):
            await event.ref.add_reaction("✅")

    async def post_reveal(self, event: QuestionClosed) -> None:
        channel = self._channel(event.where.guild_id, event.where.channel_id)
        question = self._questions.pop(event.where.channel_id, None)
        if question is not None:
            try:
                await question.edit(view=None)  # the buttons close with the question
            except discord.HTTPException:
                log.warning("could not remove the buttons of question %s", event.number)
        await channel.send(embed=render.reveal_embed(event))

    async def post_results(self, event: RoundEnded) -> None:
        channel = self._channel(event.where.guild_id, event.where.channel_id)
        await channel.send(embed=render.results_embed(event))

    async def post_notice(self, guild_id: int, channel_id: int, text: str) -> None:
        await self._channel(guild_id, channel_id).send(text)
