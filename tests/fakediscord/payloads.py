"""JSON payload builders: turn :mod:`.models` objects into what Discord sends.

Field sets follow what discord.py 2.7.1 reads (``KeyError`` on anything missing),
e.g. ``Member`` needs ``flags``, ``TextChannel`` needs ``position``, voice channels
need ``bitrate``/``user_limit``, ``Attachment`` needs ``size``/``url``/``proxy_url``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import discord

from .models import (
    DISCORD_EPOCH_MS,
    VOICE_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    FakeWorld,
)

JSON = dict[str, Any]

ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value
EPHEMERAL = 1 << 6
LOADING = 1 << 7
#: Size limit reported in INTERACTION_CREATE (``attachment_size_limit``): 25 MiB.
ATTACHMENT_SIZE_LIMIT = 25 * 1024 * 1024

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def iso(moment: datetime | None = None) -> str:
    """ISO-8601 timestamp as Discord writes it (now, when omitted)."""
    return (moment or datetime.now(UTC)).isoformat()


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, UTC)


def user_payload(user: FakeUser | FakeMember) -> JSON:
    """A full user object (``username``, ``discriminator`` ``"0"``, ``avatar``...)."""
    if isinstance(user, FakeMember):
        user = user.user
    return {
        "id": str(user.id),
        "username": user.username,
        "global_name": user.global_name,
        "discriminator": "0",
        "avatar": user.avatar,
        "bot": user.bot,
        "public_flags": 0,
    }


def role_payload(role: FakeRole) -> JSON:
    return {
        "id": str(role.id),
        "name": role.name,
        "permissions": str(role.permissions),
        "position": role.position,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "managed": role.managed,
        "mentionable": role.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def channel_payload(channel: FakeChannel) -> JSON:
    """A full channel object (guild channel, or DM with ``recipients``)."""
    data: JSON = {"id": str(channel.id), "type": channel.type, "flags": 0, "last_message_id": None}
    if channel.guild_id is None:
        data["recipients"] = [{"id": str(uid)} for uid in channel.recipients]
        return data
    data.update(
        guild_id=str(channel.guild_id),
        name=channel.name,
        position=channel.position,
        parent_id=None if channel.parent_id is None else str(channel.parent_id),
        topic=channel.topic,
        nsfw=channel.nsfw,
        rate_limit_per_user=channel.rate_limit_per_user,
        permission_overwrites=[
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in channel.overwrites
        ],
    )
    if channel.type == VOICE_CHANNEL:
        data.update(bitrate=64000, user_limit=0, rtc_region=None)
    return data


def base_permissions(guild: FakeGuild, member: FakeMember) -> int:
    """Guild-level permissions: owner -> all; union of role permissions; admin -> all."""
    if member.owner or guild.owner.id == member.id:
        return ALL_PERMISSIONS
    value = guild.everyone.permissions
    for role in guild.roles:
        if role.id in member.roles:
            value |= role.permissions
    return ALL_PERMISSIONS if value & ADMINISTRATOR else value


def channel_permissions(guild: FakeGuild, member: FakeMember, channel: FakeChannel | None) -> int:
    """Permissions in ``channel`` following Discord's overwrite algorithm."""
    value = base_permissions(guild, member)
    if value & ADMINISTRATOR or channel is None:
        return value
    overwrites = {o.id: o for o in channel.overwrites}
    if (everyone := overwrites.get(guild.id)) is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for o in channel.overwrites:
        if o.type == 0 and o.id in member.roles:
            allow |= o.allow
            deny |= o.deny
    value = (value & ~deny) | allow
    if (own := overwrites.get(member.id)) is not None and own.type == 1:
        value = (value & ~own.deny) | own.allow
    return value


