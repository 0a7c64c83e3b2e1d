"""One error handler for every slash command.

In order:
1. The study bot's own refusals (`StudyBotError`: a round already running, not a teacher,
   a bad deck...) are shown privately to the person who asked, word for word.
2. Discord-side check failures (a command used outside a server, a cooldown) get a short
   private explanation.
3. Anything else is a bug: it is logged with its traceback and the person gets a private
   "something went wrong" — never a silent failure, never a stack trace in the channel.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import StudyBotError
from cogs.components import SOMETHING_WENT_WRONG, reply_privately

log = logging.getLogger(__name__)


async def on_app_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    original = getattr(error, "original", error)
    if isinstance(original, StudyBotError):
        text = str(original)
    elif isinstance(error, app_commands.NoPrivateMessage):
        text = "This command works in a server channel, not in direct messages."
    elif isinstance(error, app_commands.CommandOnCooldown):
        text = f"Slow down a little: try again in {error.retry_after:.0f} s."
    elif isinstance(error, app_commands.CheckFailure):
        text = str(error) or "You can't use this command here."
    else:
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("/%s failed", command, exc_info=original)
        text = SOMETHING_WENT_WRONG
    try:
        await reply_privately(interaction, text)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in /%s", interaction.command)


async def setup(bot: commands.Bot) -> None:
    bot.tree.on_error = on_app_command_error  # type: ignore[method-assign]
