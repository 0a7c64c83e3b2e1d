"""The simulated Discord "world": users, guilds, roles, channels and members.

These dataclasses describe what the fake server knows. They are plain data; the
JSON that the real client receives is built from them in :mod:`.payloads`.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import discord

DISCORD_EPOCH_MS = 1_420_070_400_000
#: A fixed instant (2024-01-01T00:00:00Z) used for the deterministic ids of the default world.
WORLD_EPOCH_MS = 1_704_067_200_000

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
TEXT_CHANNEL = 0
DM_CHANNEL = 1
VOICE_CHANNEL = 2
CATEGORY_CHANNEL = 4
NEWS_CHANNEL = 5
FORUM_CHANNEL = 15


class SnowflakeFactory:
    """Generates strictly increasing Discord snowflakes.

    With ``fixed_ms`` every id carries that timestamp (deterministic ids for the
    world); without it ids carry the current wall-clock time, so ``created_at`` of
    messages and interactions is realistic.
    """

    def __init__(self, fixed_ms: int | None = None) -> None:
        self._fixed_ms = fixed_ms
        self._counter = itertools.count(1)
        self._last = 0

    def __call__(self) -> int:
        ms = self._fixed_ms if self._fixed_ms is not None else int(time.time() * 1000)
        value = ((ms - DISCORD_EPOCH_MS) << 22) | (next(self._counter) & 0x3FFFFF)
        self._last = max(value, self._last + 1)
        return self._last


#: Ids for users/roles/channels created without an explicit id.
new_world_id = SnowflakeFactory(WORLD_EPOCH_MS)
_guild_numbers = itertools.count()


def new_guild_id() -> int:
    """Guild ids one millisecond apart, so that consecutive guilds fall on
    different shards (``(guild_id >> 22) % shard_count``)."""
    return ((WORLD_EPOCH_MS - DISCORD_EPOCH_MS - 100_000 + next(_guild_numbers)) << 22) | 1


def perms(**flags: bool) -> int:
    """Return a permission bitfield, e.g. ``perms(manage_guild=True)``."""
    return discord.Permissions(**flags).value


EVERYONE_PERMISSIONS = perms(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    use_external_emojis=True,
    change_nickname=True,
    connect=True,
    speak=True,
)
TEACHER_PERMISSIONS = perms(
    manage_guild=True,
    manage_messages=True,
    manage_roles=True,
    manage_channels=True,
    kick_members=True,
    moderate_members=True,
    mention_everyone=True,
)
BOT_PERMISSIONS = perms(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    add_reactions=True,
    read_message_history=True,
    manage_messages=True,
    use_external_emojis=True,
)


@dataclass
class FakeUser:
    """A Discord user account (the bot itself, or the owner of the application)."""

    username: str
    id: int = field(default_factory=new_world_id)
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    """A guild role. The ``@everyone`` role has the guild's id."""

    name: str
    id: int = field(default_factory=new_world_id)
    permissions: int = 0
    position: int = 1
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class FakeOverwrite:
    """A channel permission overwrite: ``type`` 0 is a role, 1 a member."""

    id: int
    type: int = 0
    allow: int = 0
    deny: int = 0


@dataclass
class FakeChannel:
    """A guild channel (text by default) or, with ``type=DM_CHANNEL``, a DM."""

    name: str
    id: int = field(default_factory=new_world_id)
    type: int = TEXT_CHANNEL
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    overwrites: list[FakeOverwrite] = field(default_factory=list)
    guild_id: int | None = None
    #: For DM channels: the user ids on the other side.
    recipients: list[int] = field(default_factory=list)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class FakeMember:
    """A guild member (also used as the "user" of interactions and messages).

    ``roles`` holds role ids (never the ``@everyone`` id). ``permissions`` is a
    convenience: when non-zero, :meth:`FakeGuild.add_member` adds a personal role
    granting it, so the client-side cache and interaction payloads agree.
    ``owner=True`` makes the member the guild owner (all permissions).
    """

    name: str
    id: int = field(default_factory=new_world_id)
    roles: list[int] = field(default_factory=list)
    permissions: int = 0
    owner: bool = False
    bot: bool = False
    nick: str | None = None
    global_name: str | None = None
    joined_at: datetime = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def user(self) -> FakeUser:
        """This member's user account."""
        return FakeUser(username=self.name, id=self.id, global_name=self.global_name, bot=self.bot)


