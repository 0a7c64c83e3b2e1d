"""Builders for INTERACTION_CREATE payloads (slash commands, autocomplete,
component clicks, modal submits) as a Discord client would cause them.

Option types come from the command the bot synced, when there is one; otherwise
they are inferred from the Python value (``str`` 3, ``int`` 4, ``bool`` 5,
``float`` 10, member/user 6, channel 7, role 8, :class:`FakeAttachment` 11).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import DM_CHANNEL, FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser
from .payloads import (
    ATTACHMENT_SIZE_LIMIT,
    JSON,
    channel_payload,
    channel_permissions,
    member_payload,
    role_payload,
    user_payload,
)
from .records import FakeMessage, InteractionRecord
from .state import FakeState

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


@dataclass(frozen=True)
class FakeAttachment:
    """A file a simulated user attaches (slash-command option or message)."""

    filename: str
    data: bytes
    content_type: str | None = None


def infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    if isinstance(value, FakeMember | FakeUser):
        return 6
    if isinstance(value, FakeChannel):
        return 7
    if isinstance(value, FakeRole):
        return 8
    if isinstance(value, FakeAttachment):
        return 11
    return 3


def schema_options(command: JSON | None, path: Sequence[str]) -> list[JSON]:
    """The declared options at the end of the subcommand ``path`` of ``command``."""
    options: list[JSON] = list((command or {}).get("options") or [])
    for name in path[1:]:
        sub = next((o for o in options if o.get("name") == name), None)
        options = list((sub or {}).get("options") or [])
    return options


def _by_name(guild: FakeGuild, kind: int, name: str) -> Any:
    """The member (option type 6), channel (7), role (8) or either (9) called ``name``."""
    finders: dict[int, tuple[Any, ...]] = {
        6: (guild.member,),
        7: (guild.channel,),
        8: (guild.role,),
        9: (guild.member, guild.role),
    }
    if kind not in finders:
        return name
    for find in finders[kind]:
        try:
            return find(name)
        except KeyError:
            continue
    raise KeyError(f"option type {kind}: nothing called {name!r} in guild {guild.name!r}")


class InteractionBuilder:
    """Creates :class:`InteractionRecord` objects (and their payloads) in ``state``."""

    def __init__(self, state: FakeState) -> None:
        self.state = state

    # -- the envelope --------------------------------------------------------------
    def create(
        self,
        kind: int,
        data: JSON,
        *,
        guild: FakeGuild | None,
        channel: FakeChannel,
        user: FakeMember,
        message: FakeMessage | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Register and return an interaction of type ``kind`` (2, 3, 4 or 5)."""
        state = self.state
        iid = state.new_id()
        payload: JSON = {
            "id": str(iid),
            "application_id": str(state.world.application_id),
            "type": kind,
            "data": data,
            "token": f"fake-{iid}-{uuid.uuid4().hex}",
            "version": 1,
            "channel_id": str(channel.id),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None and channel.type != DM_CHANNEL:
            bot = guild.get_member(state.world.bot_user.id)
            member = member_payload(guild, user, with_permissions=True, channel=channel)
            app_perms = channel_permissions(guild, bot, channel) if bot is not None else 0
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                guild_locale=guild.locale,
                member=member,
                channel=channel_payload(channel) | {"permissions": member["permissions"]},
                app_permissions=str(app_perms),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            guild = None
            recipient = channel_payload(channel) | {"recipients": [user_payload(user)]}
            payload.update(
                user=user_payload(user),
                channel=recipient,
                app_permissions="0",
                authorizing_integration_owners={"1": str(user.id)},
                context=1,
            )
        if message is not None:
            payload["message"] = message.payload
        record = InteractionRecord(
            id=iid,
            token=payload["token"],
            type=kind,
            payload=payload,
            channel_id=channel.id,
            guild_id=guild.id if guild is not None else None,
            user_id=user.id,
            original_message_id=message.id if message is not None else None,
        )
        state.interactions[iid] = record
        return record

    # -- application commands ------------------------------------------------------
    def command_data(
        self,
        path: Sequence[str],
        options: Mapping[str, Any] | Sequence[JSON] | None,
        guild: FakeGuild | None,
        *,
        focused: str | None = None,
        guild_command: bool | None = None,
    ) -> JSON:
        """``data`` of a CHAT_INPUT interaction for ``path`` (e.g. ``("quiz", "start")``).

        ``guild_command=None`` sends ``data.guild_id`` exactly when the bot synced
        ``path[0]`` as a guild command of ``guild``; pass ``True`` for guild commands
        the bot registered in its tree but did not sync.
        """
        gid = guild.id if guild is not None else None
        command = self.state.find_command(path[0], gid)
        resolved: JSON = {}
        if options is None:
            built: list[JSON] = []
        elif isinstance(options, Mapping):
            schema = schema_options(command, path)
            built = [self._option(n, v, schema, resolved, guild) for n, v in options.items()]
        else:
            built = [dict(o) for o in options]
        if focused is not None:
            for option in built:
                if option["name"] == focused:
                    option["focused"] = True
        for depth in range(len(path) - 1, 0, -1):
            kind = SUB_COMMAND if depth == len(path) - 1 else SUB_COMMAND_GROUP
            built = [{"type": kind, "name": path[depth], "options": built}]
        data: JSON = {
            "id": command["id"] if command else str(self.state.new_id()),
            "name": path[0],
            "type": 1,
            "options": built,
        }
        if resolved:
            data["resolved"] = resolved
        is_guild = command is not None and "guild_id" in command
        if gid is not None and (guild_command or (guild_command is None and is_guild)):
            data["guild_id"] = str(gid)
        return data

    def _option(
        self, name: str, value: Any, schema: list[JSON], resolved: JSON, guild: FakeGuild | None
    ) -> JSON:
        declared = next((o for o in schema if o.get("name") == name), None)
        kind = int(declared["type"]) if declared else infer_option_type(value)
        if kind in (6, 7, 8, 9, 11):
            value = self._resolve(kind, value, resolved, guild)
        elif kind == 10 and isinstance(value, int | float):
            value = float(value)
        return {"name": name, "type": kind, "value": value}

    def _resolve(self, kind: int, value: Any, resolved: JSON, guild: FakeGuild | None) -> str:
        """Fill ``resolved`` for a snowflake option and return the id string. A member,
        channel or role may also be given by name (``"alice"``, ``"quiz"``, ``"Teacher"``)."""
        if isinstance(value, str) and not value.isdigit() and guild is not None:
            value = _by_name(guild, kind, value)
        if isinstance(value, int) and guild is not None:
            value = (
                guild.get_member(value)
                or guild.get_channel(value)
                or next((r for r in guild.roles if r.id == value), value)
            )
        if isinstance(value, FakeMember | FakeUser):
            resolved.setdefault("users", {})[str(value.id)] = user_payload(value)
            if isinstance(value, FakeMember) and guild is not None:
                member = member_payload(guild, value, with_user=False, with_permissions=True)
                resolved.setdefault("members", {})[str(value.id)] = member
        elif isinstance(value, FakeRole):
            resolved.setdefault("roles", {})[str(value.id)] = role_payload(value)
        elif isinstance(value, FakeChannel):
            data = channel_payload(value) | {"permissions": str(0)}
            resolved.setdefault("channels", {})[str(value.id)] = data
        elif isinstance(value, FakeAttachment):
            att = self.state.store_blob(value.filename, value.data, value.content_type)
            resolved.setdefault("attachments", {})[att["id"]] = att
            return str(att["id"])
        return str(getattr(value, "id", value))

    # -- components and modals -----------------------------------------------------
    @staticmethod
    def component_data(
        custom_id: str, component_type: int = 2, values: Sequence[str] | None = None
    ) -> JSON:
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None or component_type != 2:
            data["values"] = list(values or [])
        return data

    @staticmethod
    def modal_data(modal: JSON, values: Mapping[str, str]) -> JSON:
        """MODAL_SUBMIT ``data`` for the modal definition ``modal`` (a type-9
        callback's data). ``values`` maps a text input's label or custom_id to the
        text typed in."""

        def fill(component: JSON) -> JSON | None:
            if component.get("type") == 4:
                label, cid = component.get("label"), component["custom_id"]
                value = values.get(cid, values.get(str(label), ""))
                return {"type": 4, "custom_id": cid, "value": value}
            if component.get("type") == 18 and isinstance(component.get("component"), dict):
                inner = dict(component["component"])
                inner.setdefault("label", component.get("label"))
                filled = fill(inner)
                return None if filled is None else {"type": 18, "component": filled}
            if component.get("type") == 1:
                row = [f for c in component.get("components", []) if (f := fill(c)) is not None]
                return {"type": 1, "components": row}
            return None

        parts = [f for c in modal.get("components", []) if (f := fill(c)) is not None]
        return {"custom_id": modal["custom_id"], "components": parts}
