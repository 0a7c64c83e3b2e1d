"""SQL-looking text goes in as data and comes out verbatim: member names, typed answers, deck
titles and text, topics, deck names to remove and /settings values, all through the loopback
Discord. Afterwards every table is still there, SQLite finds the file sound, and the store
reads each value back exactly as it was typed. And statically: every statement in bot/store
is fixed text with bound values (see sqlcheck.py for what counts as fixed).
"""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
from pathlib import Path

import pytest

from bot.quiz.clock import to_datetime
from cogs.render import clean
from tests.e2e.conftest import ROOT, Study, wait_for_embed
from tests.fakediscord import FakeMember, FakeRole, FakeWorld
from tests.security.actors import BIOLOGY, classroom, import_deck
from tests.security.sqlcheck import sql_call_count, unbound_sql

pytestmark = pytest.mark.e2e

BOBBY = "Robert'); DROP TABLE answers;--"
ROLE = "'; DROP TABLE guild_settings;--"
WRONG = "x' OR '1'='1'; DELETE FROM player_totals;--"
TITLE = "Plants'); DROP TABLE guild_decks;--"
SQL_DECK = BIOLOGY.replace('title: "Plants"', f'title: "{TITLE}"').replace(
    "Plants take in", "Plants ('); DELETE FROM rounds; --) take in"
)


@pytest.fixture
def fake_world() -> FakeWorld:
    world = classroom()
    guild = world.guilds[0]
    guild.add_member(FakeMember("bobby", global_name=BOBBY))
    guild.add_role(FakeRole(ROLE, position=1))
    return world


def tables(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return dict(rows)


def attempts(path: Path, user_id: int) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT attempt FROM answers WHERE user_id = ? ORDER BY answered_at, seq", (user_id,)
        ).fetchall()
    return [str(a) for (a,) in rows]


async def test_sql_looking_values_are_stored_verbatim_and_harm_nothing(study: Study) -> None:
    fake, store, clock = study.fake, study.services.store, study.clock
    guild = fake.guild
    bobby = guild.member("bobby")
    db_path = study.services.settings.database_path
    schema = tables(db_path)

    added = await import_deck(study, "teacher", "biology.yaml", SQL_DECK)
    assert added.content.startswith("Added deck **biology**"), added.content
    settings = await (
        await fake.slash("settings", {"teacher_role": ROLE, "seconds": 30}, user="teacher")
    ).response()
    assert settings.embeds and settings.embeds[0]["fields"][0]["value"] == clean(ROLE)

    # A typed round: bobby types SQL, then the right answer; alice types SQL too.
    since = fake.mark()
    await study.start_quiz("bobby", questions=1, seconds=30, mode="typed")
    round_id = study.round_in().where.round_id
    answer = study.answer_now()
    for who, text in (("bobby", WRONG), ("alice", BOBBY), ("bobby", answer)):
        await fake.send_message("quiz", who, text)
    await eventually_stored(study, bobby.id, 2)
    await clock.advance(30)
    await wait_for_embed(fake, "quiz", "Round over!", since=since)

    # Text options that reach queries: a topic, a deck to remove, a member to look up.
    topic = await (
        await fake.slash("quiz start", {"topic": WRONG}, user="alice", channel="quiz")
    ).response()
    assert topic.ephemeral and "no questions" in topic.content
    gone = await (
        await fake.slash("deck remove", {"name": "biology' OR '1'='1"}, user="teacher")
    ).response()
    assert gone.ephemeral and gone.content.startswith("This server has no deck called")
    stats = await (await fake.slash("stats", {"member": "bobby"}, user="alice")).response()
    assert stats.embeds and BOBBY in stats.embeds[0]["title"].replace("\\", "")

    # Every table is still there, and each value reads back as typed.
    assert tables(db_path) == schema
    now = to_datetime(clock.now())
    board = {row.user_id: row.user_name for row in await store.leaderboard(guild.id, "all", now)}
    assert board[bobby.id] == BOBBY
    bobby_stats = await store.student_stats(guild.id, bobby.id)
    assert bobby_stats is not None and bobby_stats.user_name == BOBBY
    assert bobby_stats.answers == 2 and bobby_stats.correct == 1
    assert attempts(db_path, bobby.id) == [WRONG, answer]
    assert attempts(db_path, guild.member("alice").id) == [BOBBY]
    [deck] = await store.guild_decks(guild.id)
    assert deck.name == "biology" and deck.yaml_text == SQL_DECK
    kept = await store.get_settings(guild.id)
    assert kept.teacher_role_id == guild.role(ROLE).id and kept.default_seconds == 30
    listing = await (await fake.slash("deck list", user="carol")).response()
    assert clean(TITLE, 100) in listing.content
    rnd = await store.get_round(round_id)
    assert rnd is not None and rnd.started_by == bobby.id and rnd.winner_id == bobby.id


