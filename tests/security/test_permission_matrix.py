"""Who may change what: every command that changes something, tried by every kind of member.

Only the round's starter and teachers (Manage Server, the server owner, or the role named
with /settings) may stop or skip a round; only teachers may import or remove decks or
change the settings. Everyone else, and anyone in a direct message, gets a private refusal
and nothing changes: the round runs on, the deck list and the stored settings stay as they
were. The test ids read as ``command-actor``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from bot.store import GuildSettings
from tests.e2e.conftest import Study, eventually, wait_for_embed
from tests.fakediscord import FakeChannel, FakeWorld, InteractionCallback
from tests.security.actors import ASSISTANT_ROLE, BIOLOGY, classroom, dm_with, import_deck

pytestmark = pytest.mark.e2e

SERVER_ONLY = "This command works in a server channel, not in direct messages."

#: actor -> the member who acts (the "dm" actor is alice, the round's starter, in a DM).
ACTORS = {
    "student": "bob",
    "starter": "alice",
    "teacher_role": "dana",
    "manage_server": "mona",
    "owner": "olga",
    "dm": "alice",
}
TEACHERS = {"teacher_role", "manage_server", "owner"}


@pytest.fixture
def fake_world() -> FakeWorld:
    return classroom()


async def name_the_teacher_role(study: Study) -> GuildSettings:
    """The teacher (Manage Server) names the assistant role: dana becomes a teacher."""
    reply = await (
        await study.fake.slash("settings", {"teacher_role": ASSISTANT_ROLE}, user="teacher")
    ).response()
    assert reply.ephemeral and reply.embeds, reply.content
    settings = await study.services.store.get_settings(study.fake.guild.id)
    assert settings.teacher_role_id == study.fake.guild.role(ASSISTANT_ROLE).id
    return settings


async def deck_listing(study: Study) -> str:
    reply = await (await study.fake.slash("deck list", user="carol")).response()
    assert reply.ephemeral
    return reply.content


@dataclass
class Case:
    """One command: how to set the scene, what to send, and how to tell that it worked
    (``check_done``) or that nothing changed (``check_unchanged``)."""

    command: str
    options: dict[str, object]
    refusal: str  # how a server member's refusal starts
    channel: str = "general"
    arrange: Callable[[Study], Awaitable[object]] | None = None
    check_done: Callable[[Study, InteractionCallback, object], Awaitable[None]] | None = None
    check_unchanged: Callable[[Study, object], Awaitable[None]] | None = None


# -- /quiz stop and /quiz skip: alice starts a three-question round in #quiz -----------------


async def start_round(study: Study) -> object:
    await study.start_quiz("alice", questions=3, seconds=20, mode="typed")
    return study.round_in().where.round_id


async def round_was_stopped(study: Study, reply: InteractionCallback, _: object) -> None:
    assert not reply.ephemeral and reply.content == "Stopping the round after this question."
    await wait_for_embed(study.fake, "quiz", "Round stopped")
    quiz = study.fake.channel_id("quiz")
    await eventually(lambda: study.bot.engine.running(quiz) is None, "the round to end")


async def question_was_skipped(study: Study, reply: InteractionCallback, _: object) -> None:
    assert not reply.ephemeral and reply.content == "Skipping this question."
    await wait_for_embed(study.fake, "quiz", "Answer to question 1")  # no time has passed


async def round_runs_on(study: Study, round_id: object) -> None:
    """The same round is still on question 1, which closes only when its time is up,
    and question 2 follows: neither stopped nor skipped."""
    await study.clock.settle()
    assert study.round_in().where.round_id == round_id
    question = study.round_in().question
    assert question is not None and question.number == 1
    assert not study.round_in().stop_requested
    titles = [e.get("title", "") for m in study.fake.messages_in("quiz") for e in m.embeds]
    assert not [t for t in titles if t.startswith(("Answer to", "Round stopped"))], titles
    since = study.fake.mark()
    await study.clock.advance(19)
    assert not [m for m in study.fake.messages_in("quiz") if m.seq > since and m.embeds]
    await study.clock.advance(1)
    await wait_for_embed(study.fake, "quiz", "Answer to question 1", since=since)
    await study.clock.advance(3)
    await wait_for_embed(study.fake, "quiz", "Question 2/3", since=since)


# -- /deck import: nothing imported yet ---------------------------------------------------


async def no_decks_yet(study: Study) -> object:
    return await deck_listing(study)


async def deck_was_imported(study: Study, reply: InteractionCallback, _: object) -> None:
    assert reply.ephemeral and reply.content.startswith("Added deck **biology** (Plants)")
    assert "**biology** — Plants: 2 facts (this server's)" in await deck_listing(study)
    rows = await study.services.store.guild_decks(study.fake.guild.id)
    assert [r.name for r in rows] == ["biology"]


async def decks_unchanged(study: Study, listing: object) -> None:
    assert await deck_listing(study) == listing
    assert await study.services.store.guild_decks(study.fake.guild.id) == []
    asked = {"question": "what gas do plants take in"}
    answer = await (await study.fake.slash("ask", asked, user="carol")).response()
    assert answer.ephemeral and "Not in my notes" in answer.content


# -- /deck remove: the teacher imported biology ---------------------------------------------


async def biology_imported(study: Study) -> object:
    added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck **biology**"), added.content
    return (await deck_listing(study), await study.services.store.guild_decks(study.fake.guild.id))


async def deck_was_removed(study: Study, reply: InteractionCallback, _: object) -> None:
    assert reply.ephemeral and reply.content == "Removed deck **biology** (2 facts)."
    assert "biology" not in await deck_listing(study)
    assert await study.services.store.guild_decks(study.fake.guild.id) == []


async def deck_still_there(study: Study, before: object) -> None:
    assert isinstance(before, tuple)
    listing, rows = before
    assert await deck_listing(study) == listing
    assert await study.services.store.guild_decks(study.fake.guild.id) == rows
    asked = {"question": "what gas do plants take in"}
    answer = await (await study.fake.slash("ask", asked, user="carol")).response()
    assert not answer.ephemeral and answer.embeds[0]["fields"][0]["value"] == "carbon dioxide"


# -- /settings seconds:30 hints:false -----------------------------------------------------------


async def current_settings(study: Study) -> object:
    return await study.services.store.get_settings(study.fake.guild.id)


async def settings_changed(study: Study, reply: InteractionCallback, before: object) -> None:
    assert reply.ephemeral and reply.embeds
    fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert fields["Seconds per question"] == "30" and fields["Hints"] == "off"
    assert fields["Teacher role"] == ASSISTANT_ROLE
    after = await study.services.store.get_settings(study.fake.guild.id)
    assert isinstance(before, GuildSettings)
    expected = GuildSettings(
        guild_id=before.guild_id,
        teacher_role_id=before.teacher_role_id,
        default_seconds=30,
        default_questions=before.default_questions,
        hints_enabled=False,
    )
    assert after == expected


async def settings_unchanged(study: Study, before: object) -> None:
    assert await study.services.store.get_settings(study.fake.guild.id) == before


CASES = {
    "quiz_stop": Case(
        "quiz stop",
        {},
        "Only the student who started this round or a teacher can stop it.",
        channel="quiz",
        arrange=start_round,
        check_done=round_was_stopped,
        check_unchanged=round_runs_on,
    ),
    "quiz_skip": Case(
        "quiz skip",
        {},
        "Only the student who started this round or a teacher can skip a question in it.",
        channel="quiz",
        arrange=start_round,
        check_done=question_was_skipped,
        check_unchanged=round_runs_on,
    ),
    "deck_import": Case(
        "deck import",
        {},
        "Only a teacher can import decks.",
        arrange=no_decks_yet,
        check_done=deck_was_imported,
        check_unchanged=decks_unchanged,
    ),
    "deck_remove": Case(
        "deck remove",
        {"name": "biology"},
        "Only a teacher can remove decks.",
        arrange=biology_imported,
        check_done=deck_was_removed,
        check_unchanged=deck_still_there,
    ),
    "settings": Case(
        "settings",
        {"seconds": 30, "hints": False},
        "Only a teacher can change the settings.",
        arrange=current_settings,
        check_done=settings_changed,
        check_unchanged=settings_unchanged,
    ),
}
ALLOWED = {
    "quiz_stop": {"starter", *TEACHERS},
    "quiz_skip": {"starter", *TEACHERS},
    "deck_import": TEACHERS,
    "deck_remove": TEACHERS,
    "settings": TEACHERS,
}
MATRIX = [
    pytest.param(case, actor, actor in ALLOWED[case], id=f"{case}-{actor}")
    for case in CASES
    for actor in ACTORS
]


@pytest.mark.parametrize(("case", "actor", "allowed"), MATRIX)
async def test_only_the_right_people_can_change_things(
    study: Study, case: str, actor: str, allowed: bool
) -> None:
    spec = CASES[case]
    assert spec.arrange and spec.check_done and spec.check_unchanged
    await name_the_teacher_role(study)
    before = await spec.arrange(study)
    user = ACTORS[actor]
    channel: str | FakeChannel = dm_with(study, user) if actor == "dm" else spec.channel

    if spec.command == "deck import":
        reply = await import_deck(study, user, "biology.yaml", BIOLOGY, channel=channel)
    else:
        ix = await study.fake.slash(spec.command, spec.options, user=user, channel=channel)
        reply = await ix.response()

    if allowed:
        await spec.check_done(study, reply, before)
    else:
        assert reply.ephemeral, f"a refusal must be private: {reply.content!r}"
        refusal = SERVER_ONLY if actor == "dm" else spec.refusal
        assert reply.content.startswith(refusal), reply.content
        await spec.check_unchanged(study, before)


async def test_a_student_cannot_make_their_own_role_the_teacher_role(study: Study) -> None:
    """The obvious escalation: name @everyone (which every student holds) as teacher role."""
    fake = study.fake
    before = await study.services.store.get_settings(fake.guild.id)
    everyone = fake.guild.everyone
    reply = await (await fake.slash("settings", {"teacher_role": everyone}, user="bob")).response()
    assert reply.ephemeral and reply.content.startswith("Only a teacher can change the settings")
    assert await study.services.store.get_settings(fake.guild.id) == before
    still = await import_deck(study, "bob", "biology.yaml", BIOLOGY)
    assert still.content.startswith("Only a teacher can import decks.")
