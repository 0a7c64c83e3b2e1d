"""Fixtures for end-to-end tests against the loopback Discord.

``fake_discord`` yields a started :class:`~tests.fakediscord.FakeDiscord`
(discord.py already pointed at it); start bots with
``await fake_discord.start_bot(bot)``, they are stopped at teardown. Override
``fake_world`` in a test module to change guilds, channels or people.

At teardown the fixture fails the test if the bot called a route the fake does
not implement, or if a fake handler crashed: extend the fake rather than
ignoring it (or clear ``fake_discord.unknown_requests`` in a test that means it).

``study`` is the real study bot connected to the fake, with its quiz engine on a
:class:`VirtualClock` (``await study.clock.advance(seconds)``) and a seeded RNG;
:class:`Study` has helpers to start and play rounds, and the functions below read
what the bot posted (``wait_for_embed``, ``fields_of``, ``scorers_of``...).
"""

# Waiters take ``timeout=`` (seconds) like the fake's own: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
from pydantic import SecretStr

from bot.cli import load_knowledge
from bot.config import Settings
from bot.guild_decks import GuildDecks
from bot.judge import judge
from bot.knowledge import Knowledge
from bot.quiz import Round, VirtualClock
from bot.services import Services
from bot.store import Store
from cogs.app import StudyBot
from tests.fakediscord import FakeDiscord, FakeMessage, FakeWorld
from tests.fakediscord.payloads import JSON


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


# -- the study bot itself, against the fake ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]

#: A two-fact deck a teacher can import (valid: every field inside the limits).
BIOLOGY = """\
name: biology
title: "Plants"
source: "Biology reader, chapter 3"
facts:
  - id: plant-gas
    question: "Which gas do plants take in from the air for photosynthesis?"
    answer: "carbon dioxide"
    aliases: ["CO2"]
    explanation: "Plants take in carbon dioxide and give off oxygen."
    source: {section: "Photosynthesis", paragraph: 2}
    topic: [plants]
    choices: ["oxygen", "nitrogen", "helium"]
    ask: ["what gas do plants take in", "photosynthesis gas"]

  - id: plant-pigment
    question: "Which green pigment captures light in a leaf?"
    answer: "chlorophyll"
    explanation: "Chlorophyll absorbs red and blue light and reflects green."
    source: {section: "Photosynthesis", paragraph: 3}
    topic: [plants]
    choices: ["carotene", "melanin", "haemoglobin"]
"""

GRACE = 3.0  # RoundConfig defaults: a typed question closes 3 s after its first right answer
PAUSE = 3.0  # and the next one opens 3 s after the reveal


