"""Teacher commands: /deck import, list and remove, and /settings, as a class would use them."""

from __future__ import annotations

import pytest

from bot.deck import deck_from_bytes
from bot.errors import DeckError
from tests.e2e.conftest import BIOLOGY, Study, embed_of, fields_of, wait_for_embed
from tests.fakediscord import FakeAttachment, FakeMember, FakeRole, FakeWorld, InteractionCallback

pytestmark = pytest.mark.e2e

# Two facts with one id, and a right answer offered as a wrong choice.
DUPLICATE_IDS = BIOLOGY.replace("id: plant-pigment", "id: plant-gas")
ANSWER_IN_CHOICES = BIOLOGY.replace('"melanin"', '"chlorophyll"')


@pytest.fixture
def fake_world() -> FakeWorld:
    """The class guild plus a "Teaching Assistant" role with no permissions, held by dana."""
    world = FakeWorld.default()
    guild = world.guilds[0]
    assistant = guild.add_role(FakeRole("Teaching Assistant", position=1))
    guild.add_member(FakeMember("dana", roles=[assistant.id]))
    return world


async def import_deck(study: Study, user: str, filename: str, text: str) -> InteractionCallback:
    """/deck import; the (ephemeral) reply, filled in if the bot deferred."""
    file = FakeAttachment(filename, text.encode(), "application/x-yaml")
    ix = await study.fake.slash("deck import", {"file": file}, user=user)
    reply = await ix.response()
    assert reply.ephemeral
    if reply.deferred:
        final = await ix.final_message()
        assert final.ephemeral
        return InteractionCallback(final.seq, ix.id, 4, final.payload, final)
    return reply


async def deck_list(study: Study) -> str:
    reply = await (await study.fake.slash("deck list", user="carol")).response()
    assert reply.ephemeral
    return reply.content


async def ask(study: Study, question: str) -> InteractionCallback:
    return await (await study.fake.slash("ask", {"question": question}, user="alice")).response()


def deck_error(filename: str, text: str) -> str:
    with pytest.raises(DeckError) as error:
        deck_from_bytes(text.encode(), filename)
    return str(error.value)


async def test_teacher_imports_lists_asks_and_removes_a_deck(study: Study) -> None:
    guild_id = study.fake.guild.id
    added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck **biology** (Plants): 2 facts added.")

    listing = await deck_list(study)
    assert "**biology** — Plants: 2 facts (this server's)" in listing
    assert "(comes with the bot)" in listing
    answer = await ask(study, "what gas do plants take in")
    assert not answer.ephemeral
    assert fields_of(answer.embeds[0])["Answer"] == "carbon dioxide"
    assert [row.name for row in await study.services.store.guild_decks(guild_id)] == ["biology"]

    refused = await (await study.fake.slash("deck remove", {"name": "biology"})).response()
    assert refused.ephemeral and refused.content.startswith("Only a teacher can remove decks")
    removed = await (
        await study.fake.slash("deck remove", {"name": "biology"}, user="teacher")
    ).response()
    assert removed.ephemeral and removed.content == "Removed deck **biology** (2 facts)."
    assert "biology" not in await deck_list(study)
    assert (await ask(study, "what gas do plants take in")).ephemeral  # not in the notes now
    assert await study.services.store.guild_decks(guild_id) == []


@pytest.mark.parametrize("bad", [DUPLICATE_IDS, ANSWER_IN_CHOICES], ids=["ids", "choices"])
async def test_a_bad_deck_is_refused_with_its_error_and_changes_nothing(
    study: Study, bad: str
) -> None:
    await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    before = await deck_list(study)
    stored = await study.services.store.guild_decks(study.fake.guild.id)
    since = study.fake.mark()

    reply = await import_deck(study, "teacher", "biology-v2.yaml", bad)

    assert reply.content == f"```\n{deck_error('biology-v2.yaml', bad)}\n```"
    assert await deck_list(study) == before
    assert await study.services.store.guild_decks(study.fake.guild.id) == stored
    assert fields_of((await ask(study, "which pigment captures light"))
                     .embeds[0])["Answer"] == "chlorophyll"  # fmt: skip
    public = [m for m in study.fake.messages_in("general") if m.seq > since and not m.ephemeral]
    assert [m.embeds[0]["title"] for m in public] == ["which pigment captures light"]


async def test_students_cannot_import_decks(study: Study) -> None:
    reply = await import_deck(study, "alice", "biology.yaml", BIOLOGY)
    assert reply.content.startswith("Only a teacher can import decks.")
    assert "biology" not in await deck_list(study)
    shipped = await import_deck(
        study, "teacher", "mine.yaml", BIOLOGY.replace("biology", "korean_war")
    )
    assert "comes with the bot" in shipped.content


async def test_settings_are_for_teachers_and_set_the_round_defaults(study: Study) -> None:
    fake, clock = study.fake, study.clock
    for student in ("alice", "dana"):
        no = await (await fake.slash("settings", {"seconds": 30}, user=student)).response()
        assert no.ephemeral and no.content.startswith("Only a teacher can change the settings")
    assert (await study.services.store.get_settings(fake.guild.id)).default_seconds != 30

    options = {"teacher_role": "Teaching Assistant", "seconds": 30, "questions": 3, "hints": False}
    changed = await (await fake.slash("settings", options, user="teacher")).response()
    assert changed.ephemeral
    assert fields_of(changed.embeds[0]) == {
        "Teacher role": "Teaching Assistant",
        "Seconds per question": "30",
        "Questions per round": "3",
        "Hints": "off",
    }
    as_assistant = await (await fake.slash("settings", user="dana")).response()
    assert (
        as_assistant.ephemeral and fields_of(as_assistant.embeds[0])["Seconds per question"] == "30"
    )

    opened = clock.now()
    since = fake.mark()
    start = await (await fake.slash("quiz start", user="alice", channel="quiz")).response()
    assert "3 questions, 30 s each" in start.content
    question = await wait_for_embed(fake, "quiz", "Question 1/3", since=since)
    fields = fields_of(embed_of(question))
    assert "Hint" not in fields and f"<t:{int(opened + 30)}:R>" in fields["How to answer"]
    await clock.advance(29)
    assert not [m for m in fake.messages_in("quiz") if m.content.startswith("💡")]

    stopped = await (await fake.slash("quiz stop", user="dana", channel="quiz")).response()
    assert not stopped.ephemeral  # the teacher role set above may stop anyone's round
    await wait_for_embed(fake, "quiz", "Round stopped", since=since)
