"""Schema creation, upgrade, refusal of newer schemas, and connection settings."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import T0, user_tables

from bot.store import (
    SCHEMA_VERSION,
    MigrationError,
    NotADatabaseError,
    SchemaTooNewError,
    Store,
    StoreError,
    migrations,
)
from bot.store.times import HOUR_MS, blocks_of, to_ms

EXPECTED_TABLES = [
    "answers",
    "guild_decks",
    "guild_settings",
    "player_spans",
    "player_topics",
    "player_totals",
    "questions",
    "round_players",
    "rounds",
    "span_kinds",
]


async def test_empty_file_is_migrated_to_the_latest_schema(db_path: Path) -> None:
    assert not db_path.parent.exists()  # open creates the folder
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION == 3
    assert user_tables(db_path) == EXPECTED_TABLES


async def test_reopening_does_not_migrate_again(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.update_settings(1, default_seconds=45)
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert (await store.get_settings(1)).default_seconds == 45


async def test_wal_foreign_keys_synchronous_and_busy_timeout_are_on(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        info = await store.diagnostics()
    assert info.journal_mode == "wal"
    assert info.foreign_keys is True
    assert info.synchronous == "NORMAL"
    assert info.busy_timeout_ms >= 1000
    with sqlite3.connect(db_path) as raw:  # WAL is a property of the file itself
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def _make_version_1(path: Path) -> None:
    """A database as the version-1 bot left it, with some play recorded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    t0, day = to_ms(T0), 86_400_000
    with sqlite3.connect(path) as db:
        db.executescript(migrations.MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.executemany(
            "INSERT INTO rounds (id, guild_id, channel_id, started_by, deck, topic, mode, "
            "question_count, seconds, started_at, ended_at, end_reason, winner_id) "
            "VALUES (?, ?, 50, 9, 'korea', NULL, 'classic', 2, 20, ?, ?, 'finished', ?)",
            [
                (1, 1, t0 - 10 * day, t0 - 10 * day + 60_000, 7),
                (2, 1, t0, t0 + 60_000, 8),
                (3, 2, t0, t0 + 60_000, 7),
            ],
        )
        db.executemany(
            "INSERT INTO questions (id, round_id, position, fact_id, topic, opened_at) "
            "VALUES (?, ?, ?, 'f', ?, ?)",
            [(1, 1, 1, "dates", t0 - 10 * day), (2, 2, 1, "people", t0), (3, 3, 1, "dates", t0)],
        )
        db.executemany(
            "INSERT INTO answers (question_id, round_id, guild_id, user_id, user_name, "
            "answered_at, attempt, correct, points, response_ms, streak, topic) "
            "VALUES (?, ?, ?, ?, ?, ?, 'x', ?, ?, 900, ?, ?)",
            [
                (1, 1, 1, 7, "ann_old", t0 - 10 * day + 1000, 1, 10, 1, "dates"),
                (1, 1, 1, 8, "bob", t0 - 10 * day + 2000, 0, 0, 0, "dates"),
                (2, 2, 1, 7, "ann", t0 + 1000, 0, 0, 0, "people"),
                (2, 2, 1, 8, "bob", t0 + 2000, 1, 15, 4, "people"),
                (3, 3, 2, 7, "ann_g2", t0 + 1000, 1, 5, 1, "dates"),
            ],
        )
        db.execute("INSERT INTO guild_settings (guild_id, default_seconds) VALUES (1, 33)")


async def test_upgrade_from_version_1_keeps_the_data_and_fills_the_rollups(
    db_path: Path,
) -> None:
    _make_version_1(db_path)
    now = T0 + timedelta(minutes=2)
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == SCHEMA_VERSION
        assert (await store.get_settings(1)).default_seconds == 33

        board = await store.leaderboard(1, "all", now)
        assert [(e.user_id, e.user_name, e.points, e.answers, e.correct) for e in board] == [
            (8, "bob", 15, 2, 1),
            (7, "ann", 10, 2, 1),
        ]
        assert [(e.wins, e.rounds_played) for e in board] == [(1, 2), (1, 2)]

        week = await store.leaderboard(1, "week", now)
        assert [(e.user_id, e.points, e.answers, e.wins, e.rounds_played) for e in week] == [
            (8, 15, 1, 1, 1),
            (7, 0, 1, 0, 1),
        ]

        stats = await store.student_stats(1, 8)
        assert stats is not None and stats.best_streak == 4
        assert [(t.topic, t.answers, t.correct) for t in stats.topics] == [
            ("dates", 1, 0),
            ("people", 1, 1),
        ]
        results = await store.round_results(2)
        assert [(p.user_id, p.points) for p in results.players] == [(8, 15), (7, 0)]

        # Guild 2 kept its own, separate record of user 7.
        (g2,) = await store.leaderboard(2, "all", now)
        assert (g2.user_name, g2.points, g2.wins) == ("ann_g2", 5, 1)

        # New play after the upgrade adds to the back-filled totals.
        question = await store.open_question(2, 2, "f2", "people", T0 + timedelta(seconds=30))
        await store.record_answer(question, 7, "ann", "y", True, 20, 800, 1, now)
        board = await store.leaderboard(1, "all", now)
        assert [(e.user_id, e.points, e.answers, e.rounds_played) for e in board] == [
            (7, 30, 3, 2),
            (8, 15, 2, 2),
        ]
        assert await store.integrity_check() == "ok"


async def test_database_from_a_newer_bot_is_refused_with_a_readable_message(
    db_path: Path,
) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 5")
    with pytest.raises(SchemaTooNewError) as caught:
        await Store.open(db_path)
    message = str(caught.value)
    assert isinstance(caught.value, StoreError)
    assert str(db_path) in message
    assert "newer version of the study bot" in message
    assert f"schema 5, this version knows {SCHEMA_VERSION}" in message
    assert "restore a backup" in message
    with sqlite3.connect(db_path) as raw:  # and nothing was touched
        assert raw.execute("PRAGMA user_version").fetchone() == (5,)


def _write_notes(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("these are my lesson notes, not a database\n" * 100)


async def test_a_file_that_is_not_a_database_is_refused(db_path: Path) -> None:
    _write_notes(db_path)
    with pytest.raises(NotADatabaseError, match="not a study bot database"):
        await Store.open(db_path)


async def test_a_failing_migration_rolls_back_to_the_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = len(migrations.MIGRATIONS)
    broken = "CREATE TABLE half_done (x);\nSELECT * FROM nowhere;"
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS[:-1], broken))
    with pytest.raises(MigrationError, match=f"left at schema {last - 1}"):
        await Store.open(db_path)
    with sqlite3.connect(db_path) as raw:  # the earlier steps stay applied
        assert raw.execute("PRAGMA user_version").fetchone() == (last - 1,)
        assert "half_done" not in user_tables(db_path)
    monkeypatch.undo()
    async with await Store.open(db_path) as store:  # and the real step applies later
        assert await store.schema_version() == last


