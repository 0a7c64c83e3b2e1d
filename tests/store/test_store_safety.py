"""Backups, integrity, hostile-looking text, and surviving a kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_helpers import T0, Ans, Play, count_rows, user_tables

from bot.store import BackupError, Store

REPO_ROOT = Path(__file__).resolve().parents[2]
BOBBY = "Robert'); DROP TABLE answers;--"


async def test_backup_is_a_complete_consistent_copy(
    store: Store, play: Play, db_path: Path, tmp_path: Path
) -> None:
    await play(1, T0, [Ans(7), Ans(8, False, 0)], winner_id=7)
    await store.update_settings(1, default_seconds=30)
    await store.save_guild_deck(1, "korea", "name: korea\n", 3, 7, T0)

    dest = tmp_path / "backups" / "nightly.db"
    assert await store.backup(dest) == dest
    # The live database keeps working, and a second backup replaces the first.
    await play(1, T0, [Ans(9)])
    await store.backup(dest)

    assert [p.name for p in dest.parent.iterdir()] == ["nightly.db"]  # no -wal, no .partial
    for table in user_tables(db_path):
        assert count_rows(dest, table) == count_rows(db_path, table), table
    with sqlite3.connect(dest) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    async with await Store.open(dest) as restored:
        assert await restored.integrity_check() == "ok"
        assert await restored.leaderboard(1, "all", T0) == await store.leaderboard(1, "all", T0)
        assert (await restored.get_settings(1)).default_seconds == 30


async def test_backup_onto_the_live_database_is_refused(store: Store, db_path: Path) -> None:
    with pytest.raises(BackupError, match="onto itself"):
        await store.backup(db_path)


async def test_integrity_check_says_ok(store: Store) -> None:
    assert await store.integrity_check() == "ok"


async def test_sql_looking_text_is_stored_verbatim(
    store: Store, db_path: Path, tmp_path: Path
) -> None:
    nasty_topic = "x' OR '1'='1"
    round_id = await store.start_round(1, 2, 3, BOBBY, nasty_topic, "classic", 1, 20, T0)
    question = await store.open_question(round_id, 1, '"; DELETE FROM rounds; --', nasty_topic, T0)
    await store.record_answer(question, 7, BOBBY, BOBBY, True, 10, 900, 1, T0)
    await store.save_guild_deck(1, BOBBY, f"name: {BOBBY}\n", 1, 7, T0)
    await store.end_round(round_id, T0, "finished", 7)

    (entry,) = await store.leaderboard(1, "all", T0)
    assert entry.user_name == BOBBY
    (entry,) = await store.leaderboard(1, "week", T0)
    assert entry.user_name == BOBBY
    stats = await store.student_stats(1, 7)
    assert stats is not None and stats.topics[0].topic == nasty_topic
    results = await store.round_results(round_id)
    assert results.round.deck == BOBBY and results.players[0].user_name == BOBBY
    (deck,) = await store.guild_decks(1)
    assert deck.name == BOBBY and deck.yaml_text == f"name: {BOBBY}\n"
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT attempt, user_name FROM answers").fetchall() == [(BOBBY, BOBBY)]
    assert "answers" in user_tables(db_path) and count_rows(db_path, "rounds") == 1
    assert await store.forget(7) == 1
    assert await store.remove_guild_deck(1, BOBBY) is True
    assert await store.integrity_check() == "ok"


# The child records answers as fast as it can and prints each one after record_answer
# returns; whatever it printed must be in the database after a SIGKILL.
_CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import UTC, datetime, timedelta
    from bot.store import Store

    async def main(path):
        store = await Store.open(path)
        t0 = datetime(2025, 3, 10, 12, tzinfo=UTC)
        round_id = await store.start_round(1, 2, 3, "korea", None, "classic", 1, 20, t0)
        question = await store.open_question(round_id, 1, "f", "dates", t0)
        i = 0
        while True:
            i += 1
            at = t0 + timedelta(milliseconds=i)
            await store.record_answer(
                question, 1000 + i % 5, f"user{i % 5}", f"attempt-{i}", i % 3 != 0, i, 50, 1, at
            )
            print(i, flush=True)

    asyncio.run(main(sys.argv[1]))
    """
)


def test_every_answer_reported_as_recorded_survives_sigkill(db_path: Path) -> None:
    wanted = 150
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )
    assert child.stdout is not None
    printed: list[int] = []
    try:
        while len(printed) < wanted:
            line = child.stdout.readline()
            if not line:
                pytest.fail(f"child stopped early: {child.stderr.read() if child.stderr else ''}")
            printed.append(int(line))
        os.kill(child.pid, signal.SIGKILL)  # mid-stream: it is still writing
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert printed == list(range(1, wanted + 1))

    async def reopen() -> None:
        async with await Store.open(db_path) as store:
            assert await store.integrity_check() == "ok"
            board = await store.leaderboard(1, "all", T0)
            assert sum(e.answers for e in board) >= wanted

    asyncio.run(reopen())
    with sqlite3.connect(db_path) as raw:
        attempts = {a for (a,) in raw.execute("SELECT attempt FROM answers")}
        points = {a: p for a, p in raw.execute("SELECT attempt, points FROM answers")}
        (answers_points,) = raw.execute("SELECT sum(points) FROM answers").fetchone()
        (rollup_points,) = raw.execute("SELECT sum(points) FROM player_totals").fetchone()
    for i in printed:
        assert f"attempt-{i}" in attempts
        assert points[f"attempt-{i}"] == i
    assert rollup_points == answers_points  # the rollups committed with each answer
