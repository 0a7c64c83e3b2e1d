"""What simulated people do: run slash commands, type in autocomplete, click
buttons, submit modals, post messages. Mixed into :class:`~.server.FakeDiscord`.
"""

# Waiters take ``timeout=`` (seconds) by design: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .gateway import INTENT_DIRECT_MESSAGES, INTENT_GUILD_MEMBERS, INTENT_GUILD_MESSAGES
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    FakeAttachment,
    InteractionBuilder,
)
from .models import FakeChannel, FakeGuild, FakeMember, FakeWorld
from .payloads import JSON, member_payload, message_payload, role_payload
from .records import FakeMessage, InteractionCallback, InteractionRecord
from .state import FakeState

if TYPE_CHECKING:
    from .gateway import Gateway

GuildRef = FakeGuild | str | int | None
ChannelRef = FakeChannel | str | int | None
UserRef = FakeMember | str | int | None


class InteractionHandle:
    """An interaction the fake dispatched; await what the bot did with it."""

    def __init__(self, actions: UserActions, record: InteractionRecord) -> None:
        self._actions = actions
        self.record = record

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def token(self) -> str:
        return self.record.token

    @property
    def payload(self) -> JSON:
        """The INTERACTION_CREATE data that was sent."""
        return self.record.payload

    @property
    def original_message(self) -> FakeMessage | None:
        """The message ``@original`` currently refers to, if any."""
        mid = self.record.original_message_id
        return None if mid is None else self._actions.state.messages.get(mid)

    @property
    def followups(self) -> list[FakeMessage]:
        return [self._actions.state.messages[m] for m in self.record.followup_ids]

    async def response(self, *, timeout: float = 5.0) -> InteractionCallback:
        """The initial response (interaction callback); ``TimeoutError`` if none."""
        record = self.record

        def probe() -> InteractionCallback | None:
            return record.callbacks[0] if record.callbacks else None

        return await self._actions.state.wait_until(
            probe, timeout, f"a response to interaction {self.id}"
        )

    async def followup(self, index: int = 0, *, timeout: float = 5.0) -> FakeMessage:
        """The ``index``-th followup message (not counting one filling a defer)."""
        record, state = self.record, self._actions.state

        def probe() -> FakeMessage | None:
            return (
                state.messages[record.followup_ids[index]]
                if len(record.followup_ids) > index
                else None
            )

        return await state.wait_until(probe, timeout, f"followup #{index} of interaction {self.id}")

    async def final_message(self, *, timeout: float = 5.0) -> FakeMessage:
        """The original response once it is no longer a "thinking..." placeholder
        (i.e. after a defer was filled in by an edit or the first followup)."""

        def probe() -> FakeMessage | None:
            message = self.original_message
            return message if message is not None and not message.loading else None

        return await self._actions.state.wait_until(probe, timeout, f"final response of {self.id}")


