"""Read-only queries behind the leaderboard, student stats and round results.

They read the rollup tables kept by the triggers in schema.py, so their cost grows with
the number of students, not the number of answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final, cast

import aiosqlite

from .rows import EndReason, LeaderboardEntry, PlayerResult, RoundRow, StudentStats, TopicStats
from .times import WEEK, RawSpan, from_ms, opt_from_ms, plan_window, to_ms

ROUND_COLUMNS: Final = (
    "id, guild_id, channel_id, started_by, deck, topic, mode, question_count, seconds, "
    "started_at, ended_at, end_reason, winner_id"
)


def round_from_row(row: Iterable[Any]) -> RoundRow:
    (rid, guild, channel, by, deck, topic, mode, count, secs, started, ended, reason, winner) = row
    return RoundRow(
        id=rid,
        guild_id=guild,
        channel_id=channel,
        started_by=by,
        deck=deck,
        topic=topic,
        mode=mode,
        question_count=count,
        seconds=secs,
        started_at=from_ms(started),
        ended_at=opt_from_ms(ended),
        end_reason=cast(EndReason | None, reason),
        winner_id=winner,
    )


async def fetch_round(db: aiosqlite.Connection, round_id: int) -> RoundRow | None:
    sql = f"SELECT {ROUND_COLUMNS} FROM rounds WHERE id = ?"
    async with db.execute(sql, (round_id,)) as cursor:
        row = await cursor.fetchone()
    return None if row is None else round_from_row(row)


def _entry(row: Iterable[Any]) -> LeaderboardEntry:
    user_id, user_name, points, answers, correct, rounds_played, wins = row
    return LeaderboardEntry(
        user_id=user_id,
        user_name=user_name,
        points=points,
        answers=answers,
        correct=correct,
        wins=wins,
        rounds_played=rounds_played,
    )


_ALL_TIME: Final = """
SELECT user_id, user_name, points, answers, correct, rounds_played, wins
FROM player_totals
WHERE guild_id = ? AND answers > 0
ORDER BY points DESC, CAST(correct AS REAL) / answers DESC, user_id
LIMIT ?
"""


async def leaderboard_all(
    db: aiosqlite.Connection, guild_id: int, limit: int
) -> list[LeaderboardEntry]:
    return [_entry(row) for row in await db.execute_fetchall(_ALL_TIME, (guild_id, limit))]


_BLOCK_SLOTS: Final = 12  # a week needs at most 7; unused slots hold (-1, -1)
_NO_RAW: Final = RawSpan(-1, 0, 0)

# Whole blocks from player_spans, then the (at most two) partial hours: answers of just
# the students with a 1-hour block in that hour, and rounds that ended then (wins count
# rounds ended in the window). CROSS JOIN keeps the left table outside: one seek per
# block or student instead of a scan of the guild.
_PARTIAL_HOUR: Final = """
    UNION ALL
    SELECT a.user_id, a.points, 1, a.correct, a.first_in_round, 0
    FROM player_spans AS e
    CROSS JOIN answers AS a ON a.guild_id = e.guild_id AND a.user_id = e.user_id
                           AND a.answered_at >= :rawN_lo AND a.answered_at < :rawN_hi
    WHERE e.guild_id = :guild AND e.span = 1 AND e.start = :rawN_hour
    UNION ALL
    SELECT winner_id, 0, 0, 0, 0, 1 FROM rounds
    WHERE guild_id = :guild AND ended_at >= :rawN_lo AND ended_at < :rawN_hi
      AND winner_id IS NOT NULL
"""

_WINDOW: Final = (
    """
WITH blocks (span, start) AS (VALUES """
    + ", ".join(f"(:span{i}, :start{i})" for i in range(_BLOCK_SLOTS))
    + """),
parts (user_id, points, answers, correct, rounds, wins) AS (
    SELECT s.user_id, s.points, s.answers, s.correct, s.rounds, s.wins
    FROM blocks AS b CROSS JOIN player_spans AS s
    WHERE s.guild_id = :guild AND s.span = b.span AND s.start = b.start"""
    + _PARTIAL_HOUR.replace("rawN", "raw1")
    + _PARTIAL_HOUR.replace("rawN", "raw2")
    + """),
