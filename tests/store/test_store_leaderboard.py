"""Leaderboards: all-time and last-7-days, sorting, wins, accuracy, guild isolation."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import T0, Ans, Play

from bot.store import LeaderboardEntry, Store, migrations
from bot.store.times import to_ms

GUILD = 1


def summary(board: list[LeaderboardEntry]) -> list[tuple[int, int, int, int, int, int]]:
    return [(e.user_id, e.points, e.answers, e.correct, e.wins, e.rounds_played) for e in board]


async def test_empty_guild_has_an_empty_leaderboard(store: Store) -> None:
    assert await store.leaderboard(GUILD, "all", T0) == []
    assert await store.leaderboard(GUILD, "week", T0) == []


async def test_all_time_sums_points_counts_wins_rounds_and_accuracy(
    store: Store, play: Play
) -> None:
    await play(GUILD, T0, [Ans(7), Ans(8, correct=False, points=0), Ans(7)], winner_id=7)
    await play(GUILD, T0 + timedelta(days=30), [Ans(8, points=25), Ans(7, False, 0)], winner_id=8)
    await play(GUILD, T0 + timedelta(days=31), [Ans(9, points=5)], winner_id=9)

    board = await store.leaderboard(GUILD, "all", T0 + timedelta(days=31))
    assert summary(board) == [
        # user, points, answers, correct, wins, rounds
        (8, 25, 2, 1, 1, 2),
        (7, 20, 3, 2, 1, 2),
        (9, 5, 1, 1, 1, 1),
    ]
    assert board[1].accuracy == pytest.approx(2 / 3)
    assert board[0].user_name == "user8"


async def test_equal_points_are_ordered_by_accuracy(store: Store, play: Play) -> None:
    await play(GUILD, T0, [Ans(1, points=10), Ans(1, False, 0), Ans(2, points=10)])
    await play(GUILD, T0, [Ans(3, points=4), Ans(3, points=6), Ans(3, False, 0)])
    board = await store.leaderboard(GUILD, "all", T0)
    assert [e.user_id for e in board] == [2, 3, 1]  # 100 %, 67 %, 50 %
    assert [round(e.accuracy, 2) for e in board] == [1.0, 0.67, 0.5]


async def test_limit_cuts_the_list(store: Store, play: Play) -> None:
    await play(GUILD, T0, [Ans(u, points=u) for u in range(1, 16)])
    board = await store.leaderboard(GUILD, "all", T0, limit=10)
    assert [e.user_id for e in board] == list(range(15, 5, -1))
    assert len(await store.leaderboard(GUILD, "all", T0, limit=3)) == 3


async def test_user_name_is_the_latest_one_seen(store: Store, play: Play) -> None:
    await play(GUILD, T0, [Ans(7, name="Ann")])
    await play(GUILD, T0 + timedelta(hours=1), [Ans(7, name="Ann (she/her)")])
    (entry,) = await store.leaderboard(GUILD, "all", T0)
    assert entry.user_name == "Ann (she/her)"


async def test_week_leaves_out_answers_older_than_seven_days(store: Store, play: Play) -> None:
    now = T0 + timedelta(days=20)
    await play(GUILD, now - timedelta(days=8), [Ans(7, points=100)], winner_id=7)
    await play(GUILD, now - timedelta(days=2), [Ans(7, points=5), Ans(8, points=10)], winner_id=8)

    assert summary(await store.leaderboard(GUILD, "week", now)) == [
        (8, 10, 1, 1, 1, 1),
        (7, 5, 1, 1, 0, 1),
    ]
    assert summary(await store.leaderboard(GUILD, "all", now)) == [
        (7, 105, 2, 2, 1, 2),
        (8, 10, 1, 1, 1, 1),
    ]


async def test_week_boundaries_are_exact_to_the_millisecond(store: Store) -> None:
    now = T0 + timedelta(days=10, hours=5, minutes=17, seconds=3, milliseconds=250)
    start = now - timedelta(days=7)
    round_id = await store.start_round(GUILD, 5, 1, "d", None, "classic", 9, 20, start)
    moments = {
        1: start - timedelta(milliseconds=1),  # too old
        2: start,  # exactly 7 days: counted
        3: start + timedelta(milliseconds=1),
        4: now,  # counted
        5: now + timedelta(milliseconds=1),  # in the future of `now`
    }
    for user, moment in moments.items():
        question = await store.open_question(round_id, user, "f", "t", moment)
        await store.record_answer(question, user, f"u{user}", "a", True, user, 10, 1, moment)
    week = await store.leaderboard(GUILD, "week", now)
    assert sorted(e.user_id for e in week) == [2, 3, 4]


async def test_guild_b_sees_nothing_of_guild_a(store: Store, play: Play) -> None:
    later = T0 + timedelta(hours=1)
    await play(1, T0, [Ans(7), Ans(8)], winner_id=7)
    assert await store.leaderboard(2, "all", later) == []
    assert await store.leaderboard(2, "week", later) == []
    await play(2, T0, [Ans(7, points=1)], winner_id=7)
    for period in ("all", "week"):
        (entry,) = await store.leaderboard(2, period, later)
        assert (entry.points, entry.answers, entry.wins, entry.rounds_played) == (1, 1, 1, 1)
        assert [e.points for e in await store.leaderboard(1, period, later)] == [10, 10]


def _brute_force(
    db_path: Path, guild_id: int, start: datetime | None, end: datetime
) -> list[tuple[int, int, int, int, int, int]]:
    """The leaderboard computed the slow, obvious way from the answers themselves."""
    lo, hi = (to_ms(start) if start else -(2**62)), to_ms(end)
    with sqlite3.connect(db_path) as db:
        answers = db.execute(
            "SELECT user_id, round_id, answered_at, points, correct FROM answers "
            "WHERE guild_id = ?",
            (guild_id,),
        ).fetchall()
        wins = db.execute(
            "SELECT winner_id, ended_at FROM rounds WHERE guild_id = ? AND winner_id IS NOT NULL",
            (guild_id,),
        ).fetchall()
    totals: dict[int, list[int]] = {}
    first: dict[tuple[int, int], int] = {}
    for user, round_id, at, points, correct in answers:
        key = (round_id, user)
        first[key] = min(first.get(key, at), at)
        if lo <= at <= hi:
            t = totals.setdefault(user, [0, 0, 0, 0, 0])
            t[0] += points
            t[1] += 1
            t[2] += correct
    for (_, user), at in first.items():
        if lo <= at <= hi and user in totals:
            totals[user][4] += 1
    for user, ended in wins:
        if lo <= ended <= hi and user in totals:
            totals[user][3] += 1
    rows = [(u, *t) for u, t in totals.items()]
    rows.sort(key=lambda r: (-r[1], -(r[3] / r[2]), r[0]))
    return [(u, p, a, c, w, r) for u, p, a, c, w, r in rows]


async def _check_against_brute_force(store: Store, db_path: Path, nows: list[datetime]) -> None:
    for guild in (1, 2):
        for now in nows:
            week = await store.leaderboard(guild, "week", now, limit=100)
            assert summary(week) == _brute_force(db_path, guild, now - timedelta(days=7), now)
        board = await store.leaderboard(guild, "all", T0, limit=100)
        assert summary(board) == _brute_force(db_path, guild, None, T0 + timedelta(days=99))


async def test_rollups_agree_with_a_brute_force_count(
    store: Store, play: Play, db_path: Path
) -> None:
    rng = random.Random(20250310)
    rounds: list[int] = []
    answer_times: list[datetime] = []
    for _ in range(60):
        guild = rng.choice([1, 2])
        at = T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 20), seconds=rng.randrange(60))
        answers = [
            Ans(
                rng.randrange(1, 9),
                rng.random() < 0.6,
                rng.randrange(0, 20),
                f"t{rng.randrange(3)}",
            )
            for _ in range(rng.randrange(1, 8))
        ]
        rounds.append(await play(guild, at, answers, winner_id=answers[0].user_id))
        answer_times.append(at + timedelta(seconds=11.5))  # the first answer
    # Some winners change (and the win moves to a new end time); one student is forgotten.
    for round_id in rng.sample(rounds, 10):
        ended = T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
        await store.end_round(round_id, ended, "finished", rng.choice([None, 1, 2, 3]))
    await store.forget(5, guild_id=1)

    nows = [T0 + timedelta(days=d, minutes=rng.randrange(0, 1440)) for d in range(4, 22)]
    # Windows that start or end exactly on an answer.
    nows += [t + timedelta(days=7) for t in rng.sample(answer_times, 5)]
    nows += rng.sample(answer_times, 5)
    await _check_against_brute_force(store, db_path, nows)


async def test_upgraded_rollups_agree_with_a_brute_force_count(db_path: Path) -> None:
    rng = random.Random(7)
    db_path.parent.mkdir(parents=True)
    t0 = to_ms(T0)
    with sqlite3.connect(db_path) as db:
        db.executescript(migrations.MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        for round_id in range(1, 41):
            guild = rng.choice([1, 2])
            start = t0 + rng.randrange(0, 20 * 86_400_000)
            players = rng.sample(range(1, 9), rng.randrange(1, 5))
            db.execute(
                "INSERT INTO rounds (id, guild_id, channel_id, started_by, deck, mode, "
                "question_count, seconds, started_at, ended_at, end_reason, winner_id) "
                "VALUES (?, ?, 5, 1, 'd', 'classic', 3, 20, ?, ?, 'finished', ?)",
                (round_id, guild, start, start + 300_000, players[0]),
            )
            for position in range(1, 4):
                db.execute(
                    "INSERT INTO questions (id, round_id, position, fact_id, topic, opened_at) "
                    "VALUES (?, ?, ?, 'f', 't', ?)",
                    (round_id * 10 + position, round_id, position, start),
                )
                for user in players:
                    correct = rng.random() < 0.5
                    db.execute(
                        "INSERT INTO answers (question_id, round_id, guild_id, user_id, "
                        "user_name, answered_at, attempt, correct, points, response_ms, "
                        "streak, topic) VALUES (?, ?, ?, ?, 'n', ?, 'x', ?, ?, 1, 1, 't')",
                        (
                            round_id * 10 + position,
                            round_id,
                            guild,
                            user,
                            start + position * 20_000 + rng.randrange(0, 9_000),
                            int(correct),
                            rng.randrange(1, 20) if correct else 0,
                        ),
                    )
    async with await Store.open(db_path) as store:
        nows = [T0 + timedelta(days=d, minutes=rng.randrange(0, 1440)) for d in range(3, 22)]
        await _check_against_brute_force(store, db_path, nows)


async def test_unknown_period_is_a_programming_error(store: Store) -> None:
    with pytest.raises(ValueError, match="period"):
        await store.leaderboard(GUILD, "month", T0)  # type: ignore[arg-type]
