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


def restore(backup_path: Path, target: Path) -> str:
    """Put a backup in place of the database (the bot must be stopped); returns the check.

    The backup is checked first, and the target's -wal and -shm files are removed: after a
    crash SQLite would otherwise replay the old write-ahead log over the restored file.
    """
    if not backup_path.is_file():
        raise BackupError(f"There is no backup at {backup_path}.")
    try:
        with sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True) as check:
            result = "\n".join(str(r[0]) for r in check.execute("PRAGMA integrity_check"))
    except sqlite3.Error as exc:
        raise BackupError(f"{backup_path} is not a study bot database ({exc}).") from exc
    if result != "ok":
        raise BackupError(f"The backup {backup_path} is damaged ({result}); pick another one.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    partial.write_bytes(backup_path.read_bytes())
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    partial.replace(target)
    return result
