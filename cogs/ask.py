"""/ask and /fact: questions about the reading, answered from the decks."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import StudyBotError
from bot.limits import MAX_INPUT_CHARS
from bot.lookup import Entry
from bot.quiz import InPlay
from bot.text import fold
from cogs import render
from cogs.components import suggestions_view

if TYPE_CHECKING:
    from cogs.app import StudyBot


MENTION = re.compile(r"@everyone|@here|<(?:@[!&]?|#)\d+>")


def without_mentions(text: str) -> str:
    """The question without Discord mention markup, which is never part of what is asked."""
    return " ".join(MENTION.sub(" ", text).split())


def no_peeking(bot: StudyBot, interaction: discord.Interaction[Any], entry: Entry) -> None:
    """Refuse (privately) to show a fact that a round in this server is about to ask."""
    if interaction.guild_id is not None and bot.engine.in_play(interaction.guild_id, entry.key):
        raise InPlay()


class AskCog(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.knowledge = bot.services.knowledge

    @app_commands.command(name="ask", description="Ask a question about the reading")
    @app_commands.describe(question="Your question, e.g. when did the Korean War start?")
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, MAX_INPUT_CHARS],
    ) -> None:
        answer = self.knowledge.ask(without_mentions(question) or question, interaction.guild_id)
        if answer.entry is None:
            view = suggestions_view(answer.suggestions)
            text = render.not_in_notes_text(answer)
            if view is None:
                await interaction.response.send_message(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, view=view, ephemeral=True)
            return
        no_peeking(self.bot, interaction, answer.entry)
        await interaction.response.send_message(embed=render.answer_embed(answer, question))

    @app_commands.command(name="fact", description="Show one fact card from the decks")
    @app_commands.describe(name="Start typing a question and pick it from the list")
    async def fact(self, interaction: discord.Interaction[Any], name: str) -> None:
        entry = self.knowledge.get(name, interaction.guild_id)
        # Typed instead of picked: take the best completion, if there is anything to complete
        # (with nothing, suggest lists facts in deck order and the first would be shown).
        if entry is None and fold(name):
            found = self.knowledge.suggest(name, interaction.guild_id, limit=1)
            entry = found[0] if found else None
        if entry is None:
            raise StudyBotError("No fact matches that. Start typing and pick one from the list.")
        no_peeking(self.bot, interaction, entry)
        await interaction.response.send_message(embed=render.fact_embed(entry))

    @fact.autocomplete("name")
    async def fact_name(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        found = self.knowledge.suggest(current[:MAX_INPUT_CHARS], interaction.guild_id, limit=25)
        return [app_commands.Choice(name=e.fact.question[:100], value=e.key[:100]) for e in found]


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(AskCog(bot))
