"""Who may do what: a teacher is someone with Manage Server or the server's teacher role."""

from __future__ import annotations

from typing import Any

import discord

from bot.errors import StudyBotError
from bot.store import GuildSettings


class NotATeacher(StudyBotError):
    def __init__(self, what: str) -> None:
        super().__init__(
            f"Only a teacher can {what}. (Teachers have Manage Server, or the teacher role "
            "set with /settings.)"
        )


class ServerOnly(StudyBotError):
    def __init__(self) -> None:
        super().__init__("This command works in a server channel, not in direct messages.")


def guild_id_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        raise ServerOnly()
    return interaction.guild_id


def is_teacher(interaction: discord.Interaction[Any], settings: GuildSettings) -> bool:
    user = interaction.user
    if not isinstance(user, discord.Member):
        return False
    if user.guild_permissions.manage_guild:
        return True
    role = settings.teacher_role_id
    return role is not None and any(r.id == role for r in user.roles)


def require_teacher(
    interaction: discord.Interaction[Any], settings: GuildSettings, what: str
) -> None:
    if not is_teacher(interaction, settings):
        raise NotATeacher(what)
