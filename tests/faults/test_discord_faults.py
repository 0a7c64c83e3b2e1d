"""Discord misbehaving mid-round: rate limits, server errors, dropped and lost sessions.

Complements tests/e2e/test_resilience_e2e.py (op 7 reconnect, one dropped socket, a new
session, 503 and a retried 500 on questions). Each test plays a typed round through the
fault and checks what the class would notice: the question, hint or reveal still arrives
exactly once, the round goes on to its results, and /leaderboard has every point the
reveals announced (and only those).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.e2e.conftest import GRACE, PAUSE, Study, scorers_of, wait_for_embed
from tests.fakediscord import FakeMessage
from tests.faults.botprocess import answer_rows, session_ready
from tests.faults.helpers import leaderboard

pytestmark = pytest.mark.e2e

CHANNEL_MESSAGES = r"/channels/\d+/messages"
REACTION = r"/channels/\d+/messages/\d+/reactions/[^/]+/@me"


def announced(study: Study, since: int = 0) -> Counter[str]:
    """Points the reveals in #quiz showed, by member."""
    total: Counter[str] = Counter()
    for message in study.fake.messages_in("quiz"):
        titles = [str(e.get("title", "")) for e in message.embeds]
        if message.seq > since and any(t.startswith("Answer to question") for t in titles):
            total.update(dict(scorers_of(message)))
    return total


async def new_session(study: Study, ready_before: int) -> None:
    """Wait until the bot has identified anew and been sent the server again."""
    fake = study.fake
    await fake.state.wait_until(
        lambda: (fake.gateway.counts["ready"] > ready_before and session_ready(fake)) or None,
        5,
        "a new gateway session",
    )


def titled(study: Study, prefix: str) -> list[FakeMessage]:
    """The bot's messages in #quiz whose text or embed title starts with ``prefix``."""

    def shows(message: FakeMessage) -> bool:
        titles = [str(e.get("title", "")) for e in message.embeds]
        return any(text.startswith(prefix) for text in (message.content, *titles))

    bot = study.fake.bot_user_id
    return [m for m in study.fake.messages_in("quiz") if m.author_id == bot and shows(m)]


async def test_a_429_on_a_question_is_waited_out_and_the_round_goes_on(study: Study) -> None:
    fake, clock = study.fake, study.clock
    fake.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.4)
    since = fake.mark()
    asked = time.monotonic()
    await study.start_quiz(questions=2, seconds=20, mode="typed")
    waited = time.monotonic() - asked

    posts = [r for r in fake.requests_to("POST", CHANNEL_MESSAGES) if r.seq > since]
    assert [(r.status, r.injected) for r in posts[:2]] == [(429, True), (200, False)]
    assert waited >= 0.4, "discord.py retried before retry_after"
    assert len(titled(study, "Question 1/2")) == 1

    right = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(right, "✅")
    await clock.advance(GRACE + PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/2", since=since)
    right = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_reaction(right, "✅")
    await clock.advance(GRACE)
    await wait_for_embed(fake, "quiz", "Round over!", since=since)
    assert set(announced(study)) == {"alice", "bob"}
    assert await leaderboard(fake) == announced(study)


async def test_500s_on_a_hint_and_a_reveal_are_retried_and_shown_once(study: Study) -> None:
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=2, seconds=30, mode="typed")

    fake.fail_next("POST", CHANNEL_MESSAGES, 500)  # the first hint, due at 10 s
    await clock.advance(10)
    await fake.wait_for_message("quiz", lambda m: m.content.startswith("💡 Hint for question 1"))
    right = await fake.send_message("quiz", "carol", study.answer_now())
    await fake.wait_for_reaction(right, "✅")

    fake.fail_next("POST", CHANNEL_MESSAGES, 500)  # the reveal
    await clock.advance(GRACE)
    await wait_for_embed(fake, "quiz", "Answer to question 1")
    await clock.advance(PAUSE + 30)  # question 2: nobody answers
    await wait_for_embed(fake, "quiz", "Round over!")

    failed = [r for r in fake.requests_to("POST", CHANNEL_MESSAGES) if r.status == 500]
    assert len(failed) == 2 and all(r.injected for r in failed)
    assert len(titled(study, "💡 Hint for question 1")) == 1
    assert len(titled(study, "Answer to question 1")) == 1
    assert len(titled(study, "Answer to question 2")) == 1
    assert list(announced(study)) == ["carol"]
    assert await leaderboard(fake) == announced(study)


