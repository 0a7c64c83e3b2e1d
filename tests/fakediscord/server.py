""":class:`FakeDiscord`: the loopback Discord server tests talk to.

Typical use (the ``fake_discord`` fixture does the first and last lines)::

    fake = await FakeDiscord().start()          # also points discord.py at it
    bot = await fake.start_bot(MyBot())         # real client: login, gateway, ready
    ix = await fake.slash("ping", {"text": "hi"})
    reply = await ix.response()
    assert reply.ephemeral and "hi" in reply.content
    await fake.stop()                           # stops bots, restores discord.py
"""

# Waiters take ``timeout=`` (seconds) by design: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar, Self

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import web

from .bots import BotControl
from .gateway import Gateway
from .interactions import InteractionBuilder
from .models import FakeChannel, FakeGuild, FakeWorld
from .payloads import JSON
from .records import FakeMessage, Fault, InteractionCallback, RecordedRequest
from .rest import API_PREFIX, CoreRoutes, make_middleware
from .rest_interactions import InteractionRoutes
from .rest_messages import MessageRoutes, serve_attachment
from .state import FakeState
from .users import InteractionHandle, UserActions


class FakeDiscord(UserActions, BotControl):
    """A Discord REST API + gateway on ``127.0.0.1`` for the real discord.py client.

    Only one instance should be started at a time in a process: :meth:`start`
    sets the process-wide ``discord.http.Route.BASE`` and
    ``DiscordWebSocket.DEFAULT_GATEWAY``; :meth:`stop` restores them.
    """

    _active: ClassVar[FakeDiscord | None] = None

    def __init__(self, world: FakeWorld | None = None, *, host: str = "127.0.0.1") -> None:
        self.world = world or FakeWorld.default()
        self.state = FakeState(self.world)
        self.gateway = Gateway(self.state)
        self.builder = InteractionBuilder(self.state)
        self.core = CoreRoutes(self.state, self.gateway, lambda: self.gateway_url)
        self.host = host
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self._bots: list[tuple[discord.Client, asyncio.Task[None]]] = []

    # -- lifecycle -----------------------------------------------------------------
    async def start(self, *, point_client: bool = True) -> Self:
        """Listen on an ephemeral port and point discord.py at this server.

        With ``point_client=False`` this process's discord.py is left alone: for a bot
        running in another process (given ``rest_base`` and ``gateway_url``), and then
        several fakes may run at once.
        """
        if not point_client:
            await self._listen()
            return self
        if FakeDiscord._active is not None:
            raise RuntimeError("another FakeDiscord is running; stop it first")
        FakeDiscord._active = self
        try:
            await self._listen()
        except BaseException:
            FakeDiscord._active = None
            raise
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = self.rest_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        return self

    async def _listen(self) -> None:
        """Build the aiohttp app (gateway, REST, attachments) and bind a free port."""
        app = web.Application(middlewares=[make_middleware(self.state)], client_max_size=64 << 20)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/resume", self.gateway.handle)
        app.router.add_get(
            "/attachments/{attachment_id}/{filename}", partial(serve_attachment, self.state)
        )
        routes = self.core.routes()
        routes += MessageRoutes(self.state, self.gateway).routes()
        routes += InteractionRoutes(self.state, self.gateway).routes()
        for method, path, handler in routes:
            app.router.add_route(method, API_PREFIX + path, handler)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.state.origin = f"http://{self.host}:{self.port}"
        self.gateway.resume_url = f"ws://{self.host}:{self.port}/gateway/resume"

    async def stop(self) -> None:
        """Stop bots started with :meth:`start_bot`, close sockets, restore discord.py."""
        for bot, _ in list(self._bots):
            with contextlib.suppress(Exception):
                await self.stop_bot(bot)
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None
        if FakeDiscord._active is self:
            FakeDiscord._active = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def rest_base(self) -> str:
        """E.g. ``http://127.0.0.1:4242/api/v10`` (what ``Route.BASE`` is set to)."""
        return f"{self.state.origin}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    # -- world shortcuts -----------------------------------------------------------
    @property
    def guild(self) -> FakeGuild:
        """The first guild."""
        return self.world.guilds[0]

    @property
    def bot_user_id(self) -> int:
        return self.world.bot_user.id

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def shard_count(self) -> int:
        """``shards`` advertised by ``GET /gateway/bot`` (for AutoShardedBot)."""
        return self.core.shard_count

    @shard_count.setter
    def shard_count(self, value: int) -> None:
        self.core.shard_count = value

    # -- records -------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests to routes the fake does not implement (answered 404)."""
        return self.state.unknown_requests

    @property
    def errors(self) -> list[str]:
        """Tracebacks of exceptions in the fake's own handlers (answered 400)."""
        return self.state.errors

    def mark(self) -> int:
        """A point in time: pass as ``since=`` to only see later records."""
        return self.state.mark()

    def requests_to(
        self, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests matching ``method`` and full-match regex ``path``."""
        return [r for r in self.state.requests if r.matches(method, path)]

    def channel_id(self, channel: ChannelArg) -> int:
        """Id of a channel given as object, id, or name (unique across guilds)."""
        if not isinstance(channel, str):
            return _id(channel)
        found = [c for g in self.world.guilds for c in g.channels if c.name == channel]
        if len(found) != 1:
            raise KeyError(f"{len(found)} channels are named {channel!r}; pass the FakeChannel")
        return found[0].id

    def messages_in(
        self, channel: ChannelArg, *, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages in ``channel`` in creation order (by bot and simulated users)."""
        return self.state.messages_in(self.channel_id(channel), include_deleted=include_deleted)

    def message(self, message_id: int) -> FakeMessage:
        return self.state.messages[message_id]

    def commands(self, guild: FakeGuild | int | None = None) -> dict[str, JSON]:
        """Synced commands by name: global ones, or those of ``guild``."""
        if guild is None:
            return dict(self.state.global_commands)
        return dict(self.state.guild_commands.get(_id(guild), {}))

    # -- fault injection -----------------------------------------------------------
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        *,
        retry_after: float = 0.1,
        count: int = 1,
        code: int | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer the next ``count`` requests matching ``method`` and ``path_regex``
        (full match against the path after ``/api/v10``) with ``status``.

        429 replies carry ``retry_after`` (seconds), ``global: false`` and a ``Via``
        header, so discord.py sleeps and retries. Beware: discord.py also retries
        500/502/504 (REST) and every 5xx (webhooks and interaction callbacks) after
        1 s, 3 s, 5 s...; use e.g. 503 or a 4xx to make an error reach the bot fast.
        """
        body: JSON = {}
        if code is not None:
            body["code"] = code
        if message is not None:
            body["message"] = message
        fault = Fault(method, path_regex, status, count, retry_after, body)
        self.state.faults.append(fault)
        return fault

    # -- waiting -------------------------------------------------------------------
    async def wait_for_request(
        self,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        since: int = 0,
        timeout: float = 5.0,
    ) -> RecordedRequest:
        """First recorded request after ``since`` matching method/path/predicate."""

        def probe() -> RecordedRequest | None:
            for r in self.state.requests:
                if (
                    r.seq > since
                    and r.matches(method, path)
                    and (predicate is None or predicate(r))
                ):
                    return r
            return None

        return await self.state.wait_until(probe, timeout, f"request {method or ''} {path or ''}")

    async def wait_for_message(
        self,
        channel: ChannelArg | None = None,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        since: int = 0,
        from_bot: bool = True,
        timeout: float = 5.0,
    ) -> FakeMessage:
        """First message (created or changed after ``since``) in ``channel`` (any
        channel if ``None``) by the bot (or anyone, with ``from_bot=False``) that
        satisfies ``predicate``."""
        cid = None if channel is None else self.channel_id(channel)

        def probe() -> FakeMessage | None:
            for m in list(self.state.messages.values()):
                if m.seq <= since or m.deleted or (cid is not None and m.channel_id != cid):
                    continue
                if from_bot and m.author_id != self.bot_user_id:
                    continue
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.state.wait_until(probe, timeout, f"a message in channel {cid}")

    async def wait_for_callback(
        self, interaction: InteractionHandle | int, *, timeout: float = 5.0
    ) -> InteractionCallback:
        """The callback (initial response) the bot sent for ``interaction``."""
        iid = interaction.id if isinstance(interaction, InteractionHandle) else int(interaction)
        record = self.state.interactions[iid]

        def probe() -> InteractionCallback | None:
            return record.callbacks[0] if record.callbacks else None

        return await self.state.wait_until(probe, timeout, f"the callback of interaction {iid}")

    async def wait_for_reaction(
        self, message: FakeMessage | int, emoji: str, *, timeout: float = 5.0
    ) -> FakeMessage:
        """Wait until the bot reacted to ``message`` with ``emoji`` (e.g. ``"✅"``)."""
        mid = _id(message)

        def probe() -> FakeMessage | None:
            found = self.state.messages.get(mid)
            ok = found is not None and self.bot_user_id in found.reactions.get(emoji, set())
            return found if ok else None

        return await self.state.wait_until(probe, timeout, f"reaction {emoji} on message {mid}")

    # -- raw gateway ---------------------------------------------------------------
    async def dispatch(self, event: str, data: JSON, *, guild_id: int | None = None) -> int:
        """Send any gateway event to the connected bot; returns sessions reached."""
        return await self.gateway.dispatch(event, data, guild_id=guild_id)

    async def reconnect(self, *, wait: bool = True, timeout: float = 5.0) -> None:
        """op 7 RECONNECT; with ``wait``, return after the client RESUMEd."""
        await self.gateway.reconnect(wait=wait, timeout=timeout)

    async def invalidate_session(
        self, *, resumable: bool = False, wait: bool = True, timeout: float = 10.0
    ) -> None:
        """op 9 INVALID_SESSION (see :meth:`Gateway.invalidate_session`)."""
        await self.gateway.invalidate_session(resumable=resumable, wait=wait, timeout=timeout)

    async def close_gateway(
        self, code: int = 4000, *, wait: bool = True, timeout: float = 5.0
    ) -> None:
        """Close the bot's socket with ``code`` (resumable codes lead to RESUME)."""
        await self.gateway.close_socket(code, wait=wait, timeout=timeout)


def _id(obj: Any) -> int:
    return int(obj if isinstance(obj, int) else obj.id)


ChannelArg = FakeChannel | int | str