top AS (
    SELECT user_id, sum(points) AS points, sum(answers) AS answers,
           sum(correct) AS correct, sum(rounds) AS rounds, sum(wins) AS wins
    FROM parts GROUP BY user_id HAVING sum(answers) > 0
    ORDER BY 2 DESC, CAST(sum(correct) AS REAL) / sum(answers) DESC, user_id
    LIMIT :limit
)
SELECT top.user_id, t.user_name, top.points, top.answers, top.correct, top.rounds, top.wins
FROM top CROSS JOIN player_totals AS t ON t.guild_id = :guild AND t.user_id = top.user_id
ORDER BY top.points DESC, CAST(top.correct AS REAL) / top.answers DESC, top.user_id
"""
)


async def leaderboard_window(
    db: aiosqlite.Connection, guild_id: int, start: datetime, end: datetime, limit: int
) -> list[LeaderboardEntry]:
    """Leaderboard over answers with start <= answered_at <= end (both inclusive)."""
    start_ms, end_ms = to_ms(start), to_ms(end) + 1
    plan = plan_window(start_ms, end_ms)
    if len(plan.blocks) > _BLOCK_SLOTS:
        raise ValueError(f"window {start} .. {end} is too long for one leaderboard query")
    params: dict[str, int] = {"guild": guild_id, "limit": limit, "start": start_ms, "end": end_ms}
    for i in range(_BLOCK_SLOTS):
        block = plan.blocks[i] if i < len(plan.blocks) else None
        params[f"span{i}"] = block.span if block else -1
        params[f"start{i}"] = block.start if block else -1
    for i, span in enumerate((*plan.raw, _NO_RAW, _NO_RAW)[:2], start=1):
        params[f"raw{i}_hour"] = span.hour
        params[f"raw{i}_lo"] = span.lo
        params[f"raw{i}_hi"] = span.hi
    return [_entry(row) for row in await db.execute_fetchall(_WINDOW, params)]


async def leaderboard_week(
    db: aiosqlite.Connection, guild_id: int, now: datetime, limit: int
) -> list[LeaderboardEntry]:
    return await leaderboard_window(db, guild_id, now - WEEK, now, limit)


async def student_stats(
    db: aiosqlite.Connection,
    guild_id: int,
    user_id: int,
    *,
    weakest_min_answers: int,
    weakest_limit: int,
) -> StudentStats | None:
    async with db.execute(
        "SELECT user_name, points, answers, correct, best_streak, rounds_played, wins "
        "FROM player_totals WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None or (row[2] == 0 and row[6] == 0):
        return None
    user_name, points, answers, correct, best_streak, rounds_played, wins = row
    topic_rows = await db.execute_fetchall(
        "SELECT topic, answers, correct, points FROM player_topics "
        "WHERE guild_id = ? AND user_id = ? ORDER BY topic",
        (guild_id, user_id),
    )
    topics = tuple(TopicStats(topic=t, answers=a, correct=c, points=p) for t, a, c, p in topic_rows)
    candidates = [t for t in topics if t.answers >= weakest_min_answers and t.correct < t.answers]
    candidates.sort(key=lambda t: (t.accuracy, -t.answers, t.topic))
    return StudentStats(
        guild_id=guild_id,
        user_id=user_id,
        user_name=user_name,
        points=points,
        answers=answers,
        correct=correct,
        best_streak=best_streak,
        rounds_played=rounds_played,
        wins=wins,
        topics=topics,
        weakest=tuple(candidates[:weakest_limit]),
    )


async def round_players(db: aiosqlite.Connection, round_id: int) -> tuple[PlayerResult, ...]:
    rows = await db.execute_fetchall(
        "SELECT user_id, user_name, points, correct, answers FROM round_players "
        "WHERE round_id = ? ORDER BY points DESC, correct DESC, user_id",
        (round_id,),
    )
    return tuple(
        PlayerResult(user_id=u, user_name=n, points=p, correct=c, answers=a)
        for u, n, p, c, a in rows
    )
