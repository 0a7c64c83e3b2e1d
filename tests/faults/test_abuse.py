"""Spamming and copying answers: neither pays, and neither costs anybody else anything.

Virtual time, so every step is exact: the per-member limit (a burst of 4 answers, then 2 a
second) and the 5 tries per question (README 'How a round works'), the first right typed
answer taking the question with answers in the next 3 s earning half, and multiple-choice
picks staying private until the reveal.
"""

from __future__ import annotations

import re

import pytest

from bot.quiz import Scoring
from tests.e2e.conftest import GRACE, Study, embed_of, fields_of, scorers_of, wait_for_embed
from tests.fakediscord import FakeMessage, InteractionCallback
from tests.faults.botprocess import answer_rows
from tests.faults.helpers import leaderboard

pytestmark = pytest.mark.e2e

POINTS = Scoring()
BURST = 4  # typed answers judged at once per member; then 2 a second
TRIES = 5  # typed answers judged per member and question


def judged(study: Study, name: str) -> list[str]:
    """What of ``name``'s answers the bot judged (each judged answer is recorded)."""
    return [r.attempt for r in answer_rows(study.services.settings.database_path) if r.name == name]


async def test_a_spammer_is_slowed_and_nobody_else_notices(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=1, seconds=30, mode="typed")
    answer = study.answer_now()

    # bob fires 8 guesses and then the right answer, all in the same instant.
    guesses = [f"guess {i}" for i in range(8)]
    for guess in guesses:
        await fake.send_message("quiz", "bob", guess)
    too_fast = await fake.send_message("quiz", "bob", answer)
    await fake.send_message("quiz", "alice", "no idea")
    carol = await fake.send_message("quiz", "carol", answer)  # the same instant: first right
    await fake.wait_for_reaction(carol, "✅")
    assert too_fast.reactions == {}, "a right answer beyond the burst is not even looked at"
    assert judged(study, "bob") == guesses[:BURST]
    assert judged(study, "alice") == ["no idea"] and judged(study, "carol") == [answer]

    # Half a second later bob has one more try, and it counts (half: carol was first).
    await clock.advance(0.5)
    retry = await fake.send_message("quiz", "bob", answer)
    await fake.wait_for_reaction(retry, "✅")

    # alice, at a polite pace, is judged 5 times; a 6th answer is not, even a right one.
    for attempt in range(2, TRIES + 1):  # at 1.0, 1.5, 2.0 and 2.5 s: within carol's grace
        await clock.advance(0.5)
        await fake.send_message("quiz", "alice", f"maybe {attempt}")
    sixth = await fake.send_message("quiz", "alice", answer)
    teacher = await fake.send_message("quiz", "teacher", answer)
    await fake.wait_for_reaction(teacher, "✅")
    assert sixth.reactions == {}
    assert len(judged(study, "alice")) == TRIES

    await clock.advance(GRACE)  # past carol's grace period
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    later = POINTS.points(elapsed=0.5, duration=30, hints=0, first=False, streak=1)
    teacher_points = POINTS.points(elapsed=2.5, duration=30, hints=0, first=False, streak=1)
    assert scorers_of(reveal) == [("carol", 100), ("bob", later), ("teacher", teacher_points)]
    await wait_for_embed(fake, "quiz", "Round over!")
    assert await leaderboard(fake) == dict(scorers_of(reveal))


async def test_the_first_right_typed_answer_takes_the_question(study: Study) -> None:
    """Typed answers are public, so copying is possible: the first right answer gets full
    points, a copy in the next 3 seconds half, and anything later nothing at all."""
    fake, clock = study.fake, study.clock
    since = fake.mark()
    await study.start_quiz(questions=2, seconds=20, mode="typed")
    answer = study.answer_now()

    await clock.advance(2)
    first = await fake.send_message("quiz", "alice", answer)
    await fake.wait_for_reaction(first, "✅")
    await clock.advance(2)
    copy = await fake.send_message("quiz", "bob", answer)  # 2 s after alice's ✅
    await fake.wait_for_reaction(copy, "✅")
    await clock.advance(GRACE - 2 - 0.1)
    assert not [m for m in fake.messages_in("quiz") if m.seq > since and "Answer to" in m.text()]
    await clock.advance(0.1)  # 3 s after the first right answer, not 20 s after the start
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
    await clock.advance(0.5)
    too_late = await fake.send_message("quiz", "carol", answer)

    full = POINTS.points(elapsed=2, duration=20, hints=0, first=True, streak=1)
    half = POINTS.points(elapsed=4, duration=20, hints=0, first=False, streak=1)
    assert (full, half) == (95, 45)  # README 'Scoring': 100 falling to 50; not first: half
    assert scorers_of(reveal) == [("alice", full), ("bob", half)]
    await clock.advance(2.5)
    await wait_for_embed(fake, "quiz", "Question 2/2", since=since)
    assert too_late.reactions == {}
    assert judged(study, "carol") == [], "an answer after the reveal is not even judged"
    assert await leaderboard(fake) == {"alice": full, "bob": half}


def public_bot_posts(study: Study, after: FakeMessage, before: FakeMessage) -> list[FakeMessage]:
    return [
        m
        for m in study.fake.messages_in("quiz")
        if after.seq < m.seq < before.seq
        and m.author_id == study.fake.bot_user_id
        and not m.ephemeral
        and m.id != after.id
    ]


async def test_multiple_choice_picks_stay_private_until_the_reveal(study: Study) -> None:
    fake, clock = study.fake, study.clock
    question = await study.start_quiz(questions=1, seconds=20, mode="buttons")
    rnd = study.round_in()
    assert rnd.question is not None
    options = rnd.question.options
    right = options.index(study.answer_now())
    wrong = (right + 1) % 4
    ids = question.custom_ids()
    shown = dict(question.payload)

    async def click(who: str, option: int) -> InteractionCallback:
        return await (await fake.click(question, ids[option], user=who)).response()

    replies = {}
    for who, first, again in (("alice", right, wrong), ("bob", wrong, right)):
        replies[who] = await click(who, first)
        replies[f"{who} again"] = await click(who, again)
        await clock.advance(1)

    for name, reply in replies.items():
        assert reply.type == 4 and reply.ephemeral, f"{name}: {reply.type}, {reply.flags}"
        text = reply.content.casefold()
        assert not re.search(r"\b(correct|right|wrong|incorrect|points?)\b", text), reply.content
    # A right and a wrong pick read the same, but for the option picked.
    masked = {
        re.sub(r"\*\*[ABCD]\*\* \(.*?\)", "<pick>", replies[n].content) for n in ("alice", "bob")
    }
    assert len(masked) == 1, masked
    assert replies["alice again"].content == replies["bob again"].content

    await clock.advance(20 - 2)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    # Nothing public happened between the question and the reveal: no message, no
    # reaction, and the question's one edit is the reveal taking its buttons away.
    assert public_bot_posts(study, question, reveal) == []
    assert question.reactions == {}
    assert question.history == [shown] and question.components == []
    picks = fields_of(embed_of(reveal))["Picks"]
    assert f"✅ {options[right]}: 1" in picks and f"▫️ {options[wrong]}: 1" in picks
    assert [name for name, _ in scorers_of(reveal)] == ["alice"]
