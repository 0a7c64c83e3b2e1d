"""The fake gateway: a websocket speaking Discord's gateway protocol (v10, JSON,
uncompressed text frames).

Sessions outlive sockets: events dispatched while the bot is disconnected are
buffered and replayed when it RESUMEs, like on Discord.
"""

# Waiters take ``timeout=`` (seconds) by design: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections import Counter
from typing import Any

from aiohttp import WSMsgType, web

from .payloads import JSON, guild_create_payload, member_payload, ready_payload
from .records import GatewayFrame
from .state import FakeState

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, REQUEST_MEMBERS = 10, 1, 2, 6, 7, 8
INVALID_SESSION, HEARTBEAT_ACK, DISPATCH = 9, 11, 0
#: Intent bits the fake honours.
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
#: Close codes after which Discord refuses a RESUME.
NON_RESUMABLE_CLOSE_CODES = frozenset({1000, 1001, 4007, 4009})


class GatewaySession:
    """One identified session (one per shard)."""

    def __init__(self, session_id: str, identify: JSON) -> None:
        self.session_id = session_id
        self.identify = identify
        self.intents: int = int(identify.get("intents") or 0)
        shard = identify.get("shard")
        self.shard: tuple[int, int] | None = (int(shard[0]), int(shard[1])) if shard else None
        self.seq = 0
        self.buffer: list[JSON] = []
        self.ws: web.WebSocketResponse | None = None
        self.connection = 0
        self.invalid = False
        self.lock = asyncio.Lock()

    def owns_guild(self, guild_id: int) -> bool:
        if self.shard is None:
            return True
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id


