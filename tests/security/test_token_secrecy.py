"""The bot token never leaks: not into any log line at DEBUG level (ours or discord.py's), not
into anything the bot sends. It may only appear where Discord needs it: the Authorization
header of REST requests and the IDENTIFY / RESUME frames of the gateway.

The real study bot runs against the loopback Discord with a recognisable token, through
commands, a typed round, a deck import, an unexpected error, a rate limit and a reconnect.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.knowledge import Knowledge
from bot.quiz import VirtualClock
from bot.services import Services
from bot.store import Store
from cogs.components import SOMETHING_WENT_WRONG
from tests.e2e.conftest import ROOT, LoopbackStudyBot, Study
from tests.fakediscord import FakeDiscord
from tests.security.actors import BIOLOGY, import_deck

pytestmark = pytest.mark.e2e

# Shaped like a real token (id . timestamp . HMAC) so that nothing special-cases it.
TOKEN = "MTE5MTE2ODkxNDIyNzIwMDA2OQ.GsEcRt.sEcReT-tOkEn-0f-tHe-StUdY-bOt_9x8y7z"
SECRET_PART = "sEcReT-tOkEn-0f-tHe-StUdY-bOt_9x8y7z"
IDENTIFY, RESUME = 2, 6


@pytest.fixture
async def secret_study(
    fake_discord: FakeDiscord,
    tmp_path: Path,
    shipped_knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Study]:
    """The study bot logged in with ``TOKEN``, every logger at DEBUG from before it starts."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="discord")
    settings = Settings(
        discord_token=SecretStr(TOKEN),
        database_path=tmp_path / "study_bot.db",
        decks_path=ROOT / "data" / "decks",
        log_level="DEBUG",
    )
    logging.getLogger("study_bot").debug("settings: %r / %s", settings, settings)
    knowledge = Knowledge(shipped_knowledge.shipped)
    store = await Store.open(settings.database_path)
    clock = VirtualClock()
    services = Services(settings, knowledge, store, GuildDecks(knowledge, store), clock)
    bot = LoopbackStudyBot(services, guild_ready_timeout=0.05)
    try:
        await fake_discord.start_bot(bot, token=TOKEN)
        guild = discord.Object(fake_discord.guild.id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        clock.expect = lambda: len(bot.engine.channels)
        bot.engine.rng = random.Random(1950)
        yield Study(bot, fake_discord, clock, services)
        await fake_discord.stop_bot(bot)
    finally:
        await store.close()


def leaks(value: object) -> bool:
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return SECRET_PART in text


async def test_the_token_never_appears_in_logs_or_in_what_the_bot_sends(
    secret_study: Study, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = secret_study
    fake = study.fake
    await (await fake.slash("ask", {"question": "when did the war start"}, user="alice")).response()
    added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck")
    await (await fake.slash("settings", {"seconds": 30}, user="teacher")).response()
    fake.fail_next("POST", r"/channels/\d+/messages", 429, retry_after=0.05)
    await study.play_typed_round([["alice", "bob"], ["carol"]])
    await (await fake.slash("leaderboard", user="carol")).response()

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the store is on fire")

    monkeypatch.setattr(study.services.store, "student_stats", broken)
    failed = await (await fake.slash("stats", user="bob")).response()
    assert failed.content == SOMETHING_WENT_WRONG
    await fake.reconnect()
    await (await fake.slash("ask", {"question": "who led north korea"}, user="bob")).response()

    # Logs: every record at every level, its message, arguments and traceback.
    assert len(caplog.records) > 50, "DEBUG logging was not captured"
    assert any(r.name.startswith("discord.") and r.levelno == logging.DEBUG for r in caplog.records)
    assert any(r.exc_info for r in caplog.records), "the error path was not logged"
    assert TOKEN not in caplog.text and not leaks(caplog.text)
    for record in caplog.records:
        shown = logging.Formatter("%(message)s").format(record)  # includes the traceback
        assert not leaks(shown), f"{record.name}: {shown[:300]}"
        assert not leaks(repr(record.args)), record.name

    # REST: the token is in the Authorization header of the bot's own requests (interaction
    # callbacks and webhooks authenticate with the interaction token), and nowhere else.
    webhook = r"/(interactions|webhooks)/.*"
    own = [r for r in fake.requests if not r.matches(None, webhook)]
    assert own and all(r.headers.get("Authorization") == f"Bot {TOKEN}" for r in own)
    for r in fake.requests:
        if r.matches(None, webhook):
            assert "Authorization" not in r.headers, f"{r.method} {r.path}"
        others = {k: v for k, v in r.headers.items() if k != "Authorization"}
        assert not leaks(others), f"{r.method} {r.path} headers"
        assert not leaks(r.path) and not leaks(r.query), f"{r.method} {r.path}"
        assert not leaks(r.json), f"{r.method} {r.path} body"
        assert not [f.filename for f in r.files if SECRET_PART.encode() in f.data]

    # Gateway: only IDENTIFY and RESUME carry it, in their token field.
    frames = [f for f in fake.gateway.frames if f.direction == "recv"]
    logins = [f for f in frames if f.op in (IDENTIFY, RESUME)]
    assert {f.op for f in logins} == {IDENTIFY, RESUME}
    assert all(f.d["token"] == TOKEN for f in logins)
    for frame in frames:
        rest = {k: v for k, v in frame.d.items() if k != "token"} if frame in logins else frame.d
        assert not leaks(rest), f"gateway op {frame.op}"
    sent = [f for f in fake.gateway.frames if f.direction == "send"]
    assert not [f.op for f in sent if leaks(f.d)]

    # Messages the bot posted (the fake's view of them, edits included).
    for message in fake.state.messages.values():
        assert not leaks(message.payload) and not leaks(message.history)


def test_settings_never_show_the_token() -> None:
    settings = Settings(discord_token=SecretStr(TOKEN))
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert not leaks(shown)
