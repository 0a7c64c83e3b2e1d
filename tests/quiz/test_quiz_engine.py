"""The quiz engine in virtual time, with the real store on disk and a recording transport."""

from __future__ import annotations

import pytest

from bot.quiz import (
    AlreadyAnswered,
    AnswerJudged,
    CloseReason,
    EndReason,
    HintRevealed,
    Mode,
    NoQuestions,
    NoRoundRunning,
    NotAllowed,
    QuestionClosed,
    QuestionOpened,
    QuizEngine,
    RoundAlreadyRunning,
    RoundConfig,
    RoundEnded,
    Scoring,
    VirtualClock,
)
from bot.quiz.clock import to_datetime
from bot.store import Store
from tests.quiz.quiz_helpers import ALICE, BOB, CAROL, TEACHER, RecordingTransport

GUILD, CHANNEL, OTHER_CHANNEL = 1, 10, 11
NO_HINTS = RoundConfig(questions=3, seconds=20, hints=0)


async def start(engine: QuizEngine, clock: VirtualClock, config: RoundConfig = NO_HINTS) -> None:
    await engine.start(GUILD, CHANNEL, ALICE, config)
    await clock.settle()


async def next_question(clock: VirtualClock, transport: RecordingTransport) -> None:
    """Let virtual time run until the next question opens or the round ends."""
    seen = len(transport.of(QuestionOpened))
    for _ in range(400):
        if len(transport.of(QuestionOpened)) > seen or transport.of(RoundEnded):
            return
        await clock.advance(0.5)
    raise AssertionError("no next question within 200 virtual seconds")


