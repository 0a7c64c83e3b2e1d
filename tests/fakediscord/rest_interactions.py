"""Interaction routes: the initial response (``/interactions/{id}/{token}/callback``)
and the interaction webhook (followups, ``@original`` and followup messages).

Callback semantics follow Discord: type 4 creates the response message, 5
creates an "is thinking..." placeholder that the first followup (or an edit of
``@original``) fills in, keeping the defer's ephemerality; 6/7 acknowledge or
update the component's message; 8 is autocomplete, 9 a modal. The reply body
is what discord.py >= 2.5 needs: ``{"interaction": {...}, "resource": {...}}``.
"""

from __future__ import annotations

from aiohttp import web

from .payloads import EPHEMERAL, JSON, LOADING, message_payload
from .records import FakeMessage, InteractionCallback, InteractionRecord, UploadedFile
from .rest import RouteTable, body_of, error_response, files_of, json_response
from .rest_messages import MessageOps, form_error, invalid_body

#: Callback types that create a message / defer / update the component's message.
MESSAGE_CALLBACKS, UPDATE_CALLBACKS = (4, 5), (6, 7)


class InteractionRoutes(MessageOps):
    """Interaction callbacks and interaction-webhook messages."""

    def routes(self) -> RouteTable:
        hook = "/webhooks/{app_id}/{token}"
        return [
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", hook, self.followup),
            ("GET", hook + "/messages/{message_id}", self.get_webhook_message),
            ("PATCH", hook + "/messages/{message_id}", self.edit_webhook_message),
            ("DELETE", hook + "/messages/{message_id}", self.delete_webhook_message),
        ]

    def _interaction_message(
        self,
        record: InteractionRecord,
        body: JSON,
        files: list[UploadedFile],
        *,
        loading: bool = False,
    ) -> FakeMessage:
        guild = self.state.world.guild(record.guild_id) if record.guild_id else None
        payload = message_payload(
            self.state.world,
            message_id=self.state.new_id(),
            channel_id=record.channel_id,
            guild=guild,
            author=self._bot_author(guild),
            body=body,
            attachments=self._attachments(body, files),
            message_type=20 if record.type == 2 else 19,
        )
        if loading:
            payload["flags"] = LOADING | (payload["flags"] & EPHEMERAL)
        app_id = str(self.state.world.application_id)
        user = record.payload.get("member", {}).get("user") or record.payload.get("user")
        metadata: JSON = {"id": str(record.id), "type": record.type, "user": user}
        if record.guild_id:
            metadata["authorizing_integration_owners"] = {"0": str(record.guild_id)}
        payload.update(webhook_id=app_id, application_id=app_id, interaction_metadata=metadata)
        return self.state.add_message(payload, "interaction", record.id)

    async def callback(self, request: web.Request) -> web.Response:
        record = self.state.interactions.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            return error_response(404, "Unknown interaction", 10062)
        if record.callbacks:
            return error_response(400, "Interaction has already been acknowledged.", 40060)
        body, files = body_of(request), files_of(request)
        ctype, data = int(body.get("type", 0)), dict(body.get("data") or {})
        if (reason := invalid_body(data)) is not None:
            return form_error(reason)
        message: FakeMessage | None = None
        if ctype in MESSAGE_CALLBACKS:
            message = self._interaction_message(record, data, files, loading=ctype == 5)
            record.original_message_id = message.id
            record.pending_defer = ctype == 5
            await self._echo("MESSAGE_CREATE", message)
        elif ctype in UPDATE_CALLBACKS and record.original_message_id is not None:
            message = self.state.messages.get(record.original_message_id)
            if ctype == 7 and message is not None:
                await self._apply_edit(message, data, files)
        callback = InteractionCallback(self.state.tick(), record.id, ctype, data, message, files)
        self.state.add_callback(record, callback)
        interaction: JSON = {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": ctype == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        }
        reply: JSON = {"interaction": interaction}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            if ctype != 6:
                reply["resource"] = {"type": ctype, "message": message.payload}
        return json_response(reply)

    def _record_for(self, request: web.Request) -> InteractionRecord | None:
        if request.match_info["app_id"] != str(self.state.world.application_id):
            return None
        return self.state.interaction_by_token(request.match_info["token"])

    async def followup(self, request: web.Request) -> web.Response:
        record = self._record_for(request)
        if record is None:
            return error_response(404, "Unknown Webhook", 10015)
        if not record.callbacks:
            return error_response(404, "Unknown Webhook (interaction not acknowledged yet)", 10015)
        body, files = body_of(request), files_of(request)
        if (reason := invalid_body(body)) is not None:
            return form_error(reason)
        original = self.state.messages.get(record.original_message_id or 0)
        if record.pending_defer and original is not None:
            # The first followup after a type-5 defer fills in the loading message,
            # keeping the defer's ephemerality.
            record.pending_defer = False
            return await self._apply_edit(original, body, files)
        message = self._interaction_message(record, body, files)
        record.followup_ids.append(message.id)
        await self._echo("MESSAGE_CREATE", message)
        return json_response(message.payload)

    def _webhook_message(
        self, request: web.Request
    ) -> tuple[InteractionRecord | None, FakeMessage | None]:
        record = self._record_for(request)
        if record is None:
            return None, None
        raw = request.match_info["message_id"]
        mid = (
            record.original_message_id
            if raw == "@original"
            else int(raw)
            if raw.isdigit()
            else None
        )
        message = self.state.messages.get(mid or 0)
        return record, None if message is None or message.deleted else message

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        if message is None:
            return error_response(404, "Unknown Message", 10008)
        return json_response(message.payload)

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record, message = self._webhook_message(request)
        if record is None or message is None:
            return error_response(404, "Unknown Message", 10008)
        if message.id == record.original_message_id:
            record.pending_defer = False
        return await self._apply_edit(message, body_of(request), files_of(request))

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        if message is None:
            return error_response(404, "Unknown Message", 10008)
        return await self._delete(message)
