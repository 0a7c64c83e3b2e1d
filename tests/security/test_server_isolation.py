"""Two class servers share one bot and nothing else: decks, settings, rounds, leaderboards and
stats of "Class A" never show up in, or can be changed from, "Class B" (and the other way).

Both servers have channels called #general and #quiz, so channels are passed as objects.
dana and the teacher of A are also members of B, where they are plain students.
"""

from __future__ import annotations

import re
from collections import Counter

import discord
import pytest

from tests.e2e.conftest import GRACE, Study, scorers_of, wait_for_embed
from tests.fakediscord import FakeChannel, FakeGuild, FakeMember, FakeWorld, InteractionCallback
from tests.fakediscord.payloads import JSON
from tests.security.actors import ASSISTANT_ROLE, BIOLOGY, classroom, import_deck

pytestmark = pytest.mark.e2e

PLANT_QUESTION = "what gas do plants take in"


@pytest.fixture
def fake_world() -> FakeWorld:
    world = classroom(("Class A", "Class B"))
    a, b = world.guilds
    for name in ("dana", "teacher"):  # the same people, without any role, in B
        b.add_member(FakeMember(name, id=a.member(name).id))
    return world


@pytest.fixture
async def study_ab(study: Study) -> Study:
    """The study bot with its commands synced to B as well (the fixture syncs A)."""
    guild = discord.Object(study.fake.world.guilds[1].id)
    study.bot.tree.copy_global_to(guild=guild)
    await study.bot.tree.sync(guild=guild)
    return study


def guilds(study: Study) -> tuple[FakeGuild, FakeGuild]:
    a, b = study.fake.world.guilds
    return a, b


async def slash_in(
    study: Study,
    guild: FakeGuild,
    command: str,
    user: str,
    channel: str = "general",
    **options: object,
) -> InteractionCallback:
    """``command`` with ``options`` by ``user`` in ``guild``'s ``channel``; the reply."""
    ix = await study.fake.slash(command, options, user=user, channel=guild.channel(channel))
    return await ix.response()


async def play_one_question(
    study: Study, quiz: FakeChannel, starter: str, scorers: list[str]
) -> Counter[str]:
    """A one-question typed round in ``quiz``; ``scorers`` type the right answer in turn."""
    fake, clock = study.fake, study.clock
    since = fake.mark()
    reply = await (
        await fake.slash("quiz start", {"questions": 1, "seconds": 20}, user=starter, channel=quiz)
    ).response()
    assert not reply.ephemeral, reply.content
    await wait_for_embed(fake, quiz, "Question 1/1", since=since)
    rnd = study.bot.engine.running(quiz.id)
    assert rnd is not None and rnd.question is not None
    answer = rnd.question.entry.fact.answer
    for i, who in enumerate(scorers):
        if i:
            await clock.advance(1)
        typed = await fake.send_message(quiz, who, answer)
        await fake.wait_for_reaction(typed, "✅")
    await clock.advance(GRACE - len(scorers) + 1 if scorers else 20)
    reveal = await wait_for_embed(fake, quiz, "Answer to question 1", since=since)
    await wait_for_embed(fake, quiz, "Round over!", since=since)
    return Counter(dict(scorers_of(reveal)))


def leaderboard_names(reply_embed: JSON) -> set[str]:
    rows = str(reply_embed.get("description", ""))
    return set(re.findall(r"\*\*\d+\.\*\* (.+?) — ", rows))


