"""Text people wrote never pings anyone: '@everyone', '@here' and role mentions in names,
answers and questions are shown (escaped), and every message goes out with no mentions
allowed."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Study, embed_of, scorers_of, wait_for_embed
from tests.fakediscord import EPHEMERAL, FakeDiscord, FakeMember, FakeWorld, RecordedRequest
from tests.fakediscord.payloads import JSON

pytestmark = pytest.mark.e2e

ZWSP = "\u200b"
PINGS = ("@everyone", "@here", "<@&", "<@")


@pytest.fixture
def fake_world() -> FakeWorld:
    """The class guild plus two members whose display names try to ping."""
    world = FakeWorld.default()
    guild = world.guilds[0]
    teachers = guild.role("Teacher")
    guild.add_member(FakeMember("eve", global_name="@everyone"))
    guild.add_member(FakeMember("mallory", global_name=f"{teachers.mention} @here"))
    return world


def message_bodies(fake: FakeDiscord) -> list[tuple[RecordedRequest, JSON]]:
    """Every message (or message edit) the bot sent, with the body that carries it."""
    found: list[tuple[RecordedRequest, JSON]] = []
    for r in fake.requests:
        if r.status >= 400 or not isinstance(r.json, dict):
            continue
        if r.matches("POST", r"/interactions/\d+/[^/]+/callback"):
            if r.json.get("type") in (4, 7):
                found.append((r, r.json.get("data") or {}))
        elif r.matches("POST", r"/channels/\d+/messages|/webhooks/\d+/[^/]+") or r.matches(
            "PATCH", r"/channels/\d+/messages/\d+|/webhooks/\d+/[^/]+/messages/[^/]+"
        ):
            found.append((r, r.json))
    return found


def assert_nothing_can_ping(fake: FakeDiscord) -> None:
    bodies = [(r, b) for r, b in message_bodies(fake) if b.get("content") or b.get("embeds")]
    assert bodies, "the bot sent no messages"
    for request, body in bodies:
        allowed = body.get("allowed_mentions")
        assert allowed is not None, f"{request.method} {request.path}: no allowed_mentions"
        assert (
            allowed.get("parse") == [] and not allowed.get("users") and not allowed.get("roles")
        ), f"{request.method} {request.path} may ping: {allowed}"
        raw = str(body.get("content") or "")
        public = not int(body.get("flags") or 0) & EPHEMERAL
        assert not (public and any(p in raw for p in PINGS)), f"unescaped mention in {raw!r}"


def shown(text: str) -> str:
    """What a reader sees: the zero-width spaces that break mentions are invisible."""
    return text.replace(ZWSP, "").replace("\\", "")


async def test_ask_shows_an_everyone_question_without_pinging(study: Study) -> None:
    question = "@everyone when did the korean war start"
    reply = await (await study.fake.slash("ask", {"question": question}, user="eve")).response()

    assert not reply.ephemeral
    title = reply.embeds[0]["title"]
    assert "@everyone" not in title and shown(title) == question
    assert_nothing_can_ping(study.fake)


async def test_round_with_pinging_names_and_answers_pings_nobody(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(user="mallory", questions=1, seconds=20, mode="typed")
    await fake.send_message("quiz", "eve", "@everyone")
    right = await fake.send_message("quiz", "eve", study.answer_now())
    await fake.wait_for_reaction(right, "✅")
    await clock.advance(1)
    also = await fake.send_message("quiz", "mallory", study.answer_now())
    await fake.wait_for_reaction(also, "✅")
    await clock.advance(2)

    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    results = await wait_for_embed(fake, "quiz", "Round over!")
    mallory = f"{fake.guild.role('Teacher').mention} @here"
    assert [shown(name) for name, _ in scorers_of(reveal)] == ["@everyone", mallory]
    podium = embed_of(results)["description"]
    assert "@everyone" not in podium and "@everyone" in shown(podium)

    board = await (await fake.slash("leaderboard", user="alice")).response()
    assert "@everyone" in shown(board.embeds[0]["description"])
    assert "@everyone" not in board.embeds[0]["description"]
    stats = await (await fake.slash("stats", {"member": "mallory"}, user="alice")).response()
    assert shown(stats.embeds[0]["title"]) == f"Stats for {mallory}"
    nobody = await (await fake.slash("stats", {"member": "carol"}, user="eve")).response()
    assert nobody.content.endswith("has not answered any quiz questions yet.")
    assert_nothing_can_ping(fake)


async def test_refusals_that_echo_user_text_ping_nobody(study: Study) -> None:
    fake = study.fake
    topic = await (
        await fake.slash("quiz start", {"topic": "@everyone"}, user="eve", channel="quiz")
    ).response()
    assert topic.ephemeral and "no questions" in topic.content
    unknown = await (await fake.slash("deck remove", {"name": "@here"}, user="teacher")).response()
    assert unknown.ephemeral
    assert_nothing_can_ping(fake)
