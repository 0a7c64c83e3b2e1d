"""Buttons that outlive a restart: their custom_id carries everything the click needs."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.errors import StudyBotError
from bot.lookup import Match
from bot.quiz import InPlay, Player
from cogs.render import LETTERS, clean, fact_embed

if TYPE_CHECKING:
    from cogs.app import StudyBot

log = logging.getLogger(__name__)
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Please try again; if it keeps happening, "
    "tell your teacher."
)


def study_bot(interaction: discord.Interaction[Any]) -> StudyBot:
    return cast("StudyBot", interaction.client)


def player_of(user: discord.abc.User) -> Player:
    return Player(user.id, user.display_name)


#: Discord refuses a message longer than this, and the person would get no answer at all.
MAX_MESSAGE_CHARS = 2000


async def reply_privately(interaction: discord.Interaction[Any], text: str) -> None:
    """An ephemeral reply, whether or not the interaction was answered already."""
    if len(text) > MAX_MESSAGE_CHARS:  # a refusal may quote what someone typed
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def report_bug(
    interaction: discord.Interaction[Any], error: BaseException, what: str
) -> None:
    """An unexpected error: logged with its traceback; the person is told privately."""
    log.error("%s failed", what, exc_info=error)
    try:
        await reply_privately(interaction, SOMETHING_WENT_WRONG)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in %s", what)


class QuizOptionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:(?P<round>\d+):(?P<number>\d+):(?P<option>\d)",
):
    """One of the four answers of a multiple-choice question."""

    def __init__(self, round_id: int, number: int, option: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{LETTERS[option]}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"quiz:{round_id}:{number}:{option}",
            )
        )
        self.round_id, self.number, self.option = round_id, number, option

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> QuizOptionButton:
        return cls(int(match["round"]), int(match["number"]), int(match["option"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        # discord.py only logs errors in component callbacks: the click would just fail.
        try:
            await self._choose(interaction)
        except Exception as error:
            await report_bug(interaction, error, f"quiz button {self.custom_id}")

    async def _choose(self, interaction: discord.Interaction[Any]) -> None:
        bot = study_bot(interaction)
        if interaction.channel_id is None:
            return
        rnd = bot.engine.running(interaction.channel_id)
        if rnd is None or rnd.where.round_id != self.round_id:
            await reply_privately(
                interaction, "This round is over. Start a new one with /quiz start."
            )
            return
        try:
            judged = await bot.engine.choose(
                interaction.channel_id, player_of(interaction.user), self.number, self.option
            )
        except StudyBotError as exc:
            await reply_privately(interaction, str(exc))
            return
        # Correctness stays private until the reveal, so nobody can pass the answer on.
        await reply_privately(
            interaction,
            f"Locked in: **{LETTERS[self.option]}** ({clean(judged.attempt, 200)}). "
            "Wait for the reveal!",
        )


class FactButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"fact:(?P<key>.+)"):
    """A 'did you mean' suggestion: click to see that fact."""

    def __init__(self, key: str, label: str = "Show") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=discord.ButtonStyle.secondary, custom_id=f"fact:{key}"[:100]
            )
        )
        self.key = key

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FactButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self._show(interaction)
        except Exception as error:
            await report_bug(interaction, error, f"fact button {self.key}")

    async def _show(self, interaction: discord.Interaction[Any]) -> None:
        bot = study_bot(interaction)
        entry = bot.services.knowledge.get(self.key, interaction.guild_id)
        if entry is None:
            await reply_privately(interaction, "That fact is no longer in the decks.")
            return
        if interaction.guild_id is not None and bot.engine.in_play(interaction.guild_id, entry.key):
            await reply_privately(interaction, str(InPlay()))
            return
        await interaction.response.send_message(embed=fact_embed(entry), ephemeral=True)


def suggestions_view(matches: tuple[Match, ...]) -> discord.ui.View | None:
    if not matches:
        return None
    view = discord.ui.View(timeout=None)
    for m in matches[:3]:
        view.add_item(FactButton(m.entry.key, m.entry.fact.question))
    return view


def options_view(round_id: int, number: int, count: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for option in range(count):
        view.add_item(QuizOptionButton(round_id, number, option))
    return view
