"""Shared mutable state of the fake server, and the waiting primitive.

REST handlers, the gateway and the test-facing :class:`~.server.FakeDiscord` all
work on one :class:`FakeState`. Every change calls :meth:`FakeState.changed`,
which wakes :meth:`FakeState.wait_until` waiters, so tests never sleep blindly.
"""

# Waiters take ``timeout=`` (seconds) by design: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from .models import DM_CHANNEL, FakeChannel, FakeGuild, FakeWorld, SnowflakeFactory
from .payloads import JSON, attachment_payload, iso
from .records import (
    FakeMessage,
    Fault,
    InteractionCallback,
    InteractionRecord,
    RecordedRequest,
)

T = TypeVar("T")


class FakeState:
    """Everything the fake knows and has recorded."""

    def __init__(self, world: FakeWorld) -> None:
        self.world = world
        self.new_id = SnowflakeFactory()
        self._clock = itertools.count(1)
        #: Set by the server once it listens, e.g. ``http://127.0.0.1:4242``.
        self.origin = ""
        self.requests: list[RecordedRequest] = []
        #: Requests for routes the fake does not implement (answered 404).
        self.unknown_requests: list[RecordedRequest] = []
        #: Exceptions raised inside the fake's own handlers (answered 400).
        self.errors: list[str] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.global_commands: dict[str, JSON] = {}
        self.guild_commands: dict[int, dict[str, JSON]] = {}
        self.blobs: dict[int, tuple[str, str | None, bytes]] = {}
        #: Attachment ids in the order they were downloaded (``GET /attachments/...``).
        self.downloads: list[int] = []
        self.dm_channels: dict[int, FakeChannel] = {}
        self.faults: list[Fault] = []
        #: Echo the bot's own non-ephemeral messages/edits/reactions on the gateway.
        self.echo_bot_events = True
        self._event = asyncio.Event()

    # -- clock & notification ------------------------------------------------------
    def tick(self) -> int:
        """Next value of the shared record clock."""
        return next(self._clock)

    def mark(self) -> int:
        """The current clock value; records made later have a larger ``seq``."""
        return self.tick()

    def changed(self) -> None:
        """Wake every waiter so that it re-checks its condition."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, probe: Callable[[], T | None], timeout: float, what: str) -> T:
        """Return the first non-``None`` result of ``probe()``, re-checked on each
        change; raise ``TimeoutError`` (with a digest of recent traffic) after
        ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = probe()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"timed out after {timeout}s waiting for {what}\n{self.digest()}"
                )
            # asyncio.wait, not wait_for: on Python 3.11 wait_for can swallow a cancellation
            # that arrives as the event fires, and a cancelled waiter then hangs to its timeout.
            waiter = asyncio.ensure_future(self._event.wait())
            try:
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                waiter.cancel()

    def digest(self, last: int = 15) -> str:
        """A short text summary of recent requests, for failure messages."""
        lines = ["recent requests:"]
        for r in self.requests[-last:]:
            lines.append(f"  {r.method} {r.path} -> {r.status} {_short(r.json)}")
        if self.unknown_requests:
            lines.append(
                f"unknown routes: {[f'{r.method} {r.path}' for r in self.unknown_requests]}"
            )
        if self.errors:
            lines.append(f"fake-server errors: {self.errors}")
        return "\n".join(lines)

    # -- lookups -------------------------------------------------------------------
    def find_channel(self, channel_id: int) -> tuple[FakeChannel | None, FakeGuild | None]:
        for guild in self.world.guilds:
            channel = guild.get_channel(channel_id)
            if channel is not None:
                return channel, guild
        for channel in self.dm_channels.values():
            if channel.id == channel_id:
                return channel, None
        return None, None

    def dm_channel(self, user_id: int) -> FakeChannel:
        """The DM channel between the bot and ``user_id`` (created on first use)."""
        if user_id not in self.dm_channels:
            channel = FakeChannel(f"dm-{user_id}", id=self.new_id(), type=DM_CHANNEL)
            channel.recipients = [user_id]
            self.dm_channels[user_id] = channel
        return self.dm_channels[user_id]

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    # -- messages ------------------------------------------------------------------
    def add_message(
        self, payload: JSON, source: str, interaction_id: int | None = None
    ) -> FakeMessage:
        message = FakeMessage(self.tick(), payload, source, interaction_id)
        self.messages[message.id] = message
        self.changed()
        return message

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[FakeMessage]:
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and (include_deleted or not m.deleted)
        ]

    def edit_message(self, message: FakeMessage, changes: JSON, *, edited: bool = True) -> None:
        """Apply a PATCH body; only keys present in ``changes`` are replaced."""
        message.history.append(dict(message.payload))
        new = dict(message.payload)
        for key in ("content", "embeds", "components", "flags", "attachments"):
            if key in changes and changes[key] is not None:
                new[key] = changes[key]
            elif key in changes and key != "content":
                new[key] = []
        if edited:
            new["edited_timestamp"] = iso()
        message.payload = new
        message.seq = self.tick()
        self.changed()

    def add_callback(self, record: InteractionRecord, callback: InteractionCallback) -> None:
        record.callbacks.append(callback)
        self.changed()

    # -- commands ------------------------------------------------------------------
    def put_commands(self, guild_id: int | None, commands: list[JSON]) -> list[JSON]:
        """Bulk overwrite; a command keeps its id across re-syncs (as on Discord)."""
        store = (
            self.global_commands
            if guild_id is None
            else self.guild_commands.setdefault(guild_id, {})
        )
        old = dict(store)
        store.clear()
        for command in commands:
            store[command["name"]] = self.complete_command(
                command, guild_id, old.get(command["name"])
            )
        self.changed()
        return list(store.values())

    def complete_command(self, command: JSON, guild_id: int | None, old: JSON | None) -> JSON:
        full = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": old["id"] if old else str(self.new_id()),
            "application_id": str(self.world.application_id),
            "version": str(self.new_id()),
        }
        if guild_id is not None:
            full["guild_id"] = str(guild_id)
        return full

    def find_command(self, name: str, guild_id: int | None) -> JSON | None:
        """The synced command ``name`` visible in ``guild_id`` (guild ones first)."""
        if guild_id is not None and name in self.guild_commands.get(guild_id, {}):
            return self.guild_commands[guild_id][name]
        return self.global_commands.get(name)

    # -- attachments ---------------------------------------------------------------
    def store_blob(self, filename: str, data: bytes, content_type: str | None = None) -> JSON:
        """Keep ``data`` and return an attachment object whose URL serves it."""
        attachment_id = self.new_id()
        self.blobs[attachment_id] = (filename, content_type, data)
        url = f"{self.origin}/attachments/{attachment_id}/{quote(filename)}"
        return attachment_payload(attachment_id, filename, data, url, content_type)


def _short(value: Any, limit: int = 160) -> str:
    text = "" if value is None else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
