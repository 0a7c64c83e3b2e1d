"""SQL for recording rounds, questions and answers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

import aiosqlite

from .rows import ClosedRound, EndReason, NewAnswer
from .times import to_ms

INSERT_ROUND: Final = """
INSERT INTO rounds (guild_id, channel_id, started_by, deck, topic, mode,
                    question_count, seconds, started_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

# Inserts nothing (rowcount 0) when the round does not exist.
INSERT_QUESTION: Final = """
INSERT INTO questions (round_id, position, fact_id, topic, opened_at)
SELECT id, ?, ?, ?, ? FROM rounds WHERE id = ?
"""

# Guild, round and topic come from the question, so a caller cannot file an answer
# under the wrong guild; an answer whose question does not exist is not inserted.
#
# A batch of answers is one statement, `INSERT_ANSWERS_HEAD + rows + INSERT_ANSWERS_TAIL`
# with one `ANSWER_ROW` per answer: SQLite runs it in a single step (rollup triggers and all)
# with the GIL released, instead of one step per answer, each of which would have to win
# the GIL back from a busy event loop. Within the batch, `seq` counts the same student's
# earlier answers in the same millisecond, and only a student's first answer in a round
# counts as their first in it. Batches are padded to a power of two with rows that match
# no question, so that SQLite keeps a handful of prepared statements, not one per size.
ANSWER_ROW: Final = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_ANSWERS_HEAD: Final = """
INSERT INTO answers (guild_id, user_id, answered_at, seq, question_id, round_id, user_name,
                     attempt, correct, points, response_ms, streak, topic, first_in_round)
WITH a (n, question_id, user_id, user_name, answered_at, attempt, correct, points,
        response_ms, streak) AS (VALUES """
INSERT_ANSWERS_TAIL: Final = """)
SELECT r.guild_id, a.user_id, a.answered_at,
       (SELECT count(*) FROM answers AS same
        WHERE same.guild_id = r.guild_id AND same.user_id = a.user_id
          AND same.answered_at = a.answered_at)
         + row_number() OVER (PARTITION BY r.guild_id, a.user_id, a.answered_at ORDER BY a.n)
         - 1,
       q.id, q.round_id, a.user_name, a.attempt, a.correct, a.points, a.response_ms, a.streak,
       q.topic,
       row_number() OVER (PARTITION BY q.round_id, a.user_id ORDER BY a.n) = 1
         AND NOT EXISTS (SELECT 1 FROM round_players AS rp
                         WHERE rp.round_id = q.round_id AND rp.user_id = a.user_id)
FROM a
JOIN questions AS q ON q.id = a.question_id
JOIN rounds AS r ON r.id = q.round_id
ORDER BY a.n
"""
MAX_ANSWERS_PER_INSERT: Final = 1024  # x 10 parameters, well under SQLite's 32,766
_PADDING: Final = (None,) * 9


def answer_chunks(answers: Iterable[NewAnswer]) -> Iterator[tuple[int, list[Any]]]:
    """The batch as statements: (rows to write out, their parameters, in one flat list)."""
    params: list[Any] = []
    count = 0
    for a in answers:
        params += (
            count,
            a.question_id,
            a.user_id,
            a.user_name,
            to_ms(a.answered_at),
            a.attempt,
            1 if a.correct else 0,
            a.points,
            a.response_ms,
            a.streak,
        )
        count += 1
        if count == MAX_ANSWERS_PER_INSERT:
            yield count, params
            params, count = [], 0
    if count:
        rows = 1 << (count - 1).bit_length()
        for n in range(count, rows):
            params += (n, *_PADDING)
        yield rows, params


async def end_round(
    db: aiosqlite.Connection, round_id: int, at: int, reason: EndReason, winner_id: int | None
) -> bool:
    """Run inside a transaction; False if there is no such round."""
    async with db.execute(
        "UPDATE rounds SET ended_at = ?, end_reason = ?, winner_id = ? WHERE id = ?",
        (at, reason, winner_id, round_id),
    ) as cursor:
        if cursor.rowcount == 0:
            return False
    await db.execute(
        "UPDATE questions SET closed_at = ? WHERE round_id = ? AND closed_at IS NULL",
        (at, round_id),
    )
    return True


async def close_open_rounds(db: aiosqlite.Connection, at: int) -> list[ClosedRound]:
    """Run inside a transaction: end every open round (and its open questions) as 'stopped'."""
    rows = await db.execute_fetchall(
        "SELECT id, guild_id, channel_id FROM rounds WHERE ended_at IS NULL ORDER BY id"
    )
    await db.execute(
        "UPDATE questions SET closed_at = ? WHERE closed_at IS NULL "
        "AND round_id IN (SELECT id FROM rounds WHERE ended_at IS NULL)",
        (at,),
    )
    await db.execute(
        "UPDATE rounds SET ended_at = ?, end_reason = 'stopped' WHERE ended_at IS NULL", (at,)
    )
    return [ClosedRound(round_id=r, guild_id=g, channel_id=c) for r, g, c in rows]
