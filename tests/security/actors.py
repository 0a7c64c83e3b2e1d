"""People and helpers shared by the security tests.

``classroom()`` is the class guild with one member per kind of authority, so that each
one can be tried on its own: nobody in it both owns the server and holds a teacher role.
"""

from __future__ import annotations

from tests.e2e.conftest import BIOLOGY as BIOLOGY  # re-exported for the security tests
from tests.e2e.conftest import Study
from tests.fakediscord import (
    FakeAttachment,
    FakeChannel,
    FakeMember,
    FakeRole,
    FakeWorld,
    InteractionCallback,
    InteractionHandle,
    perms,
)
from tests.fakediscord.users import ChannelRef, GuildRef

#: A role with no permissions at all; it makes its holder a teacher once /settings names it.
ASSISTANT_ROLE = "Teaching Assistant"


def classroom(guild_names: tuple[str, ...] = ("Study Hall",)) -> FakeWorld:
    """The default class guild(s), where in the first guild

    - ``teacher`` has the Teacher role (Manage Server) but no longer owns the server,
    - ``olga`` owns the server and has no role at all,
    - ``dana`` has only the permissionless "Teaching Assistant" role,
    - ``mona`` has Manage Server (a personal role) and no teacher role,
    - ``alice``, ``bob``, ``carol`` are students, as in the default world.
    """
    world = FakeWorld.default(guild_names)
    guild = world.guilds[0]
    guild.member("teacher").owner = False
    guild.add_member(FakeMember("olga", owner=True))
    assistant = guild.add_role(FakeRole(ASSISTANT_ROLE, position=1))
    guild.add_member(FakeMember("dana", roles=[assistant.id]))
    guild.add_member(FakeMember("mona", permissions=perms(manage_guild=True)))
    return world


def dm_with(study: Study, user: str) -> FakeChannel:
    """The direct-message channel between the bot and ``user``: interactions sent there
    carry no guild and no member, as on Discord."""
    return study.fake.state.dm_channel(study.fake.guild.member(user).id)


async def final_reply(ix: InteractionHandle) -> InteractionCallback:
    """The interaction's reply as the person finally sees it (a deferred reply filled in)."""
    reply = await ix.response()
    if reply.deferred:
        final = await ix.final_message()
        return InteractionCallback(final.seq, ix.id, 4, final.payload, final)
    return reply


async def import_deck(
    study: Study,
    user: str,
    filename: str,
    text: str | bytes,
    *,
    channel: ChannelRef = None,
    guild: GuildRef = None,
) -> InteractionCallback:
    """/deck import of ``text`` as ``filename``; the reply as ``user`` finally sees it."""
    data = text.encode() if isinstance(text, str) else text
    file = FakeAttachment(filename, data, "application/x-yaml")
    ix = await study.fake.slash(
        "deck import", {"file": file}, user=user, channel=channel, guild=guild
    )
    return await final_reply(ix)
