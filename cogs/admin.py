"""Teacher commands: /deck list, import and remove, and /settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import DeckError, StudyBotError
from bot.limits import DEFAULT_DECK_LIMITS
from bot.quiz.clock import to_datetime
from bot.store import UNSET
from cogs import render
from cogs.checks import guild_id_of, require_teacher

if TYPE_CHECKING:
    from cogs.app import StudyBot


class DeckCog(commands.GroupCog, group_name="deck", group_description="Fact decks"):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    @app_commands.command(name="list", description="The decks this server can use")
    async def list_decks(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = interaction.guild_id
        own = set(self.services.knowledge.guild_deck_names(guild_id)) if guild_id else set()
        lines = [
            f"**{render.clean(d.name, 40)}** — {render.clean(d.title, 100)}: "
            f"{render.plural(len(d.facts), 'fact')}"
            + (" (this server's)" if d.name in own else " (comes with the bot)")
            for d in self.services.knowledge.decks(guild_id)
        ]
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)

    @app_commands.command(name="import", description="Add a deck file (YAML) to this server")
    @app_commands.describe(file="A .yaml deck file; see the README for the format")
    async def import_deck(
        self, interaction: discord.Interaction[Any], file: discord.Attachment
    ) -> None:
        guild_id = guild_id_of(interaction)
        settings = await self.services.store.get_settings(guild_id)
        require_teacher(interaction, settings, "import decks")
        if file.size > DEFAULT_DECK_LIMITS.max_file_bytes:
            raise StudyBotError(
                f"{file.filename}: the file is {file.size:,} bytes; a deck file may be at most "
                f"{DEFAULT_DECK_LIMITS.max_file_bytes:,} bytes. Split it into several decks."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        raw = await file.read()
        try:
            imported = await self.services.guild_decks.import_file(
                guild_id,
                file.filename,
                raw,
                interaction.user.id,
                to_datetime(self.services.clock.now()),
            )
        except DeckError as exc:
            await interaction.followup.send(f"```\n{str(exc)[:1900]}\n```", ephemeral=True)
            return
        verb = "Replaced" if imported.replaced else "Added"
        deck = imported.deck
        await interaction.followup.send(
            f"{verb} deck **{render.clean(deck.name, 40)}** ({render.clean(deck.title, 100)}): "
            f"{render.plural(len(deck.facts), 'fact')} added. Try /quiz start or /ask.",
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Remove one of this server's decks")
    @app_commands.describe(name="The deck to remove")
    async def remove(self, interaction: discord.Interaction[Any], name: str) -> None:
        guild_id = guild_id_of(interaction)
        settings = await self.services.store.get_settings(guild_id)
        require_teacher(interaction, settings, "remove decks")
        deck = await self.services.guild_decks.remove(guild_id, name)
        await interaction.response.send_message(
            f"Removed deck **{render.clean(deck.name, 40)}** "
            f"({render.plural(len(deck.facts), 'fact')}).",
            ephemeral=True,
        )

    @remove.autocomplete("name")
    async def deck_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        names = self.services.knowledge.guild_deck_names(interaction.guild_id)
        return [app_commands.Choice(name=n, value=n) for n in names if current.casefold() in n][:25]


class SettingsCog(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.store = bot.services.store

    @app_commands.command(name="settings", description="Teacher settings for this server")
    @app_commands.describe(
        teacher_role="Members with this role count as teachers",
        seconds="Default seconds per question (5-120)",
        questions="Default questions per round (1-50)",
        hints="Show hints during typed rounds",
    )
    async def settings(
        self,
        interaction: discord.Interaction[Any],
        teacher_role: discord.Role | None = None,
        seconds: app_commands.Range[int, 5, 120] | None = None,
        questions: app_commands.Range[int, 1, 50] | None = None,
        hints: bool | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        current = await self.store.get_settings(guild_id)
        require_teacher(interaction, current, "change the settings")
        if any(v is not None for v in (teacher_role, seconds, questions, hints)):
            current = await self.store.update_settings(
                guild_id,
                teacher_role_id=teacher_role.id if teacher_role else UNSET,
                default_seconds=seconds if seconds is not None else UNSET,
                default_questions=questions if questions is not None else UNSET,
                hints_enabled=hints if hints is not None else UNSET,
            )
        role_id = current.teacher_role_id
        role = interaction.guild.get_role(role_id) if interaction.guild and role_id else None
        role_name = role.name if role else None
        await interaction.response.send_message(
            embed=render.settings_embed(current, role_name), ephemeral=True
        )


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(DeckCog(bot))
    await bot.add_cog(SettingsCog(bot))