async def eventually_stored(study: Study, user_id: int, count: int) -> None:
    path = study.services.settings.database_path
    for _ in range(400):
        if len(attempts(path, user_id)) >= count:
            return
        await asyncio.sleep(0.005)
    raise TimeoutError(f"{count} answers of {user_id} were never stored")


# -- static: bot/store builds no SQL from values --------------------------------------------------


def store_sources() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted((ROOT / "bot" / "store").glob("*.py"))}


def test_every_statement_in_the_store_is_fixed_text() -> None:
    sources = store_sources()
    assert sql_call_count(sources) >= 40, "the checker no longer finds the store's SQL calls"
    found = unbound_sql(sources)
    assert not found, "SQL built from values (bind them with ? or :name):\n" + "\n".join(
        map(str, found)
    )


def test_no_sql_outside_the_store() -> None:
    """The store is the only code that speaks SQL (bot/, cogs/, run_bot.py)."""
    others = [
        p
        for p in [
            *(ROOT / "bot").rglob("*.py"),
            *(ROOT / "cogs").rglob("*.py"),
            ROOT / "run_bot.py",
        ]
        if "store" not in p.relative_to(ROOT).parts and "__pycache__" not in p.parts
    ]
    sources = {str(p.relative_to(ROOT)): p.read_text("utf-8") for p in others}
    assert sql_call_count(sources) == 0


SAFE = """
from typing import Final
from . import queries
from .schema import SCRIPT

COLUMNS: Final = "a, b"
LIMIT: Final = 5
STATEMENTS = ("DELETE FROM t WHERE id = ?", "DELETE FROM u " "WHERE id = ?")

async def run(db, user_id):
    sql = f"SELECT {COLUMNS} FROM t WHERE id = ? LIMIT {LIMIT}"
    await db.execute(sql, (user_id,))
    await db.execute(queries.INSERT, (user_id,))
    await db.execute("PRAGMA x = " + "1")
    await db.execute(f"PRAGMA user_version = {int(user_id)}")
    for statement in STATEMENTS:
        await db.execute(statement, (user_id,))
    for statement in split_statements(SCRIPT):
        await db.execute(statement)
    await pragma(db, "journal_mode")
    await db.execute(", ".join(f"(:a{i})" for i in range(3)))

async def pragma(db, name):
    await db.execute(f"PRAGMA {name}")
"""


@pytest.mark.parametrize(
    "unsafe",
    [
        "await db.execute(f\"SELECT * FROM t WHERE name = '{name}'\")",
        "await db.execute(\"SELECT * FROM t WHERE name = '%s'\" % name)",
        "await db.execute(\"SELECT * FROM t WHERE name = '{}'\".format(name))",
        'await db.execute("SELECT * FROM t WHERE name = \'" + name + "\'")',
        'sql = "SELECT 1"\n    sql += name\n    await db.execute(sql)',
        'await db.executemany(f"INSERT INTO {name} VALUES (?)", [])',
        "await db.execute_fetchall(COLUMNS.join([name]))",
        "await pragma(db, name)",
    ],
    ids=["f-string", "percent", "format", "concatenation", "augmented", "table", "join", "call"],
)
def test_the_checker_finds_sql_built_from_values(unsafe: str) -> None:
    module = SAFE + "\n\nasync def lookup(db, name):\n    " + unsafe + "\n"
    sources = {"store": textwrap.dedent(module), "queries": 'INSERT = "INSERT INTO t VALUES (?)"'}
    sources["schema"] = 'SCRIPT = "CREATE TABLE t (a); CREATE TABLE u (b);"'
    assert unbound_sql({**sources, "store": textwrap.dedent(SAFE)}) == []
    found = unbound_sql(sources)
    assert found and all(f.module == "store" for f in found), found
