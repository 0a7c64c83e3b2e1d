"""Recording rounds, questions and answers; recovering rounds a crash left open."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import T0, Ans, Play

from bot.store import NewAnswer, Store, UnknownQuestionError, UnknownRoundError


async def test_round_is_stored_with_aware_utc_times(store: Store) -> None:
    round_id = await store.start_round(1, 2, 3, "korea", "dates", "speed", 5, 15, T0)
    row = await store.get_round(round_id)
    assert row is not None
    assert (row.guild_id, row.channel_id, row.started_by) == (1, 2, 3)
    assert (row.deck, row.topic, row.mode, row.question_count, row.seconds) == (
        "korea", "dates", "speed", 5, 15,
    )  # fmt: skip
    assert row.started_at == T0 and row.started_at.utcoffset() == timedelta(0)
    assert (row.ended_at, row.end_reason, row.winner_id) == (None, None, None)
    assert await store.get_round(round_id + 1) is None


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.start_round(1, 2, 3, "korea", None, "classic", 5, 15, datetime(2025, 1, 1))


async def test_answers_need_a_real_question_and_questions_a_real_round(store: Store) -> None:
    with pytest.raises(UnknownRoundError):
        await store.open_question(99, 1, "f", "t", T0)
    with pytest.raises(UnknownQuestionError):
        await store.record_answer(99, 7, "ann", "x", True, 10, 100, 1, T0)
    with pytest.raises(UnknownQuestionError):
        await store.close_question(99, T0)
    with pytest.raises(UnknownRoundError):
        await store.end_round(99, T0, "finished", None)


async def test_end_round_closes_open_questions_and_checks_the_reason(
    store: Store, db_path: Path
) -> None:
    round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 5, 15, T0)
    question = await store.open_question(round_id, 1, "f", "t", T0)
    with pytest.raises(ValueError, match="end reason"):
        await store.end_round(round_id, T0, "exploded", None)  # type: ignore[arg-type]
    await store.end_round(round_id, T0 + timedelta(minutes=1), "idle", None)
    row = await store.get_round(round_id)
    assert row is not None and row.end_reason == "idle"
    with sqlite3.connect(db_path) as raw:
        (closed_at,) = raw.execute(
            "SELECT closed_at FROM questions WHERE id = ?", (question,)
        ).fetchone()
    assert closed_at is not None


async def test_changing_the_winner_moves_the_win(store: Store, play: Play) -> None:
    round_id = await play(1, T0, [Ans(7), Ans(8)], winner_id=7)
    await store.end_round(round_id, T0 + timedelta(minutes=6), "finished", 8)
    board = await store.leaderboard(1, "all", T0)
    assert {e.user_id: e.wins for e in board} == {7: 0, 8: 1}


async def test_close_open_rounds_marks_rounds_left_by_a_crash_stopped(
    store: Store, play: Play, db_path: Path
) -> None:
    finished = await play(1, T0, [Ans(7)], winner_id=7)
    crashed_a = await play(1, T0, [Ans(7), Ans(8)], reason=None, channel_id=11)
    crashed_b = await play(2, T0, [Ans(9)], reason=None, channel_id=22)
    # A question still open when the bot died:
    dangling = await store.open_question(crashed_b, 2, "f", "t", T0 + timedelta(minutes=1))

    restart = T0 + timedelta(hours=2)
    closed = await store.close_open_rounds(restart)
    assert [(c.round_id, c.guild_id, c.channel_id) for c in closed] == [
        (crashed_a, 1, 11),
        (crashed_b, 2, 22),
    ]
    for round_id in (crashed_a, crashed_b):
        row = await store.get_round(round_id)
        assert row is not None
        assert (row.end_reason, row.ended_at, row.winner_id) == ("stopped", restart, None)
    kept = await store.get_round(finished)
    assert kept is not None and kept.end_reason == "finished"
    with sqlite3.connect(db_path) as raw:
        assert raw.execute(
            "SELECT closed_at FROM questions WHERE id = ?", (dangling,)
        ).fetchone() == (int(restart.timestamp() * 1000),)
    # Points scored before the crash still count.
    board = await store.leaderboard(1, "all", restart)
    assert {e.user_id: e.points for e in board} == {7: 20, 8: 10}
    assert await store.close_open_rounds(restart) == []


async def test_record_answers_in_bulk_is_all_or_nothing(store: Store) -> None:
    round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 5, 15, T0)
    question = await store.open_question(round_id, 1, "f", "dates", T0)
    good = NewAnswer(question, 7, "ann", "1950", True, 10, 900, 1, T0)
    assert await store.record_answers([]) == 0
    assert await store.record_answers([good, good]) == 2
    with pytest.raises(UnknownQuestionError):
        await store.record_answers([good, NewAnswer(999, 7, "ann", "x", True, 10, 1, 1, T0)])
    (entry,) = await store.leaderboard(1, "all", T0)
    assert (entry.answers, entry.points) == (2, 20)


async def test_two_answers_in_the_same_millisecond_are_both_kept(store: Store) -> None:
    round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 5, 15, T0)
    question = await store.open_question(round_id, 1, "f", "dates", T0)
    await store.record_answer(question, 7, "ann", "1950", True, 10, 900, 1, T0)
    await store.record_answer(question, 7, "ann", "1950", True, 10, 900, 2, T0)
    (entry,) = await store.leaderboard(1, "all", T0)
    assert (entry.answers, entry.points, entry.rounds_played) == (2, 20, 1)


async def test_concurrent_writers_do_not_lose_or_mix_answers(store: Store) -> None:
    round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 50, 15, T0)
    questions = [await store.open_question(round_id, p, "f", "t", T0) for p in range(1, 51)]

    async def student(user: int) -> None:
        for q in questions:
            await store.record_answer(q, user, f"u{user}", "x", True, 1, 10, 1, T0)

    async def teacher(guild_id: int) -> None:  # multi-statement transactions
        for seconds in range(1, 21):
            await store.update_settings(guild_id, default_seconds=seconds)

    await asyncio.gather(*(student(u) for u in range(1, 9)), teacher(1), teacher(2))
    board = await store.leaderboard(1, "all", T0, limit=20)
    assert sorted((e.user_id, e.points, e.answers) for e in board) == [
        (u, 50, 50) for u in range(1, 9)
    ]
    assert (await store.get_settings(2)).default_seconds == 20
    assert await store.integrity_check() == "ok"


async def test_a_batch_is_recorded_exactly_as_its_answers_one_by_one(tmp_path: Path) -> None:
    """Group commit writes a batch in one statement; every total a student or teacher can see
    must be what answering one at a time gives: names, firsts, same-millisecond repeats."""
    later = T0 + timedelta(seconds=5)

    async def setup(store: Store) -> tuple[list[int], list[int]]:
        rounds = [
            await store.start_round(1, channel, 3, "korea", None, "typed", 5, 15, T0)
            for channel in (2, 4)
        ]
        questions = [
            await store.open_question(rounds[0], 1, "a", "dates", T0),
            await store.open_question(rounds[1], 1, "b", "people", T0),
            await store.open_question(rounds[0], 2, "c", "dates", later),
        ]
        return rounds, questions

    def answers(q: list[int]) -> list[NewAnswer]:
        return [
            NewAnswer(q[0], 7, "ann", "1949", False, 0, 500, 0, T0),
            NewAnswer(q[0], 7, "ann", "1950", True, 10, 500, 1, T0),  # same millisecond
            NewAnswer(q[1], 7, "ann b.", "kim", True, 8, 900, 1, T0),  # another round
            NewAnswer(q[0], 8, "bo", "1950", True, 6, 700, 1, T0),
            NewAnswer(q[2], 7, "Ann B", "1953", True, 10, 300, 2, later),  # renamed
            NewAnswer(q[2], 8, "bo", "1952", False, 0, 400, 0, later),
        ]

    async def seen(store: Store, rounds: list[int]) -> tuple[object, ...]:
        return (
            await store.leaderboard(1, "all", later),
            await store.leaderboard(1, "week", later),
            await store.student_stats(1, 7),
            await store.student_stats(1, 8),
            [(await store.round_results(r)).players for r in rounds],
        )

    async with await Store.open(tmp_path / "one.db") as one:
        rounds, q = await setup(one)
        for a in answers(q):
            await one.record_answers([a])
        expected = await seen(one, rounds)
    async with await Store.open(tmp_path / "batch.db") as batch:
        rounds, q = await setup(batch)
        assert await batch.record_answers(answers(q)) == 6
        got = await seen(batch, rounds)
    assert got == expected
    all_time = got[0]
    assert isinstance(all_time, list)
    assert [(e.user_name, e.answers, e.points, e.rounds_played) for e in all_time] == [
        ("Ann B", 4, 28, 2),
        ("bo", 2, 6, 1),
    ]


async def test_a_batch_larger_than_one_statement_keeps_every_answer(store: Store) -> None:
    """Over 1,024 answers go in several statements: the later ones must still see the
    earlier ones (same millisecond, same round)."""
    round_id = await store.start_round(1, 2, 3, "korea", None, "typed", 5, 15, T0)
    question = await store.open_question(round_id, 1, "f", "dates", T0)
    batch = [NewAnswer(question, 7, "ann", str(n), False, 0, 900, 0, T0) for n in range(1_030)]
    assert await store.record_answers(batch) == 1_030
    (entry,) = await store.leaderboard(1, "all", T0)
    assert (entry.answers, entry.rounds_played) == (1_030, 1)
    (player,) = (await store.round_results(round_id)).players
    assert player.answers == 1_030