class LoopbackStudyBot(StudyBot):
    """The real study bot; only the 5 s pause before re-IDENTIFY is skipped."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@dataclass
class Study:
    """A running study bot, the fake Discord it talks to, and the quiz clock tests move."""

    bot: LoopbackStudyBot
    fake: FakeDiscord
    clock: VirtualClock
    services: Services

    def round_in(self, channel: str = "quiz") -> Round:
        """The round running in ``channel`` (fails the test if there is none)."""
        rnd = self.bot.engine.running(self.fake.channel_id(channel))
        assert rnd is not None, f"no round is running in #{channel}"
        return rnd

    def answer_now(self, channel: str = "quiz") -> str:
        """The right answer to the question open in ``channel``."""
        question = self.round_in(channel).question
        assert question is not None, f"no question is open in #{channel}"
        return question.entry.fact.answer

    async def start_quiz(
        self, user: str = "alice", channel: str = "quiz", **options: Any
    ) -> FakeMessage:
        """``/quiz start`` with ``options``; returns the first question once it is posted."""
        since = self.fake.mark()
        reply = await (
            await self.fake.slash("quiz start", options, user=user, channel=channel)
        ).response()
        assert not reply.ephemeral, f"/quiz start was refused: {reply.content}"
        return await wait_for_embed(self.fake, channel, "Question 1/", since=since)

    async def play_typed_round(
        self, scorers: Sequence[Sequence[str]], *, starter: str = "alice", seconds: int = 20
    ) -> Counter[str]:
        """Play a typed round in #quiz: for question ``n``, the members in ``scorers[n]``
        type the right answer, one virtual second apart (at most three, within the grace
        period); nobody answers when the list is empty. Returns the points the reveals
        announced, by member name. Two empty lists in a row end the round early (idle)."""
        fake, clock = self.fake, self.clock
        started = fake.mark()
        await self.start_quiz(starter, questions=len(scorers), seconds=seconds, mode="typed")
        announced: Counter[str] = Counter()
        for number, players in enumerate(scorers, start=1):
            since = fake.mark()
            answer = self.answer_now()
            for i, who in enumerate(players):
                if i:
                    await clock.advance(1)
                typed = await fake.send_message("quiz", who, answer)
                await fake.wait_for_reaction(typed, "✅")
            await clock.advance(GRACE - len(players) + 1 if players else seconds)
            reveal = await wait_for_embed(fake, "quiz", f"Answer to question {number}", since=since)
            announced.update(dict(scorers_of(reveal)))
            if number < len(scorers):
                await clock.advance(PAUSE)
                await wait_for_embed(fake, "quiz", f"Question {number + 1}/", since=since)
        await wait_for_embed(fake, "quiz", "Round over!", since=started)
        return announced


@pytest.fixture(scope="session")
def shipped_knowledge() -> Knowledge:
    return load_knowledge(ROOT / "data" / "decks")


@pytest.fixture
async def services(tmp_path: Path, shipped_knowledge: Knowledge) -> AsyncIterator[Services]:
    settings = Settings(
        discord_token=SecretStr("fake-token"),
        database_path=tmp_path / "study_bot.db",
        decks_path=ROOT / "data" / "decks",
    )
    knowledge = Knowledge(shipped_knowledge.shipped)  # guild decks stay per test
    store = await Store.open(settings.database_path)
    try:
        yield Services(settings, knowledge, store, GuildDecks(knowledge, store), VirtualClock())
    finally:
        await store.close()


@pytest.fixture
async def study(fake_discord: FakeDiscord, services: Services) -> AsyncIterator[Study]:
    clock = services.clock
    assert isinstance(clock, VirtualClock)
    bot = LoopbackStudyBot(services, guild_ready_timeout=0.05)
    await fake_discord.start_bot(bot)
    guild = discord.Object(fake_discord.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    clock.expect = lambda: len(bot.engine.channels)
    bot.engine.rng = random.Random(1950)  # the same questions every run: failures reproduce
    yield Study(bot, fake_discord, clock, services)
    await fake_discord.stop_bot(bot)  # while the store is open: running rounds end cleanly


# -- reading what the bot posted ---------------------------------------------------------------


def embed_of(message: FakeMessage) -> JSON:
    """The message's only embed."""
    assert len(message.embeds) == 1, f"expected one embed: {message.payload}"
    return message.embeds[0]


def fields_of(embed: JSON) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def wait_for_embed(
    fake: FakeDiscord, channel: str, title: str, *, since: int = 0, timeout: float = 5.0
) -> FakeMessage:
    """The first public bot message in ``channel`` after ``since`` whose embed title starts
    with ``title``."""

    def titled(m: FakeMessage) -> bool:
        return not m.ephemeral and any(str(e.get("title", "")).startswith(title) for e in m.embeds)

    return await fake.wait_for_message(channel, titled, since=since, timeout=timeout)


async def eventually(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    """Wait until ``check()`` holds, for state the fake does not record (the bot's own)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.005)


def scorers_of(reveal: FakeMessage) -> list[tuple[str, int]]:
    """``[(name, points)]`` from a reveal's "Scored" field ("alice +95, bob +32")."""
    scored = fields_of(embed_of(reveal))["Scored"]
    if scored == "Nobody got this one.":
        return []
    return [(name, int(points)) for name, points in re.findall(r"(.+?) \+(\d+)(?:, |$)", scored)]


def _misspellings(answer: str) -> Iterator[str]:
    words = answer.split(" ")
    for i in sorted(range(len(words)), key=lambda i: -len(words[i])):
        if words[i][-1:].isalpha():
            for extra in (2, 3):
                yield " ".join([*words[:i], words[i] + words[i][-1] * extra, *words[i + 1 :]])


def near_miss(answer: str, answers: Sequence[str]) -> str:
    """A misspelling of ``answer`` that the judge calls close but wrong."""
    for attempt in _misspellings(answer):
        verdict = judge(attempt, answers)
        if verdict.near_miss and not verdict.accepted:
            return attempt
    raise AssertionError(f"no near miss for {answer!r} (a number?): change the RNG seed")