async def test_a_deck_imported_in_a_is_invisible_and_untouchable_in_b(study_ab: Study) -> None:
    study = study_ab
    fake, store = study.fake, study.services.store
    a, b = guilds(study)
    added = await import_deck(
        study, "teacher", "biology.yaml", BIOLOGY, channel=a.channel("general")
    )
    assert added.content.startswith("Added deck **biology**")
    a_rows = await store.guild_decks(a.id)

    listing = await slash_in(study, b, "deck list", "carol-1")
    assert "biology" not in listing.content and "Plants" not in listing.content
    asked = await slash_in(study, b, "ask", "alice-1", question=PLANT_QUESTION)
    assert asked.ephemeral and "Not in my notes" in asked.content
    assert "photosynthesis" not in str(asked.data).casefold()
    card = await slash_in(study, b, "fact", "alice-1", name="biology/plant-gas")
    assert "carbon dioxide" not in str(card.data)
    typed = await (
        await fake.autocomplete(
            "fact", "name", "Which gas do plants", user="alice-1", channel=b.channel("general")
        )
    ).response()
    assert not [c for c in typed.choices if "plant" in str(c).casefold()], typed.choices
    topics = await (
        await fake.autocomplete(
            "quiz start", "topic", "pla", user="alice-1", channel=b.channel("quiz")
        )
    ).response()
    assert "plants" not in [c["value"] for c in topics.choices]
    start = await slash_in(study, b, "quiz start", "alice-1", "quiz", topic="plants")
    assert start.ephemeral and "There are no questions for topic" in start.content
    assert study.bot.engine.running(b.channel("quiz").id) is None

    # B's owner (a teacher there) cannot remove A's deck; a B deck of the same name is B's own.
    removed = await slash_in(study, b, "deck remove", "teacher-1", name="biology")
    assert removed.ephemeral and removed.content.startswith(
        'This server has no deck called "biology"'
    )
    suggestions = await (
        await fake.autocomplete(
            "deck remove", "name", "", user="teacher-1", channel=b.channel("general")
        )
    ).response()
    assert suggestions.choices == []
    other = BIOLOGY.replace('title: "Plants"', 'title: "Plants of class B"')
    mine = await import_deck(
        study, "teacher-1", "biology.yaml", other, channel=b.channel("general")
    )
    assert mine.content.startswith("Added deck **biology** (Plants of class B)"), mine.content
    gone = await slash_in(study, b, "deck remove", "teacher-1", name="biology")
    assert gone.content == "Removed deck **biology** (2 facts)."

    assert await store.guild_decks(a.id) == a_rows
    assert await store.guild_decks(b.id) == []
    still = await slash_in(study, a, "ask", "alice", question=PLANT_QUESTION)
    assert not still.ephemeral and still.embeds[0]["fields"][0]["value"] == "carbon dioxide"
    assert (
        "**biology** — Plants: 2 facts" in (await slash_in(study, a, "deck list", "carol")).content
    )


async def test_settings_and_teacher_roles_of_a_do_not_apply_in_b(study_ab: Study) -> None:
    study = study_ab
    store = study.services.store
    a, b = guilds(study)
    changed = await (
        await study.fake.slash(
            "settings",
            {"teacher_role": ASSISTANT_ROLE, "seconds": 30, "questions": 3, "hints": False},
            user="teacher",
            channel=a.channel("general"),
        )
    ).response()
    assert changed.ephemeral and changed.embeds
    b_before = await store.get_settings(b.id)
    assert (b_before.default_seconds, b_before.default_questions) == (20, 10)
    assert b_before.teacher_role_id is None and b_before.hints_enabled

    # dana (teacher role in A) and A's teacher (Manage Server in A) are students in B.
    for who in ("dana", "teacher"):
        refused = await slash_in(study, b, "settings", who, seconds=5)
        assert refused.ephemeral and refused.content.startswith("Only a teacher can change")
        deck = await import_deck(study, who, "biology.yaml", BIOLOGY, channel=b.channel("general"))
        assert deck.content.startswith("Only a teacher can import decks.")
    assert await store.get_settings(b.id) == b_before
    assert await store.guild_decks(b.id) == []

    since = study.fake.mark()
    started = await slash_in(study, b, "quiz start", "alice-1", "quiz")
    assert "10 questions, 20 s each" in started.content
    await wait_for_embed(study.fake, b.channel("quiz"), "Question 1/10", since=since)
    await study.clock.advance(7)  # hints are on in B: the first one comes at 1/3 of 20 s
    hints = [m for m in study.fake.messages_in(b.channel("quiz")) if m.content.startswith("💡")]
    assert len(hints) == 1 and hints[0].seq > since
    started_a = await slash_in(study, a, "quiz start", "alice", "quiz")
    assert "3 questions, 30 s each" in started_a.content


