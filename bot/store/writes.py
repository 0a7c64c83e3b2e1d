"""SQL for recording rounds, questions and answers."""

from __future__ import annotations

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
# under the wrong guild; inserts nothing when the question does not exist.
INSERT_ANSWER: Final = """
INSERT INTO answers (guild_id, user_id, answered_at, seq, question_id, round_id, user_name,
                     attempt, correct, points, response_ms, streak, topic, first_in_round)
SELECT r.guild_id, :user_id, :answered_at,
       (SELECT count(*) FROM answers AS same
        WHERE same.guild_id = r.guild_id AND same.user_id = :user_id
          AND same.answered_at = :answered_at),
       q.id, q.round_id, :user_name, :attempt, :correct, :points, :response_ms, :streak, q.topic,
       NOT EXISTS (SELECT 1 FROM round_players AS rp
                   WHERE rp.round_id = q.round_id AND rp.user_id = :user_id)
FROM questions AS q JOIN rounds AS r ON r.id = q.round_id
WHERE q.id = :question_id
"""


def answer_params(answer: NewAnswer) -> dict[str, Any]:
    return {
        "question_id": answer.question_id,
        "user_id": answer.user_id,
        "user_name": answer.user_name,
        "answered_at": to_ms(answer.answered_at),
        "attempt": answer.attempt,
        "correct": 1 if answer.correct else 0,
        "points": answer.points,
        "response_ms": answer.response_ms,
        "streak": answer.streak,
    }


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
