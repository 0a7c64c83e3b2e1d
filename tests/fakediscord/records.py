"""What the fake server records: requests, messages, interactions, gateway frames.

Every record carries ``seq``, a number from one clock shared by all records, so
that ``since=fake.mark()`` can select "things that happened after this point".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .payloads import EPHEMERAL, JSON, LOADING


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (``files[n]``)."""

    field_name: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it.

    ``path`` is relative to the API base (e.g. ``/channels/1/messages``); ``json``
    is the JSON body, or the ``payload_json`` part of a multipart body.
    """

    seq: int
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    timestamp: float
    status: int = 0
    #: ``True`` when the response came from :meth:`FakeDiscord.fail_next`.
    injected: bool = False
    #: The request headers as sent (``Authorization`` carries the bot token).
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str | None = None, path_regex: str | None = None) -> bool:
        """``method`` compares case-insensitively; ``path_regex`` must match the
        whole path (``re.fullmatch``)."""
        if method is not None and self.method.upper() != method.upper():
            return False
        return path_regex is None or re.fullmatch(path_regex, self.path) is not None


def walk_components(components: list[JSON]) -> Iterator[JSON]:
    """All components, depth first (action rows, sections, labels, containers...)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from walk_components([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield from walk_components([component["accessory"]])


@dataclass
class FakeMessage:
    """A message held by the fake, whoever created it (bot or simulated user).

    ``payload`` is the current Message object; ``history`` holds earlier versions
    (one per edit). ``reactions`` maps emoji (as in the URL, decoded) to user ids.
    """

    seq: int
    payload: JSON
    source: str
    interaction_id: int | None = None
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)
    reactions: dict[str, set[int]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def author_id(self) -> int:
        return int(self.payload["author"]["id"])

    @property
    def content(self) -> str:
        return str(self.payload.get("content", ""))

    @property
    def embeds(self) -> list[JSON]:
        return list(self.payload.get("embeds", []))

    @property
    def components(self) -> list[JSON]:
        return list(self.payload.get("components", []))

    @property
    def attachments(self) -> list[JSON]:
        return list(self.payload.get("attachments", []))

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags", 0))

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred ("is thinking...") response not yet filled in."""
        return bool(self.flags & LOADING)

    @property
    def edited(self) -> bool:
        return bool(self.history)

    def all_components(self) -> list[JSON]:
        return list(walk_components(self.components))

    def custom_ids(self) -> list[str]:
        """``custom_id`` of every interactive component, in display order."""
        return [c["custom_id"] for c in self.all_components() if "custom_id" in c]

    def button(self, label: str) -> JSON:
        """The button whose label is ``label`` (``KeyError`` if none)."""
        for component in self.all_components():
            if component.get("type") == 2 and component.get("label") == label:
                return component
        raise KeyError(f"no button {label!r} in message {self.id}: {self.components}")

    def text(self) -> str:
        """Content plus embed titles/descriptions/fields, for loose assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [str(embed.get(k, "")) for k in ("title", "description")]
            for f in embed.get("fields", []):
                parts += [str(f.get("name", "")), str(f.get("value", ""))]
            parts.append(str((embed.get("footer") or {}).get("text", "")))
        return "\n".join(p for p in parts if p)


@dataclass
class InteractionCallback:
    """One ``POST /interactions/{id}/{token}/callback``.

    ``type`` is the callback type (4 message, 5 deferred message, 6 deferred
    update, 7 update message, 8 autocomplete result, 9 modal). ``data`` is the
    body's ``data``; ``message`` is the message it created or updated, if any.
    """

    seq: int
    interaction_id: int
    type: int
    data: JSON
    message: FakeMessage | None
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[JSON]:
        return list(self.data.get("embeds") or [])

    @property
    def components(self) -> list[JSON]:
        return list(self.data.get("components") or [])

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (type 8): ``[{"name": ..., "value": ...}]``."""
        return list(self.data.get("choices") or [])

    @property
    def deferred(self) -> bool:
        return self.type in (5, 6)

    def text_inputs(self) -> dict[str, str]:
        """For a modal (type 9): label -> ``custom_id`` of each text input."""
        result: dict[str, str] = {}
        for component in walk_components(self.components):
            inner = component.get("component")
            if component.get("type") == 18 and isinstance(inner, dict) and inner.get("type") == 4:
                result[str(component.get("label"))] = inner["custom_id"]
            elif component.get("type") == 4 and "label" in component:
                result[str(component["label"])] = component["custom_id"]
        return result


@dataclass
class InteractionRecord:
    """An interaction the fake dispatched, and what the bot did with it."""

    id: int
    token: str
    type: int
    payload: JSON
    channel_id: int
    guild_id: int | None
    user_id: int
    callbacks: list[InteractionCallback] = field(default_factory=list)
    #: The message ``@original`` refers to (response message, or the component's message).
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    #: A type-5 defer whose first followup will fill in the loading message.
    pending_defer: bool = False


@dataclass
class Fault:
    """An error to return instead of handling the next matching request(s)."""

    method: str
    path_regex: str
    status: int
    count: int
    retry_after: float
    body: JSON

    def matches(self, method: str, path: str) -> bool:
        return (
            method.upper() == self.method.upper()
            and re.fullmatch(self.path_regex, path) is not None
        )


@dataclass(frozen=True)
class GatewayFrame:
    """One frame on a gateway socket. ``direction`` is ``"recv"`` (from the bot)
    or ``"send"`` (to the bot)."""

    seq: int
    direction: str
    connection: int
    op: int
    t: str | None
    d: Any
    timestamp: float