def member_payload(
    guild: FakeGuild,
    member: FakeMember,
    *,
    with_user: bool = True,
    channel: FakeChannel | None = None,
    with_permissions: bool = False,
) -> JSON:
    """A guild member. ``with_permissions`` adds the computed ``permissions`` string
    (as in INTERACTION_CREATE and resolved members)."""
    data: JSON = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "joined_at": iso(member.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_payload(member)
    if with_permissions:
        data["permissions"] = str(channel_permissions(guild, member, channel))
    return data


def guild_create_payload(guild: FakeGuild) -> JSON:
    """GUILD_CREATE data; ``member_count`` equals ``len(members)`` so no chunking is needed."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "owner_id": str(guild.owner.id),
        "unavailable": False,
        "large": False,
        "member_count": len(guild.members),
        "joined_at": iso(),
        "preferred_locale": guild.locale,
        "features": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "roles": [role_payload(r) for r in guild.roles],
        "channels": [channel_payload(c) for c in guild.channels],
        "members": [member_payload(guild, m) for m in guild.members],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "emojis": [],
        "stickers": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def ready_payload(
    world: FakeWorld,
    session_id: str,
    resume_gateway_url: str,
    guilds: Iterable[FakeGuild],
    shard: list[int] | None,
) -> JSON:
    data: JSON = {
        "v": 10,
        "user": user_payload(world.bot_user) | {"verified": True, "mfa_enabled": False, "flags": 0},
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "resume_gateway_url": resume_gateway_url,
        "session_type": "normal",
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "application": {"id": str(world.application_id), "flags": 0},
    }
    if shard is not None:
        data["shard"] = shard
    return data


def application_payload(world: FakeWorld) -> JSON:
    """``GET /oauth2/applications/@me``."""
    return {
        "id": str(world.application_id),
        "name": world.application_name,
        "description": "A fake application",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user_payload(world.app_owner),
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
        "summary": "",
        "interactions_endpoint_url": None,
    }


def mentions_in(
    world: FakeWorld, guild: FakeGuild | None, content: str
) -> tuple[list[JSON], list[str]]:
    """Resolve ``<@id>`` and ``<@&id>`` in ``content`` to ``mentions``/``mention_roles``."""
    users: list[JSON] = []
    for raw in dict.fromkeys(_USER_MENTION.findall(content)):
        uid = int(raw)
        member = guild.get_member(uid) if guild is not None else None
        if member is not None:
            assert guild is not None
            users.append(
                user_payload(member) | {"member": member_payload(guild, member, with_user=False)}
            )
        elif uid == world.bot_user.id:
            users.append(user_payload(world.bot_user))
    roles = [r for r in dict.fromkeys(_ROLE_MENTION.findall(content))]
    if guild is not None:
        known = {str(r.id) for r in guild.roles}
        roles = [r for r in roles if r in known]
    return users, roles


def message_payload(
    world: FakeWorld,
    *,
    message_id: int,
    channel_id: int,
    guild: FakeGuild | None,
    author: FakeUser | FakeMember,
    body: Mapping[str, Any],
    attachments: list[JSON] | None = None,
    message_type: int = 0,
) -> JSON:
    """A complete Message object; ``body`` is what the sender posted (content,
    embeds, components, flags, tts, message_reference...)."""
    content = str(body.get("content") or "")
    mentions, mention_roles = mentions_in(world, guild, content)
    data: JSON = {
        "id": str(message_id),
        "type": message_type,
        "channel_id": str(channel_id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso(snowflake_time(message_id)),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": mentions,
        "mention_roles": mention_roles,
        "attachments": attachments or [],
        "embeds": list(body.get("embeds") or []),
        "components": list(body.get("components") or []),
        "reactions": [],
        "pinned": False,
        "flags": int(body.get("flags") or 0),
    }
    if guild is not None:
        data["guild_id"] = str(guild.id)
        if isinstance(author, FakeMember):
            data["member"] = member_payload(guild, author, with_user=False)
    for key in ("nonce", "message_reference", "sticker_items", "poll"):
        if key in body:
            data[key] = body[key]
    return data


def attachment_payload(
    attachment_id: int, filename: str, data: bytes, url: str, content_type: str | None = None
) -> JSON:
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": len(data),
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }
