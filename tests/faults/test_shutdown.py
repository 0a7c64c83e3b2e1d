"""Stopping the real bot process, and backing up and restoring its database while it runs.

SIGTERM is what systemd, docker and Ctrl-C (SIGINT) send: the round in play ends with its
results in the channel, every point is kept, and the next start has nothing to recover.
`study-bot backup` copies the live database; README 'Backups' says how to restore it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.quiz.engine import INTERRUPTED
from tests.e2e.conftest import embed_of, scorers_of, wait_for_embed
from tests.fakediscord import FakeDiscord, FakeMessage
from tests.faults.botprocess import (
    ROOT,
    BotProcess,
    answer_rows,
    integrity,
    open_rounds,
    points_by_member,
    round_state,
)
from tests.faults.helpers import correct_answers, leaderboard

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
async def bot_process(tmp_path: Path) -> AsyncIterator[BotProcess]:
    """`python run_bot.py` against a loopback Discord in this process (not started yet)."""
    fake = await FakeDiscord().start(point_client=False)
    bot = BotProcess(fake, tmp_path / "study_bot.db", tmp_path / "bot.log")
    try:
        yield bot
    finally:
        await bot.ensure_stopped()
        await fake.stop()
    unknown = [f"{r.method} {r.path}" for r in fake.unknown_requests]
    assert not unknown, f"the bot used routes fakediscord does not implement: {unknown}"


async def start_round(fake: FakeDiscord) -> FakeMessage:
    since = fake.mark()
    reply = await (
        await fake.slash(
            "quiz start", {"questions": 3, "seconds": 5, "mode": "typed"}, user="alice"
        )
    ).response()
    assert not reply.ephemeral, reply.content
    return await wait_for_embed(fake, "general", "Question 1/3", since=since)


def answer_to(question: FakeMessage, knowledge_answers: dict[str, str]) -> str:
    return knowledge_answers[embed_of(question)["description"]]


@pytest.fixture
def answers(shipped_knowledge: Knowledge) -> dict[str, str]:
    return correct_answers(shipped_knowledge)


async def test_sigterm_mid_round_posts_results_and_exits_cleanly(
    bot_process: BotProcess, answers: dict[str, str]
) -> None:
    bot, fake = bot_process, bot_process.fake
    await bot.start()
    question = await start_round(fake)
    right = await fake.send_message("general", "carol", answer_to(question, answers))
    await fake.wait_for_reaction(right, "✅")

    since = fake.mark()
    asked = time.monotonic()
    code = await bot.terminate(timeout=10)
    took = time.monotonic() - asked
    assert code == 0, bot.log()
    assert took < 3, f"SIGTERM took {took:.1f} s"
    reveal = await wait_for_embed(fake, "general", "Answer to question 1", since=since)
    results = await wait_for_embed(fake, "general", "Round stopped", since=since)
    assert [name for name, _ in scorers_of(reveal)] == ["carol"]
    assert "carol" in embed_of(results)["description"]

    db = bot.database
    (round_id,) = {r.round_id for r in answer_rows(db)}
    state = round_state(db, round_id)
    assert state.ended and state.end_reason == "stopped" and state.open_questions == 0
    assert integrity(db) == "ok"
    assert points_by_member(db) == dict(scorers_of(reveal))

    restarted = fake.mark()
    await bot.start()
    assert await leaderboard(fake) == dict(scorers_of(reveal))
    notices = [m for m in fake.messages_in("general") if m.seq > restarted and m.content]
    assert INTERRUPTED not in [m.content for m in notices], "a clean stop left a round open"
    assert await bot.terminate() == 0


async def run_cli(*args: str, env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "run_bot.py", *args,
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def leaderboard_text(fake: FakeDiscord) -> str:
    reply = await (await fake.slash("leaderboard", user="bob")).response()
    return str(reply.embeds[0].get("description", ""))


async def test_backup_while_running_then_restore_as_the_readme_says(
    bot_process: BotProcess, answers: dict[str, str], tmp_path: Path
) -> None:
    bot, fake = bot_process, bot_process.fake
    await bot.start()
    question = await start_round(fake)
    right = await fake.send_message("general", "carol", answer_to(question, answers))
    await fake.wait_for_reaction(right, "✅")

    backup = tmp_path / "backups" / "class.db"
    code, out = await run_cli("backup", str(backup), env=bot.env())
    assert code == 0, out
    assert "integrity: ok" in out and "To restore" in out, out
    assert integrity(backup) == "ok"
    saved = answer_rows(backup)
    assert [(r.name, r.attempt, r.correct) for r in saved] == [("carol", right.content, True)]
    assert saved[0].points > 0
    with closing(sqlite3.connect(backup)) as db:
        (journal,) = db.execute("PRAGMA journal_mode").fetchone()
    assert journal == "delete", "a backup is one self-contained file"

    # After the backup the round ends (SIGTERM) and carol wins it: the restore loses that.
    assert await bot.terminate() == 0
    await bot.start()
    assert f"carol — {saved[0].points} pts · 1 win ·" in await leaderboard_text(fake)
    assert await bot.terminate() == 0

    # README 'Backups': "stop the bot, run `study-bot restore PATH`, start the bot".
    code, out = await run_cli("restore", str(backup), env=bot.env())
    assert code == 0 and "integrity: ok" in out, out
    restored = fake.mark()
    await bot.start()
    # The backup was taken mid-round: that round is closed again, and its channel told.
    notice = await fake.wait_for_message(
        "general", lambda m: m.content == INTERRUPTED, since=restored
    )
    assert notice.content == INTERRUPTED
    assert f"carol — {saved[0].points} pts · 0 wins ·" in await leaderboard_text(fake)
    assert open_rounds(bot.database) == [] and integrity(bot.database) == "ok"
    assert await bot.terminate() == 0


async def test_restore_after_a_crash_as_the_readme_says(
    bot_process: BotProcess, answers: dict[str, str], tmp_path: Path
) -> None:
    """The likeliest time to restore is after a crash, when SQLite's -wal file is still
    next to the database."""
    bot, fake = bot_process, bot_process.fake
    await bot.start()
    question = await start_round(fake)
    backup = tmp_path / "class.db"
    code, out = await run_cli("backup", str(backup), env=bot.env())
    assert code == 0, out
    right = await fake.send_message("general", "carol", answer_to(question, answers))
    await fake.wait_for_reaction(right, "✅")  # after the backup: the restore drops it
    await bot.kill()
    assert bot.database.with_name(bot.database.name + "-wal").exists()

    # README 'Backups': "stop the bot, run `study-bot restore PATH`, start the bot".
    code, out = await run_cli("restore", str(backup), env=bot.env())
    assert code == 0, out
    assert not bot.database.with_name(bot.database.name + "-wal").exists()
    await bot.start()
    assert integrity(bot.database) == "ok"
    assert await leaderboard(fake) == {}, "the restored database is not the backup"