async def test_upgrade_from_version_2_marks_each_students_first_answer_in_a_round(
    db_path: Path,
) -> None:
    """Version 3 adds answers.first_in_round; the weekly board reads it in partial hours."""
    _make_version_1(db_path)
    with sqlite3.connect(db_path) as raw:
        for statement in migrations.split_statements(migrations.MIGRATIONS[1]):
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 2")
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == 3
        # A window that starts mid-hour, just before round 2's answers (read raw).
        now = T0 + timedelta(days=7, milliseconds=500)
        week = await store.leaderboard(1, "week", now)
        assert [(e.user_id, e.answers, e.rounds_played) for e in week] == [(8, 1, 1), (7, 1, 1)]
    with sqlite3.connect(db_path) as raw:
        firsts = raw.execute(
            "SELECT round_id, user_id, first_in_round FROM answers ORDER BY round_id, user_id"
        ).fetchall()
    assert firsts == [(1, 7, 1), (1, 8, 1), (2, 7, 1), (2, 8, 1), (3, 7, 1)]


def test_migrations_split_into_whole_statements_including_triggers() -> None:
    statements = migrations.split_statements(migrations.MIGRATIONS[1])
    triggers = [s for s in statements if "CREATE TRIGGER" in s]
    assert len(triggers) == 3
    assert all(s.rstrip().endswith("END;") for s in triggers)
    assert all(sqlite3.complete_statement(s) for s in statements)


async def test_triggers_fill_exactly_the_blocks_the_code_reads(db_path: Path) -> None:
    ended = T0 + timedelta(days=2, hours=5)
    async with await Store.open(db_path) as store:
        round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 1, 20, T0)
        question = await store.open_question(round_id, 1, "f", "dates", T0)
        await store.record_answer(question, 7, "ann", "1950", True, 10, 900, 1, T0)
        await store.end_round(round_id, ended, "finished", 7)
    with sqlite3.connect(db_path) as raw:
        answered = raw.execute(
            "SELECT span, start FROM player_spans WHERE answers = 1 ORDER BY span, start"
        ).fetchall()
        won = raw.execute(
            "SELECT span, start FROM player_spans WHERE wins = 1 ORDER BY span, start"
        ).fetchall()
    assert answered == sorted(blocks_of(to_ms(T0) // HOUR_MS))
    assert won == sorted(blocks_of(to_ms(ended) // HOUR_MS))
