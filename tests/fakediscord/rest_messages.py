"""Channel messages, reactions and attachment downloads, plus the message
helpers interaction routes share (:class:`MessageOps`).

Every message-creating route answers with a full Message object. Non-ephemeral
messages the bot creates, edits or deletes are echoed on the gateway
(MESSAGE_CREATE/UPDATE/DELETE, MESSAGE_REACTION_ADD), as Discord does, when
``state.echo_bot_events`` is true and the session asked for the intent.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .gateway import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGES,
    Gateway,
)
from .models import FakeChannel, FakeGuild, FakeMember, FakeUser, perms
from .payloads import (
    EPHEMERAL,
    JSON,
    channel_permissions,
    member_payload,
    message_payload,
)
from .records import FakeMessage, UploadedFile
from .rest import RouteTable, body_of, error_response, files_of, json_response, no_content
from .state import FakeState

VIEW, SEND = perms(view_channel=True), perms(send_messages=True)
ATTACH, REACT = perms(attach_files=True), perms(add_reactions=True)
READ_HISTORY = perms(read_message_history=True)


def invalid_body(body: JSON) -> str | None:
    """Discord's main size limits; returns a description of the violation."""
    if len(str(body.get("content") or "")) > 2000:
        return "content: Must be 2000 or fewer in length."
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        return "embeds: Must be 10 or fewer in length."
    total = 0
    for embed in embeds:
        if len(str(embed.get("title") or "")) > 256:
            return "embeds.title: Must be 256 or fewer in length."
        if len(str(embed.get("description") or "")) > 4096:
            return "embeds.description: Must be 4096 or fewer in length."
        if len(str((embed.get("footer") or {}).get("text") or "")) > 2048:
            return "embeds.footer.text: Must be 2048 or fewer in length."
        if len(embed.get("fields") or []) > 25:
            return "embeds.fields: Must be 25 or fewer in length."
        for f in embed.get("fields") or []:
            if not 1 <= len(str(f.get("name") or "")) <= 256:
                return "embeds.fields.name: Must be between 1 and 256 in length."
            if not 1 <= len(str(f.get("value") or "")) <= 1024:
                return "embeds.fields.value: Must be between 1 and 1024 in length."
        total += len(str(embed.get("title") or "")) + len(str(embed.get("description") or ""))
        total += sum(
            len(str(f.get("name", ""))) + len(str(f.get("value", "")))
            for f in embed.get("fields") or []
        )
    if total > 6000:
        return "embeds: Embed size exceeds maximum size of 6000"
    if len(body.get("components") or []) > 5 and not int(body.get("flags") or 0) & (1 << 15):
        return "components: Must be 5 or fewer in length."
    return invalid_choices(body.get("choices"))


def invalid_choices(choices: list[JSON] | None) -> str | None:
    """Autocomplete results (callback type 8): at most 25, names of 1-100 characters,
    string values of at most 100."""
    if choices is None:
        return None
    if len(choices) > 25:
        return "choices: Must be 25 or fewer in length."
    for choice in choices:
        if not 1 <= len(str(choice.get("name") or "")) <= 100:
            return "choices.name: Must be between 1 and 100 in length."
        if isinstance(choice.get("value"), str) and len(choice["value"]) > 100:
            return "choices.value: Must be 100 or fewer in length."
    return None


def parse_emoji(raw: str) -> tuple[str, JSON]:
    """A reaction emoji from a URL: unicode stays as is; a custom emoji
    (``name:id``, ``a:name:id``, or discord.py's ``:name:id``) becomes ``name:id``.
    Returns (key used in ``FakeMessage.reactions``, gateway emoji object)."""
    parts = raw.strip(":").split(":")
    if len(parts) >= 2 and parts[-1].isdigit():
        name, emoji_id = parts[-2], parts[-1]
        return f"{name}:{emoji_id}", {"id": emoji_id, "name": name, "animated": parts[0] == "a"}
    return raw, {"id": None, "name": raw}


def form_error(reason: str) -> web.Response:
    return json_response(
        {"code": 50035, "message": f"Invalid Form Body ({reason})", "errors": {}}, 400
    )