@dataclass
class FakeGuild:
    """A guild. ``roles[0]`` is ``@everyone`` and shares the guild id."""

    name: str
    id: int = field(default_factory=new_guild_id)
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    locale: str = "en-US"

    def __post_init__(self) -> None:
        if not self.roles or self.roles[0].id != self.id:
            everyone = FakeRole(
                "@everyone", id=self.id, permissions=EVERYONE_PERMISSIONS, position=0
            )
            self.roles.insert(0, everyone)
        for channel in self.channels:
            channel.guild_id = self.id

    # -- lookups -------------------------------------------------------------------
    @property
    def everyone(self) -> FakeRole:
        return self.roles[0]

    @property
    def owner(self) -> FakeMember:
        """The member flagged ``owner``, else the first non-bot member."""
        for member in self.members:
            if member.owner:
                return member
        return next(m for m in self.members if not m.bot)

    @property
    def text_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels if c.type in (TEXT_CHANNEL, NEWS_CHANNEL)]

    @property
    def humans(self) -> list[FakeMember]:
        return [m for m in self.members if not m.bot]

    def channel(self, name_or_id: str | int) -> FakeChannel:
        return _find(self.channels, name_or_id, "channel", self.name)

    def role(self, name_or_id: str | int) -> FakeRole:
        return _find(self.roles, name_or_id, "role", self.name)

    def member(self, name_or_id: str | int) -> FakeMember:
        return _find(self.members, name_or_id, "member", self.name)

    def get_member(self, member_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.id == member_id), None)

    def get_channel(self, channel_id: int) -> FakeChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    # -- mutation ------------------------------------------------------------------
    def add_channel(self, channel: FakeChannel) -> FakeChannel:
        channel.guild_id = self.id
        self.channels.append(channel)
        return channel

    def add_role(self, role: FakeRole) -> FakeRole:
        self.roles.append(role)
        return role

    def add_member(self, member: FakeMember) -> FakeMember:
        """Add ``member``; a non-zero ``member.permissions`` becomes a personal role."""
        if member.permissions and not any(r.name == f"{member.name}-perms" for r in self.roles):
            role = self.add_role(FakeRole(f"{member.name}-perms", permissions=member.permissions))
            member.roles.append(role.id)
        self.members.append(member)
        return member


_Named = TypeVar("_Named", FakeChannel, FakeRole, FakeMember)


def _find(items: list[_Named], key: str | int, kind: str, where: str) -> _Named:
    for item in items:
        if item.id == key or item.name == key:
            return item
    raise KeyError(f"no {kind} {key!r} in guild {where!r}")


@dataclass
class FakeWorld:
    """Everything the fake server knows before the bot connects."""

    bot_user: FakeUser
    guilds: list[FakeGuild]
    app_owner: FakeUser
    application_name: str = "Study Bot"

    @property
    def application_id(self) -> int:
        """As for modern Discord apps, the application id equals the bot user's id."""
        return self.bot_user.id

    def guild(self, name_or_id: str | int | None = None) -> FakeGuild:
        """The guild with that name or id; the first guild when omitted."""
        if name_or_id is None:
            return self.guilds[0]
        for guild in self.guilds:
            if guild.id == name_or_id or guild.name == name_or_id:
                return guild
        raise KeyError(f"no guild {name_or_id!r}")

    @classmethod
    def default(cls, guild_names: tuple[str, ...] = ("Study Hall",)) -> FakeWorld:
        """A bot user plus one realistic class guild per name (see :func:`class_guild`)."""
        bot_user = FakeUser("StudyBot", bot=True)
        guilds = [class_guild(name, bot_user, index) for index, name in enumerate(guild_names)]
        owner = guilds[0].owner
        return cls(bot_user=bot_user, guilds=guilds, app_owner=owner.user)


def class_guild(name: str, bot_user: FakeUser, index: int = 0) -> FakeGuild:
    """A class server: channels ``general``, ``quiz``, ``homework`` and a hidden
    ``teachers`` channel; roles ``@everyone``, ``Teacher``, and the bot's managed
    role; members ``teacher`` (owner, Teacher role), students ``alice``, ``bob``,
    ``carol`` and the bot itself. Member names get a ``-N`` suffix for ``index > 0``
    so that several guilds can hold distinct people.
    """
    suffix = f"-{index}" if index else ""
    guild = FakeGuild(name)
    teacher_role = guild.add_role(FakeRole("Teacher", permissions=TEACHER_PERMISSIONS, position=2))
    bot_role = guild.add_role(
        FakeRole(bot_user.username, permissions=BOT_PERMISSIONS, position=3, managed=True)
    )
    for position, channel_name in enumerate(("general", "quiz", "homework")):
        guild.add_channel(FakeChannel(channel_name, position=position, topic=f"#{channel_name}"))
    hidden = FakeOverwrite(guild.id, type=0, deny=perms(view_channel=True))
    visible = FakeOverwrite(teacher_role.id, type=0, allow=perms(view_channel=True))
    bot_visible = FakeOverwrite(bot_role.id, type=0, allow=perms(view_channel=True))
    guild.add_channel(
        FakeChannel("teachers", position=3, overwrites=[hidden, visible, bot_visible])
    )
    guild.add_member(FakeMember(f"teacher{suffix}", roles=[teacher_role.id], owner=True))
    for student in ("alice", "bob", "carol"):
        guild.add_member(FakeMember(f"{student}{suffix}"))
    guild.add_member(FakeMember(bot_user.username, id=bot_user.id, roles=[bot_role.id], bot=True))
    return guild
