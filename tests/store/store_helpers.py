"""Helpers shared by the store tests (a unique module name: tests/ is not a package)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import EndReason, Store

Play = Callable[..., Awaitable[int]]
"""The `play` fixture: `await play(guild_id, at, [Ans(...)], winner_id=...)` -> round id."""

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Ans:
    """One answer in a played round (each on its own question)."""

    user_id: int
    correct: bool = True
    points: int = 10
    topic: str = "history"
    streak: int = 1
    name: str | None = None
    attempt: str = "1950"


async def play_round(
    store: Store,
    guild_id: int,
    at: datetime,
    answers: Sequence[Ans],
    *,
    winner_id: int | None = None,
    reason: EndReason | None = "finished",
    started_by: int = 1,
    channel_id: int = 500,
) -> int:
    """Start a round at `at`, one question per answer (answered 1.5 s in), then end it."""
    round_id = await store.start_round(
        guild_id, channel_id, started_by, "korea", None, "classic", max(len(answers), 1), 20, at
    )
    for position, ans in enumerate(answers, start=1):
        opened = at + timedelta(seconds=10 * position)
        question_id = await store.open_question(
            round_id, position, f"fact{position}", ans.topic, opened
        )
        await store.record_answer(
            question_id,
            ans.user_id,
            ans.name or f"user{ans.user_id}",
            ans.attempt,
            ans.correct,
            ans.points,
            1500,
            ans.streak,
            opened + timedelta(milliseconds=1500),
        )
        await store.close_question(question_id, opened + timedelta(seconds=5))
    if reason is not None:
        await store.end_round(round_id, at + timedelta(minutes=5), reason, winner_id)
    return round_id


def user_tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return sorted(name for (name,) in rows)


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        # Table names come from sqlite_master or the test itself, never from input.
        (n,) = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()
    return int(n)
