"""Erasing a student: every row that carries their user id is deleted or anonymised."""

from __future__ import annotations

from typing import Final

import aiosqlite

# Anonymised references point at this id (Discord never issues it).
ANONYMOUS: Final = 0

# Run once per guild the student has played in; each is a seek on a (guild, user) prefix.
# Rollups are deleted outright: with the student's answers gone they would sum to zero.
_PER_GUILD: Final = (
    "DELETE FROM round_players WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM player_spans WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM player_topics WHERE guild_id = :guild AND user_id = :user",
    "DELETE FROM player_totals WHERE guild_id = :guild AND user_id = :user",
)

# References to the student outside their own rows; :guild NULL means every guild.
_REFERENCES: Final = (
    "UPDATE rounds SET winner_id = NULL "
    "WHERE winner_id = :user AND (:guild IS NULL OR guild_id = :guild)",
    "UPDATE rounds SET started_by = :anonymous "
    "WHERE started_by = :user AND (:guild IS NULL OR guild_id = :guild)",
    "UPDATE guild_decks SET added_by = :anonymous "
    "WHERE added_by = :user AND (:guild IS NULL OR guild_id = :guild)",
)


async def forget(db: aiosqlite.Connection, user_id: int, guild_id: int | None) -> int:
    """Run inside a transaction; returns the number of answers deleted."""
    scope = {"user": user_id, "guild": guild_id, "anonymous": ANONYMOUS}
    # Winner changes go through the wins trigger first, while player_totals still exists.
    for statement in _REFERENCES:
        await db.execute(statement, scope)
    # Every answer has a player_totals row in its guild, so this finds all their guilds.
    rows = await db.execute_fetchall(
        "SELECT guild_id FROM player_totals WHERE user_id = :user "
        "AND (:guild IS NULL OR guild_id = :guild)",
        scope,
    )
    removed = 0
    for (guild,) in rows:
        params = {"user": user_id, "guild": guild}
        async with db.execute(
            "DELETE FROM answers WHERE guild_id = :guild AND user_id = :user", params
        ) as cursor:
            removed += cursor.rowcount
        for statement in _PER_GUILD:
            await db.execute(statement, params)
    return removed
