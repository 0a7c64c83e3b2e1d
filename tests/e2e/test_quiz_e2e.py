"""Quiz rounds as the class sees them: /quiz start, typed answers, buttons, stop and skip.

Virtual time: the round's timers run on ``study.clock``, which moves only in
``clock.advance``; with RoundConfig's defaults a typed question shows hints at 1/3 and 2/3
of its time, closes 3 s (grace) after the first right answer, and the next question
follows 3 s (pause) after the reveal.
"""

from __future__ import annotations

import re

import pytest

from bot.judge import judge
from bot.quiz import Scoring
from tests.e2e.conftest import (
    GRACE,
    PAUSE,
    Study,
    embed_of,
    eventually,
    fields_of,
    near_miss,
    scorers_of,
    wait_for_embed,
)
from tests.fakediscord import FakeMessage

pytestmark = pytest.mark.e2e

POINTS = Scoring()


def bot_posts_between(
    study: Study, first: FakeMessage, last: FakeMessage | None = None
) -> list[FakeMessage]:
    """Public bot messages in #quiz created after ``first`` (and before ``last``)."""
    posted = study.fake.messages_in("quiz")
    end = posted.index(last) if last is not None else len(posted)
    return [
        m
        for m in posted[posted.index(first) + 1 : end]
        if m.author_id == study.fake.bot_user_id and not m.ephemeral
    ]


async def test_typed_round_with_two_members(study: Study) -> None:
    fake, clock = study.fake, study.clock
    opened = clock.now()
    q1 = await study.start_quiz(questions=2, seconds=20, mode="typed")

    embed = embed_of(q1)
    fields = fields_of(embed)
    assert embed["title"] == "Question 1/2"
    assert embed["description"] == study.round_in().question.entry.fact.question  # type: ignore[union-attr]
    assert f"<t:{int(opened + 20)}:R>" in fields["How to answer"]
    answer = study.answer_now()
    assert re.fullmatch(r"`[_# ,.'-]+`", fields["Hint"]), f"the first hint shows letters: {fields}"

    fact = study.round_in().question.entry.fact  # type: ignore[union-attr]
    assert not judge("Napoleon", fact.answers).accepted
    wrong = await fake.send_message("quiz", "bob", "Napoleon")
    close = await fake.send_message("quiz", "bob", near_miss(answer, fact.answers))
    await clock.advance(2)
    right = await fake.send_message("quiz", "alice", answer)
    await fake.wait_for_reaction(right, "✅")

    await clock.advance(GRACE)  # the first right answer closes the question 3 s later
    reveal1 = await wait_for_embed(fake, "quiz", "Answer to question 1")
    assert answer in embed_of(reveal1)["title"]
    alice_q1 = POINTS.points(elapsed=2, duration=20, hints=0, first=True, streak=1)
    assert scorers_of(reveal1) == [("alice", alice_q1)]
    before_reveal = bot_posts_between(study, q1, reveal1)
    assert not [m for m in before_reveal if answer.casefold() in m.text().casefold()]

    await clock.advance(PAUSE)
    q2 = await wait_for_embed(fake, "quiz", "Question 2/2")
    answer2 = study.answer_now()
    await clock.advance(7)  # past the first hint (at 20/3 s)
    hints = [m for m in fake.messages_in("quiz") if m.content.startswith("💡 Hint for question 2")]
    assert len(hints) == 1 and answer2.casefold() not in hints[0].content.casefold()
    alice_right = await fake.send_message("quiz", "alice", answer2)
    await fake.wait_for_reaction(alice_right, "✅")
    await clock.advance(1)
    bob_right = await fake.send_message("quiz", "bob", answer2.upper())  # in the grace period
    await fake.wait_for_reaction(bob_right, "✅")
    await clock.advance(GRACE - 1)

    reveal2 = await wait_for_embed(fake, "quiz", "Answer to question 2")
    alice_q2 = POINTS.points(elapsed=7, duration=20, hints=1, first=True, streak=2)
    bob_q2 = POINTS.points(elapsed=8, duration=20, hints=1, first=False, streak=1)
    assert scorers_of(reveal2) == [("alice", alice_q2), ("bob", bob_q2)]
    assert not [m for m in bot_posts_between(study, q2, reveal2) if answer2 in m.text()]

    results = await wait_for_embed(fake, "quiz", "Round over!")
    podium = embed_of(results)["description"].splitlines()
    assert podium == [
        f"🥇 **alice** — {alice_q1 + alice_q2} points",
        f"🥈 **bob** — {bob_q2} points",
    ]
    assert "bob: " in fields_of(embed_of(results))["Everyone"]
    assert wrong.reactions == {} and close.reactions == {}  # a wrong answer is not marked
    assert study.bot.engine.running(fake.channel_id("quiz")) is None