class MessageOps:
    """Message helpers shared by channel and interaction routes."""

    def __init__(self, state: FakeState, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    # -- helpers -------------------------------------------------------------------
    def _bot_author(self, guild: FakeGuild | None) -> FakeUser | FakeMember:
        bot = self.state.world.bot_user
        member = guild.get_member(bot.id) if guild is not None else None
        return member or bot

    def _denied(
        self, guild: FakeGuild | None, channel: FakeChannel, needed: int
    ) -> web.Response | None:
        """403 unless the bot has ``needed`` in ``channel`` (guild channels only)."""
        bot = guild.get_member(self.state.world.bot_user.id) if guild is not None else None
        if guild is None or bot is None:
            return None
        have = channel_permissions(guild, bot, channel)
        if not have & VIEW:
            return error_response(403, "Missing Access", 50001)
        if have & needed != needed:
            return error_response(403, "Missing Permissions", 50013)
        return None

    def _attachments(
        self, body: JSON, files: list[UploadedFile], existing: list[JSON] | None = None
    ) -> list[JSON] | None:
        """Attachments for a new/edited message: uploads (``files[n]``) become
        downloadable blobs; ids of ``existing`` ones are kept. ``None``: unchanged."""
        if not files and "attachments" not in body:
            return None
        kept = {a["id"]: a for a in existing or []}
        by_field = {f.field_name: f for f in files}
        entries = body.get("attachments")
        if entries is None:  # uploads without an ``attachments`` list: keep them all
            entries = [{"id": index} for index in range(len(files))]
        result: list[JSON] = []
        for index, entry in enumerate(entries):
            if str(entry.get("id")) in kept:
                result.append(kept[str(entry["id"])])
                continue
            upload = by_field.get(f"files[{entry.get('id', index)}]")
            if upload is not None:
                att = self.state.store_blob(upload.filename, upload.data, upload.content_type)
                result.append(att | {"description": entry.get("description")})
        return result

    async def _echo(self, event: str, message: FakeMessage, data: JSON | None = None) -> None:
        if not self.state.echo_bot_events or message.ephemeral:
            return
        raw_gid = message.payload.get("guild_id")
        gid = int(raw_gid) if raw_gid else None
        intent = INTENT_GUILD_MESSAGES if gid else INTENT_DIRECT_MESSAGES
        await self.gateway.dispatch(event, data or message.payload, guild_id=gid, intent=intent)

    def _message(self, channel_id: int, message_id: str) -> FakeMessage | None:
        message = self.state.messages.get(int(message_id)) if message_id.isdigit() else None
        if message is None or message.deleted or message.channel_id != channel_id:
            return None
        return message

    async def _apply_edit(
        self, message: FakeMessage, body: JSON, files: list[UploadedFile]
    ) -> web.Response:
        if (reason := invalid_body(body)) is not None:
            return form_error(reason)
        changes = dict(body)
        attachments = self._attachments(body, files, message.attachments)
        if attachments is not None:
            changes["attachments"] = attachments
        if message.loading:  # filling in a deferred response keeps only its ephemerality
            changes["flags"] = message.flags & EPHEMERAL
        self.state.edit_message(message, changes, edited=not message.loading)
        await self._echo("MESSAGE_UPDATE", message)
        return json_response(message.payload)

    async def _delete(self, message: FakeMessage) -> web.Response:
        message.deleted = True
        message.seq = self.state.tick()
        self.state.changed()
        data = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if "guild_id" in message.payload:
            data["guild_id"] = message.payload["guild_id"]
        await self._echo("MESSAGE_DELETE", message, data)
        return no_content()


class MessageRoutes(MessageOps):
    """Routes that create, edit, delete or react to channel messages."""

    def routes(self) -> RouteTable:
        msg = "/channels/{channel_id}/messages/{message_id}"
        return [
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", "/channels/{channel_id}/messages", self.history),
            ("GET", msg, self.get_message),
            ("PATCH", msg, self.edit_message),
            ("DELETE", msg, self.delete_message),
            ("PUT", msg + "/reactions/{emoji}/@me", self.add_reaction),
            ("DELETE", msg + "/reactions/{emoji}/@me", self.remove_reaction),
            ("DELETE", msg + "/reactions", self.clear_reactions),
        ]

    # -- channel messages ----------------------------------------------------------
    async def create_message(self, request: web.Request) -> web.Response:
        channel, guild = self.state.find_channel(int(request.match_info["channel_id"]))
        if channel is None:
            return error_response(404, "Unknown Channel", 10003)
        body, files = body_of(request), files_of(request)
        denied = self._denied(guild, channel, SEND | (ATTACH if files else 0))
        if denied is not None:
            return denied
        if (reason := invalid_body(body)) is not None:
            return form_error(reason)
        keys = ("content", "embeds", "components", "sticker_ids", "poll")
        if not files and not any(body.get(k) for k in keys):
            return error_response(400, "Cannot send an empty message", 50006)
        payload = message_payload(
            self.state.world,
            message_id=self.state.new_id(),
            channel_id=channel.id,
            guild=guild,
            author=self._bot_author(guild),
            body=body,
            attachments=self._attachments(body, files),
            message_type=19 if body.get("message_reference") else 0,
        )
        message = self.state.add_message(payload, "channel")
        await self._echo("MESSAGE_CREATE", message)
        return json_response(payload)

    async def history(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        channel, guild = self.state.find_channel(cid)
        if channel is None:
            return error_response(404, "Unknown Channel", 10003)
        if (denied := self._denied(guild, channel, READ_HISTORY)) is not None:
            return denied
        query = request.query
        found = [m for m in self.state.messages_in(cid) if not m.ephemeral]
        if "before" in query:
            found = [m for m in found if m.id < int(query["before"])]
        if "after" in query:
            found = [m for m in found if m.id > int(query["after"])]
        found.sort(key=lambda m: m.id, reverse=True)
        return json_response([m.payload for m in found[: int(query.get("limit", 50))]])

    async def get_message(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["channel_id"]), request.match_info["message_id"]
        )
        if message is None or message.ephemeral:
            return error_response(404, "Unknown Message", 10008)
        return json_response(message.payload)

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["channel_id"]), request.match_info["message_id"]
        )
        if message is None or message.ephemeral:
            return error_response(404, "Unknown Message", 10008)
        if message.author_id != self.state.world.bot_user.id:
            return error_response(403, "Cannot edit a message authored by another user", 50005)
        return await self._apply_edit(message, body_of(request), files_of(request))

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["channel_id"]), request.match_info["message_id"]
        )
        if message is None or message.ephemeral:
            return error_response(404, "Unknown Message", 10008)
        return await self._delete(message)

    # -- reactions -----------------------------------------------------------------
    async def add_reaction(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel_id"])
        message = self._message(cid, request.match_info["message_id"])
        if message is None or message.ephemeral:
            return error_response(404, "Unknown Message", 10008)
        channel, guild = self.state.find_channel(cid)
        assert channel is not None
        if (denied := self._denied(guild, channel, REACT | READ_HISTORY)) is not None:
            return denied
        emoji, emoji_json = parse_emoji(request.match_info["emoji"])
        bot_id = self.state.world.bot_user.id
        message.reactions.setdefault(emoji, set()).add(bot_id)
        message.seq = self.state.tick()
        self.state.changed()
        if self.state.echo_bot_events:
            data: JSON = {
                "user_id": str(bot_id),
                "channel_id": str(cid),
                "message_id": str(message.id),
                "message_author_id": str(message.author_id),
                "emoji": emoji_json,
                "burst": False,
                "type": 0,
            }
            if guild is not None:
                data["guild_id"] = str(guild.id)
                if (me := guild.get_member(bot_id)) is not None:
                    data["member"] = member_payload(guild, me)
            gid = guild.id if guild is not None else None
            await self.gateway.dispatch(
                "MESSAGE_REACTION_ADD", data, guild_id=gid, intent=INTENT_GUILD_MESSAGE_REACTIONS
            )
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["channel_id"]), request.match_info["message_id"]
        )
        if message is None:
            return error_response(404, "Unknown Message", 10008)
        message.reactions.get(request.match_info["emoji"], set()).discard(
            self.state.world.bot_user.id
        )
        self.state.changed()
        return no_content()

    async def clear_reactions(self, request: web.Request) -> web.Response:
        message = self._message(
            int(request.match_info["channel_id"]), request.match_info["message_id"]
        )
        if message is None:
            return error_response(404, "Unknown Message", 10008)
        message.reactions.clear()
        self.state.changed()
        return no_content()


async def serve_attachment(state: FakeState, request: web.Request) -> web.Response:
    """``GET /attachments/{attachment_id}/{filename}``: the uploaded bytes."""
    attachment_id = int(request.match_info["attachment_id"])
    blob: Any = state.blobs.get(attachment_id)
    if blob is None:
        return web.Response(status=404, text="no such attachment")
    state.downloads.append(attachment_id)
    state.changed()
    _, content_type, data = blob
    return web.Response(body=data, content_type=content_type or "application/octet-stream")
