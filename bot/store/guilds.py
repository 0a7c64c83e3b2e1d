"""Queries for per-guild configuration: settings and uploaded decks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import aiosqlite

from .errors import InvalidValueError
from .rows import GuildDeckRow, GuildSettings, Unset
from .times import from_ms

DECK_COLUMNS: Final = "guild_id, name, yaml_text, fact_count, added_by, added_at"


async def fetch_settings(db: aiosqlite.Connection, guild_id: int) -> GuildSettings:
    async with db.execute(
        "SELECT teacher_role_id, default_seconds, default_questions, hints_enabled "
        "FROM guild_settings WHERE guild_id = ?",
        (guild_id,),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return GuildSettings(guild_id=guild_id)
    role, seconds, questions, hints = row
    return GuildSettings(
        guild_id=guild_id,
        teacher_role_id=role,
        default_seconds=seconds,
        default_questions=questions,
        hints_enabled=bool(hints),
    )


# One fixed statement; each :set_x flag says whether that column was given.
UPDATE_SETTINGS: Final = """
UPDATE guild_settings SET
    teacher_role_id = CASE WHEN :set_role THEN :role ELSE teacher_role_id END,
    default_seconds = CASE WHEN :set_seconds THEN :seconds ELSE default_seconds END,
    default_questions = CASE WHEN :set_questions THEN :questions ELSE default_questions END,
    hints_enabled = CASE WHEN :set_hints THEN :hints ELSE hints_enabled END
WHERE guild_id = :guild
"""


def deck_from_row(row: Iterable[Any]) -> GuildDeckRow:
    guild_id, name, yaml_text, fact_count, added_by, added_at = row
    return GuildDeckRow(
        guild_id=guild_id,
        name=name,
        yaml_text=yaml_text,
        fact_count=fact_count,
        added_by=added_by,
        added_at=from_ms(added_at),
    )


async def fetch_decks(db: aiosqlite.Connection, guild_id: int | None) -> list[GuildDeckRow]:
    if guild_id is None:
        sql = f"SELECT {DECK_COLUMNS} FROM guild_decks ORDER BY guild_id, name"
        rows = await db.execute_fetchall(sql)
    else:
        sql = f"SELECT {DECK_COLUMNS} FROM guild_decks WHERE guild_id = ? ORDER BY name"
        rows = await db.execute_fetchall(sql, (guild_id,))
    return [deck_from_row(row) for row in rows]


async def count_decks(db: aiosqlite.Connection, guild_id: int) -> int:
    async with db.execute(
        "SELECT count(*) FROM guild_decks WHERE guild_id = ?", (guild_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


SAVE_DECK: Final = """
INSERT INTO guild_decks (guild_id, name, yaml_text, fact_count, added_by, added_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, name) DO UPDATE SET
    yaml_text = excluded.yaml_text,
    fact_count = excluded.fact_count,
    added_by = excluded.added_by,
    added_at = excluded.added_at
"""


def _positive(what: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidValueError(f"{what} must be a whole number above zero, not {value!r}.")
    return value


def settings_params(
    guild_id: int,
    *,
    teacher_role_id: int | Unset | None,
    default_seconds: int | Unset,
    default_questions: int | Unset,
    hints_enabled: bool | Unset,
) -> dict[str, Any]:
    """Bound parameters for UPDATE_SETTINGS; validates the values that are given."""
    params: dict[str, Any] = {"guild": guild_id}
    for flag, key, value in (
        ("set_role", "role", teacher_role_id),
        ("set_seconds", "seconds", default_seconds),
        ("set_questions", "questions", default_questions),
        ("set_hints", "hints", hints_enabled),
    ):
        params[flag] = not isinstance(value, Unset)
        params[key] = None if isinstance(value, Unset) else value
    if not isinstance(default_seconds, Unset):
        _positive("The default number of seconds per question", default_seconds)
    if not isinstance(default_questions, Unset):
        _positive("The default number of questions per round", default_questions)
    if not isinstance(hints_enabled, Unset):
        params["hints"] = int(bool(hints_enabled))
    return params
