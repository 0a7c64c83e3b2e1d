"""The store: the only module that speaks SQL. One aiosqlite connection, named methods.

Every public method takes the store's lock, so one coroutine's transaction can never
swallow another's statements on the shared connection. Writes are committed (to the WAL,
which survives the process being killed) before the method returns; a second connection
checkpoints in the background (checkpoints.py).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import aiosqlite

from . import guilds, maintenance, privacy, reports, writes
from .checkpoints import WRITES_PER_CHECKPOINT, Checkpointer
from .errors import NotADatabaseError, StoreError, UnknownQuestionError, UnknownRoundError
from .migrations import migrate, user_version
from .rows import (
    END_REASONS,
    UNSET,
    ClosedRound,
    Diagnostics,
    EndReason,
    GuildDeckRow,
    GuildSettings,
    LeaderboardEntry,
    NewAnswer,
    Period,
    RoundResults,
    RoundRow,
    StudentStats,
    Unset,
)
from .times import to_ms

BUSY_TIMEOUT_MS: Final = 5_000
# Backstop only: checkpoints normally run in the background (checkpoints.py).
AUTOCHECKPOINT_PAGES: Final = 10_000
# forget() and batches of answers rewrite many pages: checkpoint soon after them.
HEAVY_WRITE: Final = WRITES_PER_CHECKPOINT


class Store:
    """Persistence for rounds, answers, leaderboards, guild settings and guild decks."""

    def __init__(self, db: aiosqlite.Connection, path: Path, checkpointer: Checkpointer) -> None:
        """Use `await Store.open(path)`; this only wraps an already migrated connection."""
        self._db = db
        self._path = path
        self._checkpointer = checkpointer
        self._lock = asyncio.Lock()
        self._closed = False
        # Group commit: answers waiting for the next transaction, and the task committing them.
        self._waiting: list[tuple[NewAnswer, asyncio.Future[None]]] = []
        self._committer: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------

    @classmethod
    async def open(cls, path: str | os.PathLike[str]) -> Self:
        """Open (creating if needed) the database at `path` and bring its schema up to date."""
        where = Path(path)
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(where, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(
                f"Cannot open the database at {where} ({exc}). "
                "Check that the folder exists and the bot may write to it."
            ) from exc
        try:
            await cls._configure(db)
            await migrate(db, str(where))
            checkpointer = await Checkpointer.open(where)
        except sqlite3.Error as exc:
            await db.close()
            if exc.sqlite_errorname in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise NotADatabaseError(
                    f"The file at {where} is not a study bot database, or is damaged ({exc}). "
                    "Check the database path in the settings, or restore a backup."
                ) from exc
            raise StoreError(f"Cannot open the database at {where} ({exc}).") from exc
        except BaseException:
            await db.close()
            raise
        return cls(db, where, checkpointer)

    @staticmethod
    async def _configure(db: aiosqlite.Connection) -> None:
        # PRAGMAs take no bound parameters; these values are constants.
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")

    async def close(self) -> None:
        if self._committer is not None:
            await asyncio.gather(self._committer, return_exceptions=True)
        async with self._lock:
            if not self._closed:
                self._closed = True
                await self._checkpointer.close()
                await self._db.close()  # the last connection out checkpoints the rest

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def path(self) -> Path:
        return self._path

    @asynccontextmanager
    async def _transaction(self, weight: int = 1) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                await self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise
            self._checkpointer.note(weight)

    async def _execute(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> int:
        """Run one statement (autocommit); returns the number of rows changed."""
        async with self._lock, self._db.execute(sql, params) as cursor:
            self._checkpointer.note()
            return cursor.rowcount

    async def _insert(self, sql: str, params: Sequence[Any] | dict[str, Any]) -> int | None:
        """Run one INSERT (autocommit); returns the new rowid, None if nothing was inserted."""
        async with self._lock, self._db.execute(sql, params) as cursor:
            self._checkpointer.note()
            return cursor.lastrowid if cursor.rowcount > 0 else None

    # -- rounds, questions, answers --------------------------------------------------

    async def start_round(
        self,
        guild_id: int,
        channel_id: int,
        started_by: int,
        deck: str,
        topic: str | None,
        mode: str,
        question_count: int,
        seconds: int,
        started_at: datetime,
    ) -> int:
        """Record a new round; returns its id."""
        params = (guild_id, channel_id, started_by, deck, topic, mode, question_count, seconds)
        round_id = await self._insert(writes.INSERT_ROUND, (*params, to_ms(started_at)))
        if round_id is None:  # a plain INSERT inserts or raises; this keeps mypy honest
            raise StoreError("The round could not be recorded.")
        return round_id

    async def open_question(
        self, round_id: int, position: int, fact_id: str, topic: str, opened_at: datetime
    ) -> int:
        """Record that a question was asked in a round; returns the question id."""
        question_id = await self._insert(
            writes.INSERT_QUESTION, (position, fact_id, topic, to_ms(opened_at), round_id)
        )
        if question_id is None:
            raise UnknownRoundError(f"Round {round_id} is not in the database.")
        return question_id

    async def record_answer(
        self,
        question_id: int,
        user_id: int,
        user_name: str,
        attempt: str,
        correct: bool,
        points: int,
        response_ms: int,
        streak: int,
        answered_at: datetime,
    ) -> None:
        """Record one answer; it is committed before this returns (survives a kill -9).

        Answers that arrive while a commit is under way are committed together, in the next
        transaction (group commit): a class answering at once costs one commit, not one per
        student, and every caller still returns only after its own answer is committed.
        """
        answer = NewAnswer(
            question_id=question_id,
            user_id=user_id,
            user_name=user_name,
            attempt=attempt,
            correct=correct,
            points=points,
            response_ms=response_ms,
            streak=streak,
            answered_at=answered_at,
        )
        committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((answer, committed))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_waiting())
        await committed

    async def _commit_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self.record_answers(a for a, _ in batch)
            except UnknownQuestionError:
                await self._commit_one_by_one(batch)  # keep the good ones, fail the bad one
                continue
            except Exception as exc:
                for _, committed in batch:
                    if not committed.done():
                        committed.set_exception(exc)
                continue
            for _, committed in batch:
                if not committed.done():
                    committed.set_result(None)

    async def _commit_one_by_one(self, batch: list[tuple[NewAnswer, asyncio.Future[None]]]) -> None:
        for answer, committed in batch:
            try:
                async with self._lock:
                    changed = await self._insert_answers(self._db, [answer])  # autocommit
                    self._checkpointer.note()
                if changed == 0:
                    raise UnknownQuestionError(
                        f"Question {answer.question_id} is not in the database."
                    )
            except Exception as exc:
                if not committed.done():
                    committed.set_exception(exc)
            else:
                if not committed.done():
                    committed.set_result(None)

    async def record_answers(self, answers: Iterable[NewAnswer]) -> int:
        """Record many answers in one transaction (imports, benchmarks); all or nothing."""
        batch = list(answers)
        if not batch:
            return 0
        async with self._transaction(HEAVY_WRITE) as db:
            if await self._insert_answers(db, batch) != len(batch):
                raise UnknownQuestionError(
                    "Some of these answers are for questions that are not in the database; "
                    "none were recorded."
                )
        return len(batch)

    @staticmethod
    async def _insert_answers(db: aiosqlite.Connection, answers: Iterable[NewAnswer]) -> int:
        """Insert answers (the caller holds the lock); returns how many went in."""
        inserted = 0
        for rows, params in writes.answer_chunks(answers):
            sql = (
                writes.INSERT_ANSWERS_HEAD
                + ", ".join(writes.ANSWER_ROW for _ in range(rows))
                + writes.INSERT_ANSWERS_TAIL
            )
            async with db.execute(sql, params) as cursor:
                inserted += cursor.rowcount
        return inserted

    async def close_question(self, question_id: int, closed_at: datetime) -> None:
        changed = await self._execute(
            "UPDATE questions SET closed_at = ? WHERE id = ?", (to_ms(closed_at), question_id)
        )
        if changed == 0:
            raise UnknownQuestionError(f"Question {question_id} is not in the database.")

    async def end_round(
        self, round_id: int, ended_at: datetime, reason: EndReason, winner_id: int | None
    ) -> None:
        """Close a round (and any question still open in it)."""
        if reason not in END_REASONS:
            raise ValueError(f"unknown end reason {reason!r}; expected one of {END_REASONS}")
        at = to_ms(ended_at)
        async with self._transaction() as db:
            if not await writes.end_round(db, round_id, at, reason, winner_id):
                raise UnknownRoundError(f"Round {round_id} is not in the database.")

    async def close_open_rounds(self, now: datetime) -> list[ClosedRound]:
        """At start-up: close rounds a crash left open, as 'stopped' with no winner."""
        at = to_ms(now)
        async with self._transaction() as db:
            return await writes.close_open_rounds(db, at)

    async def get_round(self, round_id: int) -> RoundRow | None:
        async with self._lock:
            return await reports.fetch_round(self._db, round_id)

    # -- reports -----------------------------------------------------------------------

    async def leaderboard(
        self, guild_id: int, period: Period, now: datetime, limit: int = 10
    ) -> list[LeaderboardEntry]:
        """Top students by points, then accuracy. 'week' = answers in the 7 days up to now."""
        async with self._lock:
            if period == "all":
                return await reports.leaderboard_all(self._db, guild_id, limit)
            if period == "week":
                return await reports.leaderboard_week(self._db, guild_id, now, limit)
        raise ValueError(f"unknown leaderboard period {period!r}; expected 'all' or 'week'")

    async def student_stats(
        self, guild_id: int, user_id: int, *, weakest_min_answers: int = 3, weakest_limit: int = 3
    ) -> StudentStats | None:
        """A student's record in one guild; None if they have never answered there."""
        async with self._lock:
            return await reports.student_stats(
                self._db,
                guild_id,
                user_id,
                weakest_min_answers=weakest_min_answers,
                weakest_limit=weakest_limit,
            )

    async def round_results(self, round_id: int) -> RoundResults:
        async with self._lock:
            round_row = await reports.fetch_round(self._db, round_id)
            if round_row is None:
                raise UnknownRoundError(f"Round {round_id} is not in the database.")
            players = await reports.round_players(self._db, round_id)
        return RoundResults(round=round_row, players=players)

    # -- privacy -------------------------------------------------------------------------

    async def forget(self, user_id: int, guild_id: int | None = None) -> int:
        """Erase a student (in one guild, or everywhere); returns how many answers were removed.

        Their answers and totals are deleted; rounds they won lose the winner, rounds they
        started and decks they added stay but are attributed to user 0.
        """
        async with self._transaction(HEAVY_WRITE) as db:
            return await privacy.forget(db, user_id, guild_id)

    # -- guild settings and decks ---------------------------------------------------------

    async def get_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings, or the defaults if it never changed any."""
        async with self._lock:
            return await guilds.fetch_settings(self._db, guild_id)

    async def update_settings(
        self,
        guild_id: int,
        *,
        teacher_role_id: int | Unset | None = UNSET,
        default_seconds: int | Unset = UNSET,
        default_questions: int | Unset = UNSET,
        hints_enabled: bool | Unset = UNSET,
    ) -> GuildSettings:
        """Change only the settings given (teacher_role_id=None clears the role)."""
        params = guilds.settings_params(
            guild_id,
            teacher_role_id=teacher_role_id,
            default_seconds=default_seconds,
            default_questions=default_questions,
            hints_enabled=hints_enabled,
        )
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id) VALUES (?) ON CONFLICT DO NOTHING",
                (guild_id,),
            )
            await db.execute(guilds.UPDATE_SETTINGS, params)
            return await guilds.fetch_settings(db, guild_id)

    async def save_guild_deck(
        self,
        guild_id: int,
        name: str,
        yaml_text: str,
        fact_count: int,
        added_by: int,
        now: datetime,
    ) -> None:
        """Store a guild's uploaded deck, replacing one with the same name."""
        await self._execute(
            guilds.SAVE_DECK,
            (guild_id, name, yaml_text, fact_count, added_by, to_ms(now)),
        )

    async def guild_decks(self, guild_id: int) -> list[GuildDeckRow]:
        async with self._lock:
            return await guilds.fetch_decks(self._db, guild_id)

    async def all_guild_decks(self) -> list[GuildDeckRow]:
        """Every guild's decks, for loading at start-up."""
        async with self._lock:
            return await guilds.fetch_decks(self._db, None)

    async def remove_guild_deck(self, guild_id: int, name: str) -> bool:
        """Delete a guild's deck; False if it had no deck by that name."""
        changed = await self._execute(
            "DELETE FROM guild_decks WHERE guild_id = ? AND name = ?", (guild_id, name)
        )
        return changed > 0

    async def count_guild_decks(self, guild_id: int) -> int:
        async with self._lock:
            return await guilds.count_decks(self._db, guild_id)

    # -- maintenance -----------------------------------------------------------------

    async def schema_version(self) -> int:
        async with self._lock:
            return await user_version(self._db)

    async def diagnostics(self) -> Diagnostics:
        """How the connection is configured (for a health command and the tests)."""
        async with self._lock:
            return await maintenance.diagnostics(self._db)

    async def integrity_check(self) -> str:
        """SQLite's own check: 'ok', or the problems it found, one per line."""
        async with self._lock:
            rows = await self._db.execute_fetchall("PRAGMA integrity_check")
        return "\n".join(str(row[0]) for row in rows)

    async def backup(self, dest_path: str | os.PathLike[str]) -> Path:
        """Write a consistent copy of the live database to `dest_path` (replaced atomically)."""
        async with self._lock:
            return await maintenance.backup(self._db, self._path, Path(dest_path))
