"""Rounds survive what Discord does to a bot: reconnects, lost sessions, REST errors, bugs.

Each test asserts what the class would notice: answers still score, the round still ends
with results, the leaderboard has every announced point, and errors stay private.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter

import discord
import pytest

from bot.quiz.clock import to_datetime
from cogs.components import SOMETHING_WENT_WRONG
from tests.e2e.conftest import (
    GRACE,
    PAUSE,
    Study,
    embed_of,
    scorers_of,
    wait_for_embed,
)
from tests.fakediscord import FakeMessage

pytestmark = pytest.mark.e2e

CHANNEL_MESSAGES = r"/channels/\d+/messages"
A_MESSAGE = r"/channels/\d+/messages/\d+"


async def leaderboard_points(study: Study) -> dict[str, int]:
    reply = await (await study.fake.slash("leaderboard", user="carol")).response()
    rows = reply.embeds[0].get("description", "")
    return {name: int(p) for name, p in re.findall(r"\*\*\d+\.\*\* (.+?) — (\d+) pts", rows)}


def notices(study: Study) -> list[FakeMessage]:
    """Plain-text bot messages in #quiz that are not hints (e.g. 'round interrupted')."""
    return [
        m
        for m in study.fake.messages_in("quiz")
        if m.author_id == study.fake.bot_user_id
        and m.content
        and not m.content.startswith("💡")
        and not m.content.startswith("Quiz round")
    ]


async def test_gateway_reconnect_mid_round_loses_no_answer(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=2, seconds=20, mode="typed")
    first = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(first, "✅")

    await fake.reconnect()  # op 7, then RESUME
    await clock.advance(1)
    after = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_reaction(after, "✅")
    await clock.advance(GRACE - 1)
    reveal1 = await wait_for_embed(fake, "quiz", "Answer to question 1")
    assert [name for name, _ in scorers_of(reveal1)] == ["alice", "bob"]

    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/2")
    await fake.close_gateway(4000, wait=False)  # the socket drops; this answer is replayed
    missed = await fake.send_message("quiz", "carol", study.answer_now())
    await fake.wait_for_reaction(missed, "✅")
    await clock.advance(GRACE)
    reveal2 = await wait_for_embed(fake, "quiz", "Answer to question 2")
    await wait_for_embed(fake, "quiz", "Round over!")

    assert fake.gateway.counts["resumed"] == 2 and fake.gateway.counts["identify"] == 1
    announced = Counter(dict(scorers_of(reveal1))) + Counter(dict(scorers_of(reveal2)))
    assert await leaderboard_points(study) == announced


async def test_a_new_session_mid_round_does_not_end_the_round(study: Study) -> None:
    """discord.py calls on_ready again after a non-resumable INVALID_SESSION; the running
    round must not be taken for one a crash left behind."""
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=2, seconds=20, mode="typed")
    first = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(first, "✅")

    ready_again = asyncio.ensure_future(study.bot.wait_for("ready", timeout=5))
    await fake.invalidate_session(resumable=False)
    await ready_again
    assert fake.gateway.counts["identify"] == 2

    await clock.advance(GRACE)
    reveal1 = await wait_for_embed(fake, "quiz", "Answer to question 1")
    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/2")
    second = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_reaction(second, "✅")
    await clock.advance(GRACE)
    reveal2 = await wait_for_embed(fake, "quiz", "Answer to question 2")
    results = await wait_for_embed(fake, "quiz", "Round over!")

    assert notices(study) == [], [m.content for m in notices(study)]
    assert "alice" in embed_of(results)["description"] and "bob" in embed_of(results)["description"]
    announced = Counter(dict(scorers_of(reveal1))) + Counter(dict(scorers_of(reveal2)))
    assert await leaderboard_points(study) == announced


