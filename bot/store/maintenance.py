"""Backups and connection diagnostics."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite

from .errors import BackupError
from .migrations import user_version
from .rows import Diagnostics

_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def _prepare(source: Path, target: Path) -> Path:
    if target.resolve() == source.resolve():
        raise BackupError(f"Cannot back up the database at {target} onto itself.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    return partial


async def backup(db: aiosqlite.Connection, source: Path, target: Path) -> Path:
    """Copy the live database with SQLite's online backup API; the target is replaced atomically.

    The caller must hold the store's lock so no transaction is half-done on `db`.
    """
    partial: Path | None = None
    try:
        partial = await asyncio.to_thread(_prepare, source, target)
        copy = await aiosqlite.connect(partial, isolation_level=None)
        try:
            await db.backup(copy)
            # A self-contained single file: no -wal to lose when it is copied around.
            await copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            await copy.close()
        await asyncio.to_thread(partial.replace, target)
    except (OSError, sqlite3.Error) as exc:
        if partial is not None:
            await asyncio.to_thread(partial.unlink, missing_ok=True)
        raise BackupError(f"Could not write a backup to {target} ({exc}).") from exc
    return target


async def _pragma(db: aiosqlite.Connection, name: str) -> object:
    # Only called with the fixed names below; PRAGMA cannot take a bound parameter.
    async with db.execute(f"PRAGMA {name}") as cursor:
        row = await cursor.fetchone()
    return row[0] if row else None


async def diagnostics(db: aiosqlite.Connection) -> Diagnostics:
    synchronous = await _pragma(db, "synchronous")
    return Diagnostics(
        schema_version=await user_version(db),
        journal_mode=str(await _pragma(db, "journal_mode")),
        foreign_keys=bool(await _pragma(db, "foreign_keys")),
        synchronous=_SYNCHRONOUS.get(int(str(synchronous)), str(synchronous)),
        busy_timeout_ms=int(str(await _pragma(db, "busy_timeout"))),
    )