async def test_a_check_mark_that_fails_does_not_lose_the_point(study: Study) -> None:
    """The ✅ cannot be added (a 503 is not retried): the point is still kept and the
    reveal shows it."""
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=1, seconds=20, mode="typed")
    fake.fail_next("PUT", REACTION, 503)
    unmarked = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_request(method="PUT", path=REACTION)
    await clock.advance(1)
    marked = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(marked, "✅")
    await clock.advance(GRACE)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")

    assert unmarked.reactions == {}
    assert [name for name, _ in scorers_of(reveal)] == ["bob", "alice"]
    await wait_for_embed(fake, "quiz", "Round over!")
    assert await leaderboard(fake) == announced(study)


async def test_a_socket_that_keeps_dropping_counts_every_answer_once(study: Study) -> None:
    """Four drops with resumable close codes while one question is open; an answer is sent
    during each outage and replayed on RESUME. Nothing is lost and nothing is doubled."""
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=1, seconds=30, mode="typed")
    answer = study.answer_now()
    sent = [("teacher", "no idea"), ("bob", answer), ("carol", answer), ("alice", answer)]
    messages = []
    for code, (who, text) in zip((4000, 4008, 1011, 4000), sent, strict=True):
        resumed = fake.gateway.counts["resumed"]
        await fake.close_gateway(code, wait=False)
        messages.append(await fake.send_message("quiz", who, text))  # while disconnected
        await fake.state.wait_until(
            lambda n=resumed: fake.gateway.counts["resumed"] > n or None, 5, "RESUME"
        )
        await clock.advance(0.5)
    for message in messages[1:]:
        await fake.wait_for_reaction(message, "✅")
    await clock.advance(GRACE)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    await wait_for_embed(fake, "quiz", "Round over!")

    assert fake.gateway.counts["identify"] == 1 and fake.gateway.counts["resumed"] == 4
    rows = answer_rows(study.services.settings.database_path)
    assert [(r.name, r.attempt) for r in rows] == sent, "each answer judged exactly once"
    assert [name for name, _ in scorers_of(reveal)] == ["bob", "carol", "alice"]
    points = dict(scorers_of(reveal))
    assert points["bob"] > points["carol"], "the first right answer keeps full points"
    assert await leaderboard(fake) == announced(study)


async def test_a_lost_session_while_the_reveal_falls_due(study: Study) -> None:
    """op 9 (not resumable) during the grace period: the reveal and the next question still
    go out over REST while the bot re-identifies, and the round ends normally."""
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=2, seconds=20, mode="typed")
    right = await fake.send_message("quiz", "alice", study.answer_now())
    await fake.wait_for_reaction(right, "✅")

    ready = fake.gateway.counts["ready"]
    await fake.invalidate_session(resumable=False, wait=False)
    await clock.advance(GRACE)  # the reveal falls due with no gateway session
    await wait_for_embed(fake, "quiz", "Answer to question 1")
    await clock.advance(PAUSE)
    await wait_for_embed(fake, "quiz", "Question 2/2")
    await new_session(study, ready)

    right = await fake.send_message("quiz", "bob", study.answer_now())
    await fake.wait_for_reaction(right, "✅")
    await clock.advance(GRACE)
    await wait_for_embed(fake, "quiz", "Round over!")
    assert fake.gateway.counts["identify"] == 2
    assert set(announced(study)) == {"alice", "bob"}
    assert await leaderboard(fake) == announced(study)


async def test_a_session_timeout_close_re_identifies_and_the_round_goes_on(study: Study) -> None:
    """Close code 4009 (session timed out): the RESUME is refused, the bot identifies anew.
    An answer sent while it had no session never reached it: no ✅, no point, as on Discord."""
    fake, clock = study.fake, study.clock
    await study.start_quiz(questions=1, seconds=20, mode="typed")
    answer = study.answer_now()
    ready = fake.gateway.counts["ready"]
    await fake.close_gateway(4009, wait=False)
    await new_session(study, ready)

    right = await fake.send_message("quiz", "carol", answer)
    await fake.wait_for_reaction(right, "✅")
    await clock.advance(GRACE)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1")
    await wait_for_embed(fake, "quiz", "Round over!")
    assert fake.gateway.counts["invalid_session"] >= 1 and fake.gateway.counts["identify"] == 2
    assert [name for name, _ in scorers_of(reveal)] == ["carol"]
    assert await leaderboard(fake) == announced(study)
