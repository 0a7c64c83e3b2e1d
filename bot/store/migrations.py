"""Numbered schema migrations, tracked with PRAGMA user_version.

MIGRATIONS[n - 1] (SQL in schema.py) upgrades a database from version n - 1 to n. Never
edit a migration that has shipped; add a new one. Each is applied in its own IMMEDIATE
transaction together with the user_version bump, so a failed step leaves the previous
version intact.
"""

from __future__ import annotations

import sqlite3
from typing import Final

import aiosqlite

from .errors import MigrationError, SchemaTooNewError
from .schema import V1_CORE, V2_DECKS_AND_ROLLUPS, V3_FIRST_IN_ROUND

MIGRATIONS: Final[tuple[str, ...]] = (V1_CORE, V2_DECKS_AND_ROLLUPS, V3_FIRST_IN_ROUND)
SCHEMA_VERSION: Final = len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement understands triggers)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in pending.splitlines()
    ):
        raise ValueError(f"unterminated SQL statement in migration: {pending.strip()[:80]!r}")
    return statements


async def user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def too_new_message(where: str, found: int) -> str:
    return (
        f"The database at {where} was written by a newer version of the study bot "
        f"(schema {found}, this version knows {SCHEMA_VERSION}). "
        "Update the bot or restore a backup."
    )


async def migrate(db: aiosqlite.Connection, where: str, *, target: int = SCHEMA_VERSION) -> int:
    """Bring the database up to `target`; returns the version it was at before."""
    found = await user_version(db)
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(too_new_message(where, found))
    for version in range(found + 1, target + 1):
        await _apply(db, where, version)
    return found


async def _apply(db: aiosqlite.Connection, where: str, version: int) -> None:
    await db.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        current = await user_version(db)
        if current >= version:
            await db.execute("ROLLBACK")
            if current > SCHEMA_VERSION:
                raise SchemaTooNewError(too_new_message(where, current))
            return
        for statement in split_statements(MIGRATIONS[version - 1]):
            await db.execute(statement)
        # PRAGMA takes no bound parameters; `version` is our own int, never input.
        await db.execute(f"PRAGMA user_version = {int(version)}")
        await db.execute("COMMIT")
    except sqlite3.Error as exc:
        if db.in_transaction:
            await db.execute("ROLLBACK")
        raise MigrationError(
            f"Could not upgrade the database at {where} to schema {version} ({exc}). "
            f"It was left at schema {version - 1}; restore a backup or report this."
        ) from exc
