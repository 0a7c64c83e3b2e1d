"""REST plumbing (JSON replies, body parsing, request log, fault injection) and
the non-message routes: start-up, application commands, users, guilds, channels.

discord.py only parses a body as JSON when ``Content-Type`` is exactly
``application/json`` (no ``; charset``), hence :func:`json_response`.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from .gateway import Gateway
from .payloads import (
    JSON,
    application_payload,
    channel_payload,
    member_payload,
    role_payload,
    user_payload,
)
from .records import Fault, RecordedRequest, UploadedFile
from .state import FakeState

API_PREFIX = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RouteTable = list[tuple[str, str, Handler]]
#: Where the middleware leaves the parsed body and uploaded files of a request.
BODY_KEY = web.RequestKey("fakediscord_body", object)
FILES_KEY = web.RequestKey("fakediscord_files", list)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A reply discord.py will parse as JSON."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={hdrs.CONTENT_TYPE: "application/json", **(headers or {})},
    )


def error_response(status: int, message: str, code: int = 0) -> web.Response:
    """A Discord-style JSON error (``{"message", "code"}``)."""
    return json_response({"message": message, "code": code}, status)


def no_content() -> web.Response:
    return web.Response(status=204)


def body_of(request: web.Request) -> JSON:
    """The parsed JSON body (or ``payload_json``) of the request, ``{}`` if none."""
    body = request.get(BODY_KEY)
    return body if isinstance(body, dict) else {}


def files_of(request: web.Request) -> list[UploadedFile]:
    files: list[UploadedFile] = request.get(FILES_KEY, [])
    return files


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body, or for multipart: (``payload_json``, ``files[n]`` parts)."""
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        payload: Any = None
        files: list[UploadedFile] = []
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                payload = json.loads(await part.text())
            else:
                data = await part.read(decode=True)
                ctype = part.headers.get(hdrs.CONTENT_TYPE)
                files.append(UploadedFile(part.name or "", part.filename or "", ctype, bytes(data)))
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


def fault_response(fault: Fault) -> web.Response:
    """The reply for an injected fault. A 429 carries ``retry_after``, ``global``
    and a ``Via`` header (without ``Via`` discord.py assumes a Cloudflare ban)."""
    if fault.status == 429:
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": False,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Scope": "user",
        }
        return json_response(body | fault.body, 429, headers)
    body = {"message": f"{fault.status}: injected by fakediscord", "code": 0}
    return json_response(body | fault.body, fault.status)


