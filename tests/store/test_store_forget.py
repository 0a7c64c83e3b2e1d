"""forget(): no row anywhere may still hold the student's id (or name)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from store_helpers import T0, Ans, Play, count_rows, user_tables

from bot.store import Store

ALICE = 987_654_321  # an id no other column will hold by accident
BOB = 123_000_456


def rows_mentioning(path: Path, value: object) -> dict[str, int]:
    """Every table/column where some row holds `value` (as a number or inside text)."""
    found: dict[str, int] = {}
    with sqlite3.connect(path) as db:
        for table in user_tables(path):
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                (n,) = db.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? '
                    f'OR instr(CAST("{column}" AS TEXT), ?) > 0',
                    (value, str(value)),
                ).fetchone()
                if n:
                    found[f"{table}.{column}"] = n
    return found


async def _history(store: Store, play: Play) -> None:
    await play(1, T0, [Ans(ALICE, name="Alice"), Ans(BOB, name="Bob")], winner_id=ALICE)
    await play(1, T0 + timedelta(days=1), [Ans(BOB, name="Bob")], winner_id=BOB, started_by=ALICE)
    await play(2, T0, [Ans(ALICE, name="Alice", topic="maths")], winner_id=ALICE)
    await store.save_guild_deck(1, "alices-deck", "facts: []", 0, ALICE, T0)


async def test_forget_everywhere_leaves_no_row_with_the_id(
    store: Store, play: Play, db_path: Path
) -> None:
    await _history(store, play)
    assert rows_mentioning(db_path, ALICE)  # the check can see her before
    removed = await store.forget(ALICE)
    assert removed == 2
    assert rows_mentioning(db_path, ALICE) == {}
    assert rows_mentioning(db_path, "Alice") == {}

    # Everyone else is untouched; her rounds and deck survive anonymously.
    (bob,) = await store.leaderboard(1, "all", T0)
    assert (bob.user_id, bob.points, bob.answers, bob.wins, bob.rounds_played) == (
        BOB, 20, 2, 1, 2,
    )  # fmt: skip
    assert await store.leaderboard(2, "all", T0) == []
    assert await store.student_stats(1, ALICE) is None
    assert count_rows(db_path, "rounds") == 3
    (deck,) = await store.guild_decks(1)
    assert (deck.name, deck.added_by) == ("alices-deck", 0)
    assert await store.integrity_check() == "ok"


async def test_forget_in_one_guild_keeps_the_other_guild(
    store: Store, play: Play, db_path: Path
) -> None:
    await _history(store, play)
    assert await store.forget(ALICE, guild_id=1) == 1
    assert await store.student_stats(1, ALICE) is None
    other = await store.student_stats(2, ALICE)
    assert other is not None and (other.points, other.wins) == (10, 1)
    with sqlite3.connect(db_path) as raw:
        guilds = raw.execute(
            "SELECT DISTINCT guild_id FROM answers WHERE user_id = ?", (ALICE,)
        ).fetchall()
    assert guilds == [(2,)]


async def test_forget_someone_unknown_removes_nothing(store: Store, play: Play) -> None:
    await play(1, T0, [Ans(BOB)])
    assert await store.forget(ALICE) == 0
    assert len(await store.leaderboard(1, "all", T0)) == 1


async def test_a_forgotten_student_who_plays_again_starts_from_zero(
    store: Store, play: Play
) -> None:
    await _history(store, play)
    await store.forget(ALICE)
    await play(1, T0 + timedelta(days=3), [Ans(ALICE, points=3)])
    stats = await store.student_stats(1, ALICE)
    assert stats is not None
    assert (stats.points, stats.answers, stats.wins, stats.rounds_played) == (3, 1, 0, 1)
    week = await store.leaderboard(1, "week", T0 + timedelta(days=3, hours=1))
    assert {e.user_id: (e.points, e.wins) for e in week}[ALICE] == (3, 0)
