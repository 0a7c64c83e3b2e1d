r"""A loopback Discord (REST API + gateway) for end-to-end tests of the real,
unpatched discord.py client.

Start with :class:`FakeDiscord` (or the ``fake_discord`` fixture in
``tests/e2e/conftest.py``); describe people and places with the :mod:`.models`
dataclasses; inspect what the bot did through :mod:`.records`::

    async def test_ping(fake_discord: FakeDiscord) -> None:
        await fake_discord.start_bot(MyBot())            # pass guild_ready_timeout=0.05
        ix = await fake_discord.slash("ping", {"text": "hi"}, user="alice")
        reply = await ix.response()
        assert reply.ephemeral and reply.content == "pong: hi"

        hello = await fake_discord.send_message("general", "bob", "hello")
        await fake_discord.wait_for_reaction(hello, "✅")

        fake_discord.fail_next("POST", r"/channels/\d+/messages", 429, retry_after=0.1)
        await fake_discord.reconnect()                   # op 7, waits for RESUMED
"""

from .gateway import Gateway, GatewaySession
from .interactions import FakeAttachment
from .models import (
    CATEGORY_CHANNEL,
    DM_CHANNEL,
    TEXT_CHANNEL,
    VOICE_CHANNEL,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeOverwrite,
    FakeRole,
    FakeUser,
    FakeWorld,
    class_guild,
    perms,
)
from .payloads import EPHEMERAL
from .records import (
    FakeMessage,
    GatewayFrame,
    InteractionCallback,
    InteractionRecord,
    RecordedRequest,
    UploadedFile,
)
from .server import FakeDiscord
from .users import InteractionHandle

__all__ = [
    "CATEGORY_CHANNEL",
    "DM_CHANNEL",
    "EPHEMERAL",
    "TEXT_CHANNEL",
    "VOICE_CHANNEL",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeMember",
    "FakeMessage",
    "FakeOverwrite",
    "FakeRole",
    "FakeUser",
    "FakeWorld",
    "Gateway",
    "GatewayFrame",
    "GatewaySession",
    "InteractionCallback",
    "InteractionHandle",
    "InteractionRecord",
    "RecordedRequest",
    "UploadedFile",
    "class_guild",
    "perms",
]