async def test_a_round_in_a_cannot_be_stopped_or_skipped_from_b(study_ab: Study) -> None:
    study = study_ab
    fake, clock = study.fake, study.clock
    a, b = guilds(study)
    quiz_a = a.channel("quiz")
    since = fake.mark()
    await (
        await fake.slash(
            "quiz start", {"questions": 2, "seconds": 20}, user="alice", channel=quiz_a
        )
    ).response()
    await wait_for_embed(fake, quiz_a, "Question 1/2", since=since)
    round_a = study.bot.engine.running(quiz_a.id)
    assert round_a is not None

    for command in ("quiz stop", "quiz skip"):
        # B's owner, a teacher there, in B's #quiz: there is no round in that channel.
        there = await slash_in(study, b, command, "teacher-1", "quiz")
        assert there.ephemeral and there.content.startswith("There is no round running")
    # dana is a teacher in A (role) but acts in B: still nothing happens to A's round.
    await (
        await fake.slash(
            "settings",
            {"teacher_role": ASSISTANT_ROLE},
            user="teacher",
            channel=a.channel("general"),
        )
    ).response()
    for command in ("quiz stop", "quiz skip"):
        there = await slash_in(study, b, command, "dana", "quiz")
        assert there.ephemeral and there.content.startswith("There is no round running")
    await clock.settle()
    assert study.bot.engine.running(quiz_a.id) is round_a and not round_a.stop_requested
    assert round_a.question is not None and round_a.question.number == 1
    titles = [e.get("title", "") for m in fake.messages_in(quiz_a) for e in m.embeds]
    assert not [t for t in titles if t.startswith(("Answer to", "Round stopped"))]
    assert not [
        m
        for m in fake.messages_in(b.channel("quiz"))
        if not m.ephemeral and m.author_id == fake.bot_user_id
    ]

    await clock.advance(20)
    await wait_for_embed(fake, quiz_a, "Answer to question 1", since=since)
    await clock.advance(3)
    await wait_for_embed(fake, quiz_a, "Question 2/2", since=since)


async def test_leaderboards_and_stats_of_a_never_show_b(study_ab: Study) -> None:
    study = study_ab
    fake = study.fake
    a, b = guilds(study)
    in_a = await play_one_question(study, a.channel("quiz"), "alice", ["alice", "bob", "dana"])
    in_b = await play_one_question(study, b.channel("quiz"), "alice-1", ["alice-1"])
    assert set(in_a) == {"alice", "bob", "dana"} and set(in_b) == {"alice-1"}

    board_a = await slash_in(study, a, "leaderboard", "carol")
    board_b = await slash_in(study, b, "leaderboard", "carol-1")
    assert leaderboard_names(board_a.embeds[0]) == {"alice", "bob", "dana"}
    assert leaderboard_names(board_b.embeds[0]) == {"alice-1"}
    assert f"alice-1 — {in_b['alice-1']} pts" in board_b.embeds[0]["description"]
    for period in ("all", "week"):
        week_b = await slash_in(study, b, "leaderboard", "carol-1", period=period)
        assert leaderboard_names(week_b.embeds[0]) == {"alice-1"}

    # dana is in both servers; her points in A are not hers in B.
    dana_in_b = await slash_in(study, b, "stats", "alice-1", member="dana")
    assert (
        dana_in_b.ephemeral and dana_in_b.content == "dana has not answered any quiz questions yet."
    )
    mine_in_b = await slash_in(study, b, "stats", "dana")
    assert mine_in_b.content == "dana has not answered any quiz questions yet."
    dana_in_a = await slash_in(study, a, "stats", "carol", member="dana")
    fields = {f["name"]: f["value"] for f in dana_in_a.embeds[0]["fields"]}
    assert fields["Points"] == str(in_a["dana"]) and fields["Rounds"] == "1 played, 0 won"
    alice_b = await slash_in(study, b, "stats", "alice-1")
    assert {f["name"]: f["value"] for f in alice_b.embeds[0]["fields"]}["Points"] == str(
        in_b["alice-1"]
    )
    assert fake.errors == []
