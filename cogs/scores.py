"""/leaderboard, /stats and /forgetme: reading and erasing a server's scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs import render
from cogs.checks import guild_id_of
from cogs.components import report_bug, study_bot

if TYPE_CHECKING:
    from cogs.app import StudyBot


class ConfirmForget(discord.ui.View):
    """Two buttons only the person who asked can press."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(timeout=120)
        self.owner_id = owner_id

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_bug(interaction, error, f"/forgetme button {item}")

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This button is not for you.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Yes, delete my records", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmForget]
    ) -> None:
        bot = study_bot(interaction)
        guild_id = guild_id_of(interaction)
        bot.engine.forget(guild_id, interaction.user.id)  # running rounds first: no write-back
        removed = await bot.services.store.forget(interaction.user.id, guild_id)
        self.stop()
        await interaction.response.edit_message(
            content=f"Done: {render.plural(removed, 'answer')} and all your scores in this "
            "server are deleted.",
            view=None,
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ConfirmForget]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)


class ScoresCog(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.store = bot.services.store
        self.clock = bot.services.clock

    @app_commands.command(name="leaderboard", description="The class leaderboard")
    @app_commands.describe(period="all time, or the last 7 days")
    async def leaderboard(
        self, interaction: discord.Interaction[Any], period: Literal["all", "week"] = "all"
    ) -> None:
        guild_id = guild_id_of(interaction)
        from bot.quiz.clock import to_datetime

        rows = await self.store.leaderboard(guild_id, period, to_datetime(self.clock.now()))
        await interaction.response.send_message(embed=render.leaderboard_embed(rows, period))

    @app_commands.command(name="stats", description="Your quiz record (or a classmate's)")
    @app_commands.describe(member="Whose stats (default: yours)")
    async def stats(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None
    ) -> None:
        guild_id = guild_id_of(interaction)
        who = member or interaction.user
        stats = await self.store.student_stats(guild_id, who.id)
        if stats is None:
            await interaction.response.send_message(
                f"{render.clean(who.display_name, 80)} has not answered any quiz questions yet.",
                ephemeral=True,
            )
            return
        await interaction.response.send_message(embed=render.stats_embed(stats), ephemeral=True)

    @app_commands.command(
        name="forgetme", description="Delete all your quiz records in this server"
    )
    async def forgetme(self, interaction: discord.Interaction[Any]) -> None:
        guild_id_of(interaction)
        await interaction.response.send_message(
            "This deletes every answer, point and win of yours in this server. It cannot be "
            "undone. Are you sure?",
            view=ConfirmForget(interaction.user.id),
            ephemeral=True,
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(ScoresCog(bot))
