"""Fixtures for end-to-end tests against the loopback Discord.

``fake_discord`` yields a started :class:`~tests.fakediscord.FakeDiscord`
(discord.py already pointed at it); start bots with
``await fake_discord.start_bot(bot)``, they are stopped at teardown. Override
``fake_world`` in a test module to change guilds, channels or people.

At teardown the fixture fails the test if the bot called a route the fake does
not implement, or if a fake handler crashed: extend the fake rather than
ignoring it (or clear ``fake_discord.unknown_requests`` in a test that means it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakediscord import FakeDiscord, FakeWorld


@pytest.fixture
def fake_world() -> FakeWorld:
    """The default world: one class guild "Study Hall" (see ``class_guild``)."""
    return FakeWorld.default()


@pytest.fixture
async def fake_discord(fake_world: FakeWorld) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord; stops bots and restores discord.py afterwards."""
    fake = FakeDiscord(fake_world)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    unknown = [f"{r.method} {r.path}" for r in fake.unknown_requests]
    assert not unknown, f"the bot used routes fakediscord does not implement: {unknown}"
    assert not fake.errors, "fakediscord handlers crashed:\n" + "\n".join(fake.errors)