class UserActions:
    """Helpers that make simulated users act; each dispatches gateway events."""

    world: FakeWorld
    state: FakeState
    gateway: Gateway
    builder: InteractionBuilder

    # -- argument resolution -------------------------------------------------------
    def resolve_guild(self, guild: GuildRef) -> FakeGuild:
        return guild if isinstance(guild, FakeGuild) else self.world.guild(guild)

    def resolve_channel(self, channel: ChannelRef, guild: FakeGuild) -> FakeChannel:
        """A channel of ``guild`` by object, name or id; default: first text channel."""
        if isinstance(channel, FakeChannel):
            return channel
        if channel is None:
            return guild.text_channels[0]
        found, _ = self.state.find_channel(channel) if isinstance(channel, int) else (None, None)
        return found or guild.channel(channel)

    def resolve_user(self, user: UserRef, guild: FakeGuild) -> FakeMember:
        """A member by object, name or id; default: the first student (a human
        member who is not the owner)."""
        if isinstance(user, FakeMember):
            return user
        if user is None:
            students = [m for m in guild.humans if m.id != guild.owner.id]
            return students[0] if students else guild.owner
        return guild.member(user)

    def _guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.state.find_channel(channel.id)[1]

    def _place(
        self, guild: GuildRef, channel: ChannelRef
    ) -> tuple[FakeGuild, FakeChannel, FakeGuild | None]:
        """(guild to look people up in, channel, guild the event happens in -
        ``None`` for a DM). A channel object implies its own guild."""
        if guild is None and isinstance(channel, FakeChannel) and channel.guild_id is not None:
            guild = channel.guild_id
        g = self.resolve_guild(guild)
        ch = self.resolve_channel(channel, g)
        return g, ch, self._guild_of(ch)

    async def _send_interaction(self, record: InteractionRecord) -> InteractionHandle:
        sent = await self.gateway.dispatch(
            "INTERACTION_CREATE", record.payload, guild_id=record.guild_id
        )
        if not sent:
            raise RuntimeError("no bot is connected to the fake gateway")
        return InteractionHandle(self, record)

    @staticmethod
    def _path(name: str | Sequence[str]) -> tuple[str, ...]:
        return tuple(name.split()) if isinstance(name, str) else tuple(name)

    # -- interactions --------------------------------------------------------------
    async def slash(
        self,
        name: str | Sequence[str],
        options: Mapping[str, Any] | Sequence[JSON] | None = None,
        *,
        user: UserRef = None,
        channel: ChannelRef = None,
        guild: GuildRef = None,
        guild_command: bool | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Run a slash command. ``name`` is ``"ping"``, ``"quiz start"`` or
        ``("quiz", "start")``; ``options`` maps option names to values (members,
        channels, roles and :class:`FakeAttachment` are resolved), or is a list of
        raw option objects. See :meth:`InteractionBuilder.command_data` for
        ``guild_command``."""
        g, ch, where = self._place(guild, channel)
        data = self.builder.command_data(
            self._path(name), options, where, guild_command=guild_command
        )
        record = self.builder.create(
            APPLICATION_COMMAND,
            data,
            guild=where,
            channel=ch,
            user=self.resolve_user(user, g),
            locale=locale,
        )
        return await self._send_interaction(record)

    async def autocomplete(
        self,
        name: str | Sequence[str],
        focused: str,
        value: Any = "",
        options: Mapping[str, Any] | None = None,
        *,
        user: UserRef = None,
        channel: ChannelRef = None,
        guild: GuildRef = None,
        guild_command: bool | None = None,
    ) -> InteractionHandle:
        """Type ``value`` into option ``focused`` of a command; the bot answers
        with a type-8 callback whose ``choices`` you can read."""
        g, ch, where = self._place(guild, channel)
        opts = {**(options or {}), focused: value}
        data = self.builder.command_data(
            self._path(name), opts, where, focused=focused, guild_command=guild_command
        )
        record = self.builder.create(
            AUTOCOMPLETE, data, guild=where, channel=ch, user=self.resolve_user(user, g)
        )
        return await self._send_interaction(record)

    async def click(
        self,
        message: FakeMessage | int,
        custom_id: str,
        *,
        user: UserRef = None,
        component_type: int = 2,
        values: Sequence[str] | None = None,
    ) -> InteractionHandle:
        """Click button ``custom_id`` on ``message`` (or choose ``values`` in a
        select, with ``component_type`` 3). Read random view ids with
        ``message.custom_ids()`` or ``message.button("Label")["custom_id"]``.
        Like Discord, only a component the message shows now can be clicked: a
        ``KeyError`` says the bot removed it (or it never was there)."""
        msg = message if isinstance(message, FakeMessage) else self.state.messages[message]
        if custom_id not in msg.custom_ids():
            raise KeyError(
                f"message {msg.id} shows no component {custom_id!r} to click "
                f"(it shows {msg.custom_ids()})"
            )
        channel, guild = self.state.find_channel(msg.channel_id)
        if channel is None:
            raise KeyError(f"message {msg.id} is in an unknown channel")
        who = self.resolve_user(user, guild) if guild is not None else self._dm_user(channel, user)
        data = self.builder.component_data(custom_id, component_type, values)
        record = self.builder.create(
            MESSAGE_COMPONENT, data, guild=guild, channel=channel, user=who, message=msg
        )
        return await self._send_interaction(record)

    async def submit_modal(
        self, modal: InteractionCallback, values: Mapping[str, str], *, user: UserRef = None
    ) -> InteractionHandle:
        """Submit the modal the bot opened (a type-9 callback). ``values`` maps
        text-input labels or custom_ids to text. The submitting user defaults to
        the one who got the modal (discord.py keys modals by user)."""
        origin = self.state.interactions[modal.interaction_id]
        channel, guild = self.state.find_channel(origin.channel_id)
        assert channel is not None
        ref = origin.user_id if user is None else user
        who = self.resolve_user(ref, guild) if guild is not None else self._dm_user(channel, ref)
        data = self.builder.modal_data(modal.data, values)
        record = self.builder.create(MODAL_SUBMIT, data, guild=guild, channel=channel, user=who)
        return await self._send_interaction(record)

    def _dm_user(self, channel: FakeChannel, user: UserRef) -> FakeMember:
        """The member (from any guild) behind a DM; default: the DM's recipient."""
        if isinstance(user, FakeMember):
            return user
        ref = channel.recipients[0] if user is None else user
        for guild in self.world.guilds:
            for member in guild.members:
                if ref in (member.id, member.name):
                    return member
        raise KeyError(f"unknown user {ref!r}")

    # -- messages and members ------------------------------------------------------
    async def send_message(
        self,
        channel: ChannelRef = None,
        author: UserRef = None,
        content: str = "",
        *,
        guild: GuildRef = None,
        attachments: Sequence[FakeAttachment] = (),
        extra: JSON | None = None,
    ) -> FakeMessage:
        """A member posts ``content`` (MESSAGE_CREATE). Without the MESSAGE_CONTENT
        intent the bot receives empty content unless it is mentioned, as on
        Discord. A DM channel (``fake.state.dm_channel(user_id)``) sends a DM."""
        g, ch, real_guild = self._place(guild, channel)
        who = self.resolve_user(author, g) if real_guild else self._dm_user(ch, author)
        files = [self.state.store_blob(a.filename, a.data, a.content_type) for a in attachments]
        payload = message_payload(
            self.world,
            message_id=self.state.new_id(),
            channel_id=ch.id,
            guild=real_guild,
            author=who,
            body={"content": content, **(extra or {})},
            attachments=files,
        )
        message = self.state.add_message(payload, "user")
        mentioned = any(int(u["id"]) == self.world.bot_user.id for u in payload["mentions"])
        intent = INTENT_GUILD_MESSAGES if real_guild else INTENT_DIRECT_MESSAGES
        gid = real_guild.id if real_guild else None
        strip = real_guild is not None and not mentioned
        sent = await self.gateway.dispatch(
            "MESSAGE_CREATE", payload, guild_id=gid, intent=intent, content_gated=strip
        )
        if not sent and not self.gateway.live_sessions:
            raise RuntimeError("no bot is connected to the fake gateway")
        return message

    async def add_member(self, member: FakeMember, guild: GuildRef = None) -> FakeMember:
        """Add ``member`` to ``guild`` and dispatch GUILD_MEMBER_ADD."""
        g = self.resolve_guild(guild)
        known_roles = len(g.roles)
        g.add_member(member)
        for role in g.roles[known_roles:]:  # a personal role for ``member.permissions``
            event = {"guild_id": str(g.id), "role": role_payload(role)}
            await self.gateway.dispatch("GUILD_ROLE_CREATE", event, guild_id=g.id)
        data = member_payload(g, member) | {"guild_id": str(g.id)}
        await self.gateway.dispatch(
            "GUILD_MEMBER_ADD", data, guild_id=g.id, intent=INTENT_GUILD_MEMBERS
        )
        return member