class Gateway:
    """Gateway endpoint plus the controls tests use (dispatch, reconnect...)."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.sessions: dict[str, GatewaySession] = {}
        self.frames: list[GatewayFrame] = []
        #: How often each thing happened: identify, resume, ready, resumed,
        #: invalid_session, reconnect, connect.
        self.counts: Counter[str] = Counter()
        self.heartbeat_interval_ms = 41250
        #: Set by the server: the URL READY hands out as ``resume_gateway_url``.
        self.resume_url = ""
        self._connection_ids = itertools.count(1)
        self._sockets: set[web.WebSocketResponse] = set()
        #: Sockets this server closed: their ``close_code`` is unreliable (aiohttp
        #: ends the read loop before the client's close frame arrives).
        self._closed_here: set[web.WebSocketResponse] = set()

    # -- introspection -------------------------------------------------------------
    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if not s.invalid]

    @property
    def connected(self) -> bool:
        """Whether some live session currently has an open socket."""
        return any(s.ws is not None and not s.ws.closed for s in self.live_sessions)

    def received(self, op: int) -> list[GatewayFrame]:
        """Frames with opcode ``op`` sent by the bot (e.g. ``IDENTIFY``)."""
        return [f for f in self.frames if f.direction == "recv" and f.op == op]

    # -- websocket handler ---------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for ``GET /gateway`` (and the resume URL)."""
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        connection = next(self._connection_ids)
        self._sockets.add(ws)
        self.counts["connect"] += 1
        session: GatewaySession | None = None
        try:
            hello = {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            await self._send_frame(ws, connection, hello)
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                self._record("recv", connection, frame)
                session = await self._on_frame(ws, connection, frame, session)
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                # A client closing with 1000/1001 ends its session, as on Discord.
                if ws not in self._closed_here and ws.close_code in NON_RESUMABLE_CLOSE_CODES:
                    session.invalid = True
            self._closed_here.discard(ws)
            self.state.changed()
        return ws

    async def _on_frame(
        self,
        ws: web.WebSocketResponse,
        connection: int,
        frame: JSON,
        session: GatewaySession | None,
    ) -> GatewaySession | None:
        op = frame.get("op")
        raw = frame.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            await self._send_frame(ws, connection, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            return await self._identify(ws, connection, data)
        elif op == RESUME:
            return await self._resume(ws, connection, data)
        elif op == REQUEST_MEMBERS and session is not None:
            await self._request_members(session, data)
        return session

    async def _identify(
        self, ws: web.WebSocketResponse, connection: int, data: JSON
    ) -> GatewaySession:
        self.counts["identify"] += 1
        session = GatewaySession(uuid.uuid4().hex, data)
        for old in self.live_sessions:
            if old.shard == session.shard:
                old.invalid = True
        self.sessions[session.session_id] = session
        session.ws, session.connection = ws, connection
        world = self.state.world
        guilds = [g for g in world.guilds if session.owns_guild(g.id)]
        shard = list(session.shard) if session.shard else None
        ready = ready_payload(world, session.session_id, self.resume_url, guilds, shard)
        await self._dispatch_to(session, "READY", ready)
        self.counts["ready"] += 1
        for guild in guilds:
            await self._dispatch_to(session, "GUILD_CREATE", guild_create_payload(guild))
        self.state.changed()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, connection: int, data: JSON
    ) -> GatewaySession | None:
        self.counts["resume"] += 1
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalid:
            await self._send_frame(ws, connection, {"op": INVALID_SESSION, "d": False})
            self.counts["invalid_session"] += 1
            return None
        after = int(data.get("seq") or 0)
        async with session.lock:
            session.ws, session.connection = ws, connection
            for frame in session.buffer:
                if frame["s"] > after:
                    await self._send_frame(ws, connection, frame)
        await self._dispatch_to(session, "RESUMED", {})
        self.counts["resumed"] += 1
        self.state.changed()
        return session

    async def _request_members(self, session: GatewaySession, data: JSON) -> None:
        """Answer REQUEST_GUILD_MEMBERS with one GUILD_MEMBERS_CHUNK per guild."""
        guild_ids = data.get("guild_id")
        ids: list[Any] = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        for gid in ids:
            guild = self.state.world.guild(int(str(gid)))
            members = guild.members
            if data.get("user_ids"):
                wanted = {int(u) for u in data["user_ids"]}
                members = [m for m in members if m.id in wanted]
            elif data.get("query"):
                members = [
                    m for m in members if m.name.lower().startswith(str(data["query"]).lower())
                ]
            if data.get("limit"):
                members = members[: int(data["limit"])]
            chunk: JSON = {
                "guild_id": str(guild.id),
                "members": [member_payload(guild, m) for m in members],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if data.get("nonce"):
                chunk["nonce"] = data["nonce"]
            await self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- sending -------------------------------------------------------------------
    def _record(self, direction: str, connection: int, frame: JSON) -> None:
        self.frames.append(
            GatewayFrame(
                self.state.tick(),
                direction,
                connection,
                int(frame.get("op", -1)),
                frame.get("t"),
                frame.get("d"),
                time.monotonic(),
            )
        )

    async def _send_frame(self, ws: web.WebSocketResponse, connection: int, frame: JSON) -> None:
        if ws.closed:
            return
        self._record("send", connection, frame)
        # If the bot went away, a buffered dispatch is replayed on RESUME.
        with contextlib.suppress(ConnectionError):
            await ws.send_str(json.dumps(frame))

    async def _dispatch_to(self, session: GatewaySession, event: str, data: Any) -> None:
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.buffer.append(frame)
            if session.ws is not None:
                await self._send_frame(session.ws, session.connection, frame)

    async def dispatch(
        self,
        event: str,
        data: JSON,
        *,
        guild_id: int | None = None,
        intent: int | None = None,
        content_gated: bool = False,
    ) -> int:
        """Send ``event`` to every live session (only the shard owning
        ``guild_id``; only sessions that asked for ``intent``). With
        ``content_gated`` (a user's guild message that does not mention the
        bot), sessions without MESSAGE_CONTENT get the message with
        content, embeds, attachments and components emptied, as Discord does.
        Returns how many sessions got it."""
        sent = 0
        for session in self.live_sessions:
            if guild_id is not None and not session.owns_guild(guild_id):
                continue
            if intent is not None and not session.intents & intent:
                continue
            payload = data
            if content_gated and not session.intents & INTENT_MESSAGE_CONTENT:
                payload = data | {"content": "", "embeds": [], "attachments": [], "components": []}
            await self._dispatch_to(session, event, payload)
            sent += 1
        return sent

    # -- connection control --------------------------------------------------------
    async def _wait_count(self, key: str, target: int, timeout: float) -> None:
        await self.state.wait_until(
            lambda: True if self.counts[key] >= target else None,
            timeout,
            f"gateway {key} #{target}",
        )

    async def reconnect(self, *, wait: bool = True, timeout: float = 5.0) -> None:
        """Send op 7 RECONNECT; the client reconnects to ``resume_gateway_url`` and
        RESUMEs. With ``wait``, return once RESUMED was sent."""
        sessions = [s for s in self.live_sessions if s.ws is not None]
        target = self.counts["resumed"] + len(sessions)
        for session in sessions:
            assert session.ws is not None
            await self._send_frame(session.ws, session.connection, {"op": RECONNECT, "d": None})
        self.counts["reconnect"] += 1
        if wait:
            await self._wait_count("resumed", target, timeout)

    async def invalidate_session(
        self, *, resumable: bool = False, wait: bool = True, timeout: float = 10.0
    ) -> None:
        """Send op 9 INVALID_SESSION. Not resumable: the client re-IDENTIFYs (after
        its ``before_identify_hook``, which sleeps 5 s by default), and ``wait``
        returns on the new READY. Resumable: it RESUMEs."""
        sessions = [s for s in self.live_sessions if s.ws is not None]
        key = "resumed" if resumable else "ready"
        target = self.counts[key] + len(sessions)
        for session in sessions:
            assert session.ws is not None
            if not resumable:
                session.invalid = True
            frame = {"op": INVALID_SESSION, "d": resumable}
            await self._send_frame(session.ws, session.connection, frame)
            self.counts["invalid_session"] += 1
        if wait:
            await self._wait_count(key, target, timeout)

    async def close_socket(
        self, code: int = 4000, *, wait: bool = True, timeout: float = 5.0
    ) -> None:
        """Close the bot's socket(s) from the server side with ``code``. Codes
        4007/4009 also invalidate the session (the client's RESUME is refused and
        it re-identifies); other resumable codes lead to a RESUME, awaited when
        ``wait``."""
        sessions = [s for s in self.live_sessions if s.ws is not None]
        target = self.counts["resumed"] + len(sessions)
        for session in sessions:
            assert session.ws is not None
            if code in NON_RESUMABLE_CLOSE_CODES:
                session.invalid = True
            self._record("send", session.connection, {"op": -1, "d": {"close_code": code}})
            self._closed_here.add(session.ws)
            await session.ws.close(code=code)
        if wait and code not in NON_RESUMABLE_CLOSE_CODES:
            await self._wait_count("resumed", target, timeout)

    async def shutdown(self) -> None:
        """Close every socket (server stopping)."""
        for ws in list(self._sockets):
            self._closed_here.add(ws)
            await ws.close(code=1001)