async def test_buttons_round_keeps_picks_private_until_the_reveal(study: Study) -> None:
    fake, clock = study.fake, study.clock
    question = await study.start_quiz(questions=1, seconds=20, mode="buttons")
    rnd = study.round_in()
    ids = question.custom_ids()
    assert [i.rsplit(":", 1)[1] for i in ids] == ["0", "1", "2", "3"]
    assert all(i.startswith(f"quiz:{rnd.where.round_id}:1:") for i in ids)
    options = rnd.question.options  # type: ignore[union-attr]
    right = options.index(study.answer_now())
    wrong = (right + 1) % 4
    choices = fields_of(embed_of(question))["Choices"]
    assert all(o in choices for o in options)

    replies = {}
    for who, option in (("alice", right), ("bob", wrong), ("carol", right)):
        click = await fake.click(question, ids[option], user=who)
        replies[who] = await click.response()
        await clock.advance(1)
    again = await (await fake.click(question, ids[wrong], user="alice")).response()

    assert all(r.ephemeral and r.content.startswith("Locked in") for r in replies.values())
    # The reply to a right pick reads exactly like the reply to a wrong one.
    masked = {re.sub(r"\*\*[ABCD]\*\* \(.*\)", "…", r.content) for r in replies.values()}
    assert len(masked) == 1, masked
    assert again.ephemeral and "already answered" in again.content
    assert not question.edited and not question.reactions
    assert bot_posts_between(study, question) == []

    await clock.advance(20)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    picks = fields_of(embed_of(reveal))["Picks"].splitlines()
    expected = {right: 2, wrong: 1}
    assert picks == [
        f"{'✅' if i == right else '▫️'} {option}: {expected.get(i, 0)}"
        for i, option in enumerate(options)
    ]
    assert [name for name, _ in scorers_of(reveal)] == ["alice", "carol"]
    assert question.edited and question.components == []  # the buttons are gone
    results = await wait_for_embed(fake, "quiz", "Round over!")
    assert embed_of(results)["footer"]["text"].startswith("1 question ·")


async def test_only_the_starter_or_a_teacher_can_stop_or_skip(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=3, seconds=20, mode="typed")
    since = fake.mark()

    for command in ("quiz stop", "quiz skip"):
        refused = await (await fake.slash(command, user="bob", channel="quiz")).response()
        assert refused.ephemeral and "Only the student who started this round" in refused.content
    assert [m for m in fake.messages_in("quiz") if m.seq > since and not m.ephemeral] == []

    skipped = await (await fake.slash("quiz skip", user="alice", channel="quiz")).response()
    assert not skipped.ephemeral
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
    assert scorers_of(reveal) == []  # revealed at once, without moving the clock
    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/3", since=since)

    stop = await (await fake.slash("quiz stop", user="teacher", channel="quiz")).response()
    assert not stop.ephemeral
    await wait_for_embed(fake, "quiz", "Answer to question 2", since=since)
    results = await wait_for_embed(fake, "quiz", "Round stopped", since=since)
    assert embed_of(results)["footer"]["text"].startswith("2 questions")
    await eventually(lambda: study.bot.engine.running(fake.channel_id("quiz")) is None, "the end")
    await clock.advance(60)
    assert not [m for m in fake.messages_in("quiz") if "Question 3/3" in m.text()]


async def test_start_announces_the_questions_the_round_really_has(study: Study) -> None:
    topic = min(
        study.services.knowledge.topics(),
        key=lambda t: len(study.services.knowledge.index.select(topic=t)),
    )
    available = len(study.services.knowledge.index.select(topic=topic))
    assert available < 50
    since = study.fake.mark()
    ix = await study.fake.slash(
        "quiz start", {"questions": 50, "topic": topic}, user="bob", channel="quiz"
    )
    reply = await ix.response()
    question = await wait_for_embed(study.fake, "quiz", "Question 1/", since=since)
    assert embed_of(question)["title"] == f"Question 1/{available}"
    assert f"{available} question" in reply.content and "50" not in reply.content


async def test_a_round_nobody_answers_ends_itself(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=5, seconds=20, mode="typed")
    busy = await (await fake.slash("quiz start", user="bob", channel="quiz")).response()
    assert busy.ephemeral and busy.content.startswith("A round is already running")

    await clock.advance(20)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    assert fields_of(embed_of(reveal))["Scored"] == "Nobody got this one."
    await clock.advance(PAUSE + 20)
    results = await wait_for_embed(fake, "quiz", "Round over: nobody answered")
    assert embed_of(results)["description"] == "No points this round."
    assert embed_of(results)["footer"]["text"].startswith("2 questions")
    await clock.advance(60)
    assert not [m for m in fake.messages_in("quiz") if "Question 3/5" in m.text()]


async def test_no_peeking_at_a_question_of_the_running_round(study: Study) -> None:
    """/ask, /fact and 'did you mean' refuse, privately, to hand out a quiz question's answer
    while the round runs in the server; after the round they answer again."""
    await study.start_quiz("alice", questions=2, seconds=20, mode="typed")
    rnd = study.round_in()
    open_fact = rnd.entries[0].fact
    coming_fact = rnd.entries[1].fact
    for fact in (open_fact, coming_fact):
        ix = await study.fake.slash(
            "ask", {"question": fact.question}, user="bob", channel="general"
        )
        reply = await ix.response()
        assert reply.ephemeral and "no peeking" in reply.content
        assert fact.answer not in reply.content
        card = await (await study.fake.slash("fact", {"name": f"korean_war/{fact.id}"})).response()
        assert card.ephemeral and "no peeking" in card.content
    # nothing public gave the answer away
    assert not any(
        open_fact.answer in (m.content + str(m.embeds)) for m in study.fake.messages_in("general")
    )
    await study.fake.slash("quiz stop", {}, user="alice", channel="quiz")
    await study.clock.advance(1)
    await eventually(lambda: study.bot.engine.running(study.fake.channel_id("quiz")) is None, "end")
    after = await (await study.fake.slash("ask", {"question": open_fact.question})).response()
    assert not after.ephemeral
    assert fields_of(after.embeds[0])["Answer"] == open_fact.answer