def make_middleware(state: FakeState) -> Any:
    """Record every API request, apply injected faults, and turn unknown routes
    and the fake's own exceptions into JSON errors (never a crash)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        rel = request.path[len(API_PREFIX) :]
        seq = state.tick()
        body, files = await parse_body(request)
        request[BODY_KEY], request[FILES_KEY] = body, files
        record = RecordedRequest(
            seq, request.method, rel, dict(request.query), body, files, time.monotonic()
        )
        record.headers = dict(request.headers)
        fault = next((f for f in state.faults if f.matches(request.method, rel)), None)
        response: web.StreamResponse
        if fault is not None:
            fault.count -= 1
            if fault.count <= 0:
                state.faults.remove(fault)
            record.injected = True
            response = fault_response(fault)
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                if exc.status in (404, 405):
                    state.unknown_requests.append(record)
                response = error_response(exc.status, f"{exc.status}: {exc.reason} ({rel})")
            except Exception as exc:
                state.errors.append(f"{request.method} {rel}: {exc!r}\n{traceback.format_exc()}")
                # 400, not 500: discord.py silently retries 5xx for up to 25 s.
                response = error_response(400, f"fakediscord internal error: {exc!r}")
        record.status = response.status
        state.requests.append(record)
        state.changed()
        return response

    return middleware


class CoreRoutes:
    """Start-up, application commands, users, guilds and channel lookups."""

    def __init__(self, state: FakeState, gateway: Gateway, gateway_url: Callable[[], str]) -> None:
        self.state = state
        self.gateway = gateway
        self.gateway_url = gateway_url
        #: ``shards`` reported by ``GET /gateway/bot`` (AutoShardedClient).
        self.shard_count = 1

    def routes(self) -> RouteTable:
        app = "/applications/{app_id}"
        return [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("POST", "/users/@me/channels", self.create_dm),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/@me", self.get_application),
            ("GET", "/gateway", self.get_gateway),
            ("GET", "/gateway/bot", self.get_gateway_bot),
            ("GET", app + "/commands", self.get_commands),
            ("PUT", app + "/commands", self.put_commands),
            ("POST", app + "/commands", self.post_command),
            ("GET", app + "/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", app + "/guilds/{guild_id}/commands", self.put_commands),
            ("POST", app + "/guilds/{guild_id}/commands", self.post_command),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.get_guild_roles),
            ("GET", "/guilds/{guild_id}/members", self.get_guild_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.get_guild_member),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("POST", "/channels/{channel_id}/typing", self.typing),
        ]

    # -- start-up ------------------------------------------------------------------
    async def get_me(self, request: web.Request) -> web.Response:
        me = user_payload(self.state.world.bot_user)
        return json_response(me | {"verified": True, "mfa_enabled": False, "flags": 0})

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response(application_payload(self.state.world))

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.gateway_url()})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        body = {"url": self.gateway_url(), "shards": self.shard_count, "session_start_limit": limit}
        return json_response(body)

    # -- application commands ------------------------------------------------------
    def _guild_scope(self, request: web.Request) -> int | None:
        raw = request.match_info.get("guild_id")
        return None if raw is None else int(raw)

    async def get_commands(self, request: web.Request) -> web.Response:
        gid = self._guild_scope(request)
        store = (
            self.state.global_commands if gid is None else self.state.guild_commands.get(gid, {})
        )
        return json_response(list(store.values()))

    async def put_commands(self, request: web.Request) -> web.Response:
        body = request.get(BODY_KEY)
        commands = body if isinstance(body, list) else []
        return json_response(self.state.put_commands(self._guild_scope(request), commands))

    async def post_command(self, request: web.Request) -> web.Response:
        gid = self._guild_scope(request)
        command = body_of(request)
        store = (
            self.state.global_commands
            if gid is None
            else self.state.guild_commands.setdefault(gid, {})
        )
        full = self.state.complete_command(command, gid, store.get(command["name"]))
        store[command["name"]] = full
        self.state.changed()
        return json_response(full, 201)

    # -- users, guilds, channels ---------------------------------------------------
    async def get_user(self, request: web.Request) -> web.Response:
        uid = int(request.match_info["user_id"])
        world = self.state.world
        if uid == world.bot_user.id:
            return json_response(user_payload(world.bot_user))
        for guild in world.guilds:
            if (member := guild.get_member(uid)) is not None:
                return json_response(user_payload(member))
        return error_response(404, "Unknown User", 10013)

    async def create_dm(self, request: web.Request) -> web.Response:
        uid = int(body_of(request)["recipient_id"])
        channel = self.state.dm_channel(uid)
        data = channel_payload(channel)
        for guild in self.state.world.guilds:
            if (member := guild.get_member(uid)) is not None:
                data["recipients"] = [user_payload(member)]
                break
        return json_response(data)

    async def get_guild(self, request: web.Request) -> web.Response:
        try:
            guild = self.state.world.guild(int(request.match_info["guild_id"]))
        except KeyError:
            return error_response(404, "Unknown Guild", 10004)
        body = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "owner_id": str(guild.owner.id),
            "roles": [role_payload(r) for r in guild.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "preferred_locale": guild.locale,
            "approximate_member_count": len(guild.members),
        }
        return json_response(body)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self.state.world.guild(int(request.match_info["guild_id"]))
        return json_response([channel_payload(c) for c in guild.channels])

    async def get_guild_roles(self, request: web.Request) -> web.Response:
        guild = self.state.world.guild(int(request.match_info["guild_id"]))
        return json_response([role_payload(r) for r in guild.roles])

    async def get_guild_members(self, request: web.Request) -> web.Response:
        guild = self.state.world.guild(int(request.match_info["guild_id"]))
        limit = int(request.query.get("limit", 1000))
        after = int(request.query.get("after", 0))
        members = sorted((m for m in guild.members if m.id > after), key=lambda m: m.id)[:limit]
        return json_response([member_payload(guild, m) for m in members])

    async def get_guild_member(self, request: web.Request) -> web.Response:
        guild = self.state.world.guild(int(request.match_info["guild_id"]))
        member = guild.get_member(int(request.match_info["user_id"]))
        if member is None:
            return error_response(404, "Unknown Member", 10007)
        return json_response(member_payload(guild, member))

    async def get_channel(self, request: web.Request) -> web.Response:
        channel, _ = self.state.find_channel(int(request.match_info["channel_id"]))
        if channel is None:
            return error_response(404, "Unknown Channel", 10003)
        return json_response(channel_payload(channel))

    async def typing(self, request: web.Request) -> web.Response:
        return no_content()