async def test_first_correct_answer_scores_by_speed(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    answer = transport.open_question.fact.answer
    await clock.advance(5)
    judged = await engine.answer(CHANNEL, BOB, answer)
    assert judged is not None and judged.correct and judged.first
    # 5 s of 20 gone: 50 + 50 * 0.75
    assert judged.points == Scoring().speed_points(5, 20) == 88


async def test_faster_answers_earn_more(engine: QuizEngine, clock: VirtualClock) -> None:
    scoring = Scoring()
    assert scoring.speed_points(1, 20) > scoring.speed_points(10, 20) > scoring.speed_points(19, 20)
    assert scoring.speed_points(20, 20) == scoring.min_points
    assert scoring.speed_points(0, 20) == scoring.max_points


async def test_later_correct_answers_get_a_smaller_share(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    answer = transport.open_question.fact.answer
    await clock.advance(4)
    first = await engine.answer(CHANNEL, ALICE, answer)
    second = await engine.answer(CHANNEL, BOB, answer)
    assert first is not None and second is not None
    assert first.first and not second.first
    assert second.points == round(first.points * Scoring().later_share)


async def test_first_correct_answer_closes_the_question_after_the_grace_period(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    answer = transport.open_question.fact.answer
    await clock.advance(2)
    await engine.answer(CHANNEL, ALICE, answer)
    await clock.advance(NO_HINTS.grace + 0.1)
    closed = transport.of(QuestionClosed)
    assert [c.reason for c in closed] == [CloseReason.ANSWERED]
    late = await engine.answer(CHANNEL, BOB, answer)  # during the pause: no question open
    assert late is None


async def test_wrong_answers_score_nothing_and_near_misses_are_flagged(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    answer = transport.open_question.fact.answer
    wrong = await engine.answer(CHANNEL, BOB, "Atlantis")
    close = await engine.answer(CHANNEL, CAROL, answer + answer[-2:])  # two letters too many
    assert wrong is not None and not wrong.correct and wrong.points == 0 and not wrong.near_miss
    assert close is not None and not close.correct and close.near_miss


async def test_hints_appear_on_time_and_cost_points(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock, RoundConfig(questions=2, seconds=30, hints=2))
    opened = transport.open_question
    assert opened.hint is not None and set(opened.hint) <= {"_", " "}
    await clock.advance(9.9)
    assert transport.of(HintRevealed) == []
    await clock.advance(0.2)  # 10 s: the first hint (a third of the time)
    hints = transport.of(HintRevealed)
    assert len(hints) == 1 and hints[0].hint[0] == opened.fact.answer[0]
    await clock.advance(10)  # 20 s: the second
    assert len(transport.of(HintRevealed)) == 2
    judged = await engine.answer(CHANNEL, BOB, opened.fact.answer)
    assert judged is not None
    unhinted = Scoring().speed_points(20.1, 30)
    assert judged.points == round(unhinted * (1 - 2 * Scoring().hint_cost))


async def test_a_streak_earns_a_bonus_and_a_miss_resets_it(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock, RoundConfig(questions=4, seconds=20, hints=0, pause=1))
    points = []
    for number in range(1, 5):
        opened = transport.open_question
        assert opened.number == number
        if number != 3:  # bob misses question 3
            judged = await engine.answer(CHANNEL, BOB, opened.fact.answer)
            assert judged is not None
            points.append((judged.points, judged.streak))
        else:
            await engine.answer(CHANNEL, BOB, "no idea")
        await next_question(clock, transport)
    base = Scoring().speed_points(0, 20)
    step = Scoring().streak_step
    assert points == [(base, 1), (base + step, 2), (base, 1)]
    ended = transport.of(RoundEnded)[0]
    assert ended.scores[0].best_streak == 2


async def test_buttons_mode_one_private_answer_each_and_counts_at_the_reveal(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock, RoundConfig(questions=1, seconds=20, mode=Mode.BUTTONS))
    opened = transport.open_question
    assert len(opened.options) == 4 and opened.fact.answer in opened.options
    assert opened.hint is None
    right = opened.options.index(opened.fact.answer)
    wrong = (right + 1) % 4
    await clock.advance(2)
    ok = await engine.choose(CHANNEL, ALICE, 1, right)
    assert ok.correct and ok.points == Scoring().speed_points(2, 20)
    with pytest.raises(AlreadyAnswered):
        await engine.choose(CHANNEL, ALICE, 1, wrong)  # no second try, no change of mind
    await clock.advance(8)
    late = await engine.choose(CHANNEL, BOB, 1, right)
    assert late.points == Scoring().speed_points(10, 20) and late.first  # no order share
    bad = await engine.choose(CHANNEL, CAROL, 1, wrong)
    assert not bad.correct and bad.points == 0
    await clock.advance(20)
    closed = transport.of(QuestionClosed)[0]
    assert dict(closed.option_counts) == {
        opened.options[right]: 2,
        opened.options[wrong]: 1,
        **{o: 0 for i, o in enumerate(opened.options) if i not in (right, wrong)},
    }
    # answers are private until the reveal: nothing but acknowledgements went out before it
    before_reveal = transport.events[: transport.events.index(closed)]
    assert all(isinstance(e, QuestionOpened | AnswerJudged) for e in before_reveal)


async def test_round_ends_after_the_last_question_with_a_podium(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport, store: Store
) -> None:
    await start(engine, clock, RoundConfig(questions=2, seconds=10, hints=0, pause=1))
    for who in (BOB, CAROL):
        await engine.answer(CHANNEL, ALICE, "wrong")
        await engine.answer(CHANNEL, who, transport.open_question.fact.answer)
        await next_question(clock, transport)
    ended = transport.of(RoundEnded)
    assert len(ended) == 1 and ended[0].reason is EndReason.FINISHED
    podium = ended[0].podium
    assert [s.player for s in podium] == [BOB, CAROL]  # alice scored 0: not on the podium
    alice = next(s for s in ended[0].scores if s.player == ALICE)
    assert alice.accuracy == 0 and alice.answered == 2
    assert engine.running(CHANNEL) is None
    board = await store.leaderboard(GUILD, "all", to_datetime(clock.now()))
    assert {e.user_id: e.points for e in board} == {s.player.id: s.points for s in ended[0].scores}


async def test_round_ends_when_nobody_plays_two_questions_in_a_row(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock, RoundConfig(questions=5, seconds=10, hints=0, pause=1))
    await engine.answer(CHANNEL, BOB, "something")
    await clock.advance(11)  # q1 closes, answered
    await clock.advance(11)  # q2: nobody
    assert transport.of(RoundEnded) == []
    await clock.advance(11)  # q3: nobody again
    ended = transport.of(RoundEnded)
    assert len(ended) == 1 and ended[0].reason is EndReason.IDLE and ended[0].questions_asked == 3
    assert transport.of(QuestionClosed)[-1].last


async def test_stop_is_refused_for_another_student_and_allowed_for_a_teacher(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    with pytest.raises(NotAllowed):
        await engine.stop(CHANNEL, BOB.id, is_teacher=False)
    await clock.advance(1)
    assert engine.running(CHANNEL) is not None and transport.of(RoundEnded) == []
    await engine.stop(CHANNEL, TEACHER.id, is_teacher=True)
    await clock.advance(0)
    ended = transport.of(RoundEnded)
    assert len(ended) == 1 and ended[0].reason is EndReason.STOPPED
    assert transport.of(QuestionClosed)[-1].reason is CloseReason.STOPPED
    with pytest.raises(NoRoundRunning):
        await engine.stop(CHANNEL, ALICE.id, is_teacher=False)


async def test_the_starter_can_stop_and_skip(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    with pytest.raises(NotAllowed):
        await engine.skip(CHANNEL, BOB.id, is_teacher=False)
    await engine.skip(CHANNEL, ALICE.id, is_teacher=False)
    await clock.advance(0)
    assert [c.reason for c in transport.of(QuestionClosed)] == [CloseReason.SKIPPED]
    await clock.advance(NO_HINTS.pause)
    assert transport.open_question.number == 2
    await engine.stop(CHANNEL, ALICE.id, is_teacher=False)
    await clock.advance(0)
    assert transport.of(RoundEnded)[0].reason is EndReason.STOPPED


async def test_one_round_per_channel_but_many_channels_at_once(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport, store: Store
) -> None:
    await start(engine, clock)
    with pytest.raises(RoundAlreadyRunning):
        await engine.start(GUILD, CHANNEL, BOB, NO_HINTS)
    await engine.start(2, OTHER_CHANNEL, BOB, NO_HINTS)
    await clock.settle()
    by_channel = {q.where.channel_id: q for q in transport.of(QuestionOpened)}
    assert set(by_channel) == {CHANNEL, OTHER_CHANNEL}
    a = await engine.answer(CHANNEL, ALICE, by_channel[CHANNEL].fact.answer)
    b = await engine.answer(OTHER_CHANNEL, CAROL, by_channel[OTHER_CHANNEL].fact.answer)
    assert a is not None and a.correct and b is not None and b.correct
    # an answer in one channel is not an answer in the other
    assert await engine.answer(12, ALICE, "Paris") is None
    for _ in range(5):
        await clock.advance(30)
    assert {e.where.channel_id for e in transport.of(RoundEnded)} == {CHANNEL, OTHER_CHANNEL}
    now = to_datetime(clock.now())
    assert [e.user_id for e in await store.leaderboard(GUILD, "all", now)] == [ALICE.id]
    assert [e.user_id for e in await store.leaderboard(2, "all", now)] == [CAROL.id]


async def test_a_transport_that_fails_does_not_stop_the_round_or_lose_points(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport, store: Store
) -> None:
    transport.fail_on = {QuestionOpened, HintRevealed, AnswerJudged, QuestionClosed}
    await start(engine, clock, RoundConfig(questions=2, seconds=10, hints=1, pause=1))
    scored = 0
    for _ in range(2):
        judged = await engine.answer(CHANNEL, BOB, transport.open_question.fact.answer)
        assert judged is not None
        scored += judged.points
        await next_question(clock, transport)
    ended = transport.of(RoundEnded)
    assert len(ended) == 1 and ended[0].reason is EndReason.FINISHED
    board = await store.leaderboard(GUILD, "all", to_datetime(clock.now()))
    assert [(e.user_id, e.points) for e in board] == [(BOB.id, scored)]


async def test_a_point_the_store_cannot_record_is_never_announced(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport, store: Store
) -> None:
    await start(engine, clock)
    answer = transport.open_question.fact.answer

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    real = store.record_answer
    store.record_answer = broken  # type: ignore[method-assign]
    with pytest.raises(OSError):
        await engine.answer(CHANNEL, BOB, answer)
    store.record_answer = real  # type: ignore[method-assign]
    assert transport.of(AnswerJudged) == []
    # bob was not counted as first: carol's answer now takes the question in full
    judged = await engine.answer(CHANNEL, CAROL, answer)
    assert judged is not None and judged.first


async def test_unknown_topic_is_refused_with_a_clear_message(engine: QuizEngine) -> None:
    with pytest.raises(NoQuestions, match='topic "volcanoes"'):
        await engine.start(GUILD, CHANNEL, ALICE, RoundConfig(topic="volcanoes"))
    assert engine.running(CHANNEL) is None


async def test_a_topic_limits_the_questions(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock, RoundConfig(questions=10, seconds=5, hints=0, topic="even"))
    rnd = engine.running(CHANNEL)
    assert rnd is not None and len(rnd.entries) == 3
    assert all("even" in e.fact.topic for e in rnd.entries)


async def test_spamming_is_slowed_per_member_and_capped_per_question(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    burst = [await engine.answer(CHANNEL, BOB, f"guess {i}") for i in range(20)]
    assert sum(1 for t in burst if t is not None) == 4  # the rest of the burst is not judged
    await clock.advance(5)  # tokens refill, but one question takes at most 5 tries
    later = [await engine.answer(CHANNEL, BOB, f"again {i}") for i in range(5)]
    assert sum(1 for t in later if t is not None) == 1
    judged = await engine.answer(CHANNEL, CAROL, transport.open_question.fact.answer)
    assert judged is not None and judged.correct  # others are not slowed by bob's spam


async def test_shutdown_stops_every_round(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport
) -> None:
    await start(engine, clock)
    await engine.start(GUILD, OTHER_CHANNEL, BOB, NO_HINTS)
    await clock.settle()
    await engine.shutdown()
    assert sorted(e.where.channel_id for e in transport.of(RoundEnded)) == [CHANNEL, OTHER_CHANNEL]
    assert all(e.reason is EndReason.STOPPED for e in transport.of(RoundEnded))
    assert engine.channels == []


async def test_a_pick_the_store_cannot_record_can_be_made_again(
    engine: QuizEngine, clock: VirtualClock, transport: RecordingTransport, store: Store
) -> None:
    await start(engine, clock, RoundConfig(questions=1, seconds=20, mode=Mode.BUTTONS))
    opened = transport.open_question
    right = opened.options.index(opened.fact.answer)

    async def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    real = store.record_answer
    store.record_answer = broken  # type: ignore[method-assign]
    with pytest.raises(OSError):
        await engine.choose(CHANNEL, BOB, 1, right)
    store.record_answer = real  # type: ignore[method-assign]
    retried = await engine.choose(CHANNEL, BOB, 1, right)  # not "already answered"
    assert retried.correct
    await clock.advance(30)
    ended = transport.of(RoundEnded)[0]
    assert [(s.player, s.correct, s.answered) for s in ended.scores] == [(BOB, 1, 1)]