async def test_rest_errors_on_questions_do_not_kill_the_round(
    study: Study, caplog: pytest.LogCaptureFixture
) -> None:
    fake, clock = study.fake, study.clock
    # Question 1 is lost: 503 reaches the bot at once (discord.py does not retry it).
    fake.fail_next("POST", CHANNEL_MESSAGES, 503)
    since = fake.mark()
    start = await (
        await fake.slash(
            "quiz start", {"questions": 3, "seconds": 20}, user="alice", channel="quiz"
        )
    ).response()
    assert not start.ephemeral
    await clock.advance(20)
    await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
    lost = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert any(isinstance(e, discord.HTTPException) and e.status == 503 for e in lost)

    # Question 2 meets one 500, which discord.py retries after about a second.
    fake.fail_next("POST", CHANNEL_MESSAGES, 500)
    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/3", since=since)
    answer = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_reaction(answer, "✅")
    await clock.advance(GRACE + PAUSE)
    await wait_for_embed(fake, "quiz", "Question 3/3", since=since)
    answer = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(answer, "✅")
    await clock.advance(GRACE)

    results = await wait_for_embed(fake, "quiz", "Round over!", since=since)
    assert embed_of(results)["footer"]["text"].startswith("3 questions")
    titles = [m.embeds[0]["title"] for m in fake.messages_in("quiz") if m.embeds]
    assert "Question 1/3" not in titles
    assert titles.count("Question 2/3") == 1 and titles.count("Question 3/3") == 1
    statuses = [(r.status, r.injected) for r in fake.requests_to("POST", CHANNEL_MESSAGES)]
    assert statuses[0] == (503, True) and (500, True) in statuses


async def test_buttons_left_behind_answer_privately(study: Study) -> None:
    """If the buttons cannot be removed at the reveal, later clicks get a private answer."""
    fake, clock = study.fake, study.clock
    q1 = await study.start_quiz(questions=2, seconds=20, mode="buttons")
    pick = await (await fake.click(q1, q1.custom_ids()[0], user="alice")).response()
    assert pick.ephemeral
    fake.fail_next("PATCH", A_MESSAGE, 503)
    await clock.advance(20)
    await wait_for_embed(fake, "quiz", "Answer to question 1")
    assert q1.custom_ids(), "the failed edit should have left the buttons"
    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/2")

    old = await (await fake.click(q1, q1.custom_ids()[1], user="bob")).response()
    assert old.ephemeral and old.content == "This question is closed. Wait for the next one!"
    await clock.advance(20)
    await wait_for_embed(fake, "quiz", "Round over")
    over = await (await fake.click(q1, q1.custom_ids()[2], user="carol")).response()
    assert over.ephemeral and "This round is over" in over.content


async def test_bot_shutdown_mid_round_ends_it_and_keeps_the_points(study: Study) -> None:
    fake = study.fake
    await study.start_quiz(questions=3, seconds=20, mode="typed")
    right = await fake.send_message("quiz", "carol", study.answer_now())
    await fake.wait_for_reaction(right, "✅")

    await fake.stop_bot(study.bot)

    results = await wait_for_embed(fake, "quiz", "Round stopped")
    assert "carol" in embed_of(results)["description"]
    now = to_datetime(study.clock.now())
    rows = await study.services.store.leaderboard(fake.guild.id, "all", now)
    assert [(r.user_name, r.correct) for r in rows] == [("carol", 1)]


async def test_an_unexpected_error_in_a_command_is_private_and_logged(
    study: Study, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(study.services.knowledge, "ask", broken)
    since = study.fake.mark()
    with caplog.at_level(logging.ERROR, logger="cogs.errors"):
        reply = await (
            await study.fake.slash("ask", {"question": "when did the war start"}, user="bob")
        ).response()

    assert reply.ephemeral and reply.content == SOMETHING_WENT_WRONG
    logged = [r for r in caplog.records if r.name == "cogs.errors" and r.exc_info]
    assert logged and "the index is on fire" in str(logged[0].exc_info[1])  # type: ignore[index]
    public = [m for m in study.fake.messages_in("general") if m.seq > since and not m.ephemeral]
    assert public == [] and "the index is on fire" not in reply.content


async def test_an_unexpected_error_in_a_button_is_private_and_the_click_can_be_retried(
    study: Study, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake, store = study.fake, study.services.store
    question = await study.start_quiz(questions=1, seconds=20, mode="buttons")
    right = study.round_in().question.options.index(study.answer_now())  # type: ignore[union-attr]
    record_answer = store.record_answer

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store, "record_answer", disk_full)
    failed = await (
        await fake.click(question, question.custom_ids()[right], user="alice")
    ).response()
    assert failed.ephemeral and failed.content == SOMETHING_WENT_WRONG
    assert "disk full" in caplog.text

    monkeypatch.setattr(store, "record_answer", record_answer)
    retry = await (
        await fake.click(question, question.custom_ids()[right], user="alice")
    ).response()
    assert retry.ephemeral and retry.content.startswith("Locked in"), retry.content
    await study.clock.advance(20)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    assert [name for name, _ in scorers_of(reveal)] == ["alice"]
    assert await leaderboard_points(study) == dict(scorers_of(reveal))
