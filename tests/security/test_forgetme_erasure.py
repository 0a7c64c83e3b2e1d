"""/forgetme leaves nothing behind: after a member played typed and buttons rounds, started
and won rounds, changed the settings and imported a deck as a teacher, confirming /forgetme
leaves no value equal to their id (as a number or as text) in any column of any table of the
SQLite file. Everyone else's records stay.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import Study, wait_for_embed
from tests.fakediscord import FakeWorld
from tests.security.actors import ASSISTANT_ROLE, BIOLOGY, classroom, import_deck

pytestmark = pytest.mark.e2e


@pytest.fixture
def fake_world() -> FakeWorld:
    return classroom()


def tables_holding(path: Path, user_id: int) -> dict[str, int]:
    """Table -> how many of its rows hold ``user_id`` in some column (int or text)."""
    found: dict[str, int] = {}
    with sqlite3.connect(path) as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {"answers", "rounds", "player_totals", "guild_decks"} <= set(names)
        for table in names:
            columns = [c[1] for c in db.execute(f'PRAGMA table_info("{table}")')]
            holds = " OR ".join(f'"{c}" = :id OR "{c}" = :text' for c in columns)
            count = db.execute(
                f'SELECT count(*) FROM "{table}" WHERE {holds}',
                {"id": user_id, "text": str(user_id)},
            ).fetchone()[0]
            if count:
                found[table] = count
    return found


async def forget(study: Study, who: str) -> str:
    fake = study.fake
    prompt = await (await fake.slash("forgetme", user=who)).response()
    assert prompt.ephemeral and prompt.message is not None
    yes = prompt.message.button("Yes, delete my records")["custom_id"]
    done = await (await fake.click(prompt.message, yes, user=who)).response()
    assert done.type == 7
    return prompt.message.content


async def play_buttons_question(
    study: Study, starter: str, right: list[str], wrong: list[str]
) -> None:
    since = study.fake.mark()
    question = await study.start_quiz(starter, questions=1, seconds=20, mode="buttons")
    options = study.round_in().question.options  # type: ignore[union-attr]
    good = options.index(study.answer_now())
    ids = question.custom_ids()
    for who, option in [(w, good) for w in right] + [(w, (good + 1) % 4) for w in wrong]:
        assert (
            await (await study.fake.click(question, ids[option], user=who)).response()
        ).ephemeral
    await study.clock.advance(20)
    await wait_for_embed(study.fake, "quiz", "Round over!", since=since)


async def test_forgetme_leaves_no_row_with_the_members_id(study: Study) -> None:
    fake, store = study.fake, study.services.store
    guild = fake.guild
    dana, alice = guild.member("dana"), guild.member("alice")
    db_path = study.services.settings.database_path

    role = await (
        await fake.slash("settings", {"teacher_role": ASSISTANT_ROLE}, user="teacher")
    ).response()
    assert role.embeds
    mine = await (await fake.slash("settings", {"seconds": 25}, user="dana")).response()
    assert mine.embeds, mine.content
    added = await import_deck(study, "dana", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck **biology**")
    await study.play_typed_round([["dana", "alice"], ["alice"], ["dana"]], starter="dana")
    await play_buttons_question(study, "alice", right=["dana"], wrong=["bob"])
    await play_buttons_question(study, "dana", right=["carol"], wrong=["dana"])
    before = tables_holding(db_path, dana.id)
    assert {"answers", "rounds", "player_totals", "guild_decks", "round_players"} <= set(before)
    alice_before = tables_holding(db_path, alice.id)

    done = await forget(study, "dana")

    assert done.startswith("Done: 4 answers and all your scores in this server are deleted.")
    assert tables_holding(db_path, dana.id) == {}
    assert tables_holding(db_path, alice.id) == alice_before
    assert [d.name for d in await store.guild_decks(guild.id)] == ["biology"]  # the class's deck
    assert (await store.get_settings(guild.id)).default_seconds == 25
    gone = await (await fake.slash("stats", {"member": "dana"}, user="alice")).response()
    assert gone.content == "dana has not answered any quiz questions yet."


async def test_forgetme_during_a_round_leaves_no_row_when_it_ends(study: Study) -> None:
    fake, clock = study.fake, study.clock
    dana = fake.guild.member("dana")
    since = fake.mark()
    await study.start_quiz("alice", questions=1, seconds=20, mode="typed")
    typed = await fake.send_message("quiz", "dana", study.answer_now())
    await fake.wait_for_reaction(typed, "✅")

    await forget(study, "dana")
    assert tables_holding(study.services.settings.database_path, dana.id) == {}
    await clock.advance(20)
    await wait_for_embed(fake, "quiz", "Round over!", since=since)

    assert tables_holding(study.services.settings.database_path, dana.id) == {}
