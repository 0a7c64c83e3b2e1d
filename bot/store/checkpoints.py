"""Background WAL checkpoints, so no call of the bot pays for one.

In WAL mode every commit appends to the -wal file; a checkpoint copies those pages into
the database file and syncs it. Left to SQLite, the commit that crosses the threshold
does that work inline (tens of milliseconds: a forget() or an answer that suddenly takes
five times as long). Here a second connection, on its own thread, runs a PASSIVE
checkpoint after every `every` writes; PASSIVE never waits for, or blocks, the writer.
The main connection keeps a (higher) automatic threshold as a backstop.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path
from typing import Final, Self

import aiosqlite

log = logging.getLogger(__name__)

WRITES_PER_CHECKPOINT: Final = 50


class Checkpointer:
    def __init__(self, db: aiosqlite.Connection, every: int) -> None:
        self._db = db
        self._every = every
        self._pending = 0
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path, every: int = WRITES_PER_CHECKPOINT) -> Self:
        return cls(await aiosqlite.connect(path, isolation_level=None), every)

    def note(self, writes: int = 1) -> None:
        """Count committed writes; start a checkpoint when enough have piled up."""
        self._pending += writes
        if self._pending >= self._every and (self._task is None or self._task.done()):
            self._pending = 0
            self._task = asyncio.get_running_loop().create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            await self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # the next one, or SQLite's own, will catch up
            log.warning("background checkpoint failed: %s", exc)

    async def close(self) -> None:
        if self._task is not None:
            await self._task
        await self._db.close()
