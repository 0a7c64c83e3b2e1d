"""SIGKILL the real bot process at random moments of typed rounds; no announced point is lost.

Each chain is one database file, one loopback Discord and `python run_bot.py` started, played
against and killed again and again. A point is announced when the bot puts ✅ on an answer
(which answer) or when a reveal lists it (how many points). After every restart:

- the round the kill interrupted is closed as stopped, and its channel is told so, once;
- every ✅'d answer is in the database as correct with points, every reveal matches the
  database exactly, and /leaderboard shows every point in the database (so every announced
  one);
- SQLite's integrity check passes.

The chains run side by side (the kills wait on real time, not on the CPU).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.quiz.engine import INTERRUPTED
from tests.e2e.conftest import scorers_of, wait_for_embed
from tests.fakediscord import FakeDiscord
from tests.faults.botprocess import (
    BotProcess,
    answer_rows,
    integrity,
    latest_round,
    open_rounds,
    points_by_member,
    round_state,
)
from tests.faults.helpers import correct_answers, leaderboard

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHAINS = 4
KILLS_PER_CHAIN = 5  # 20 kills in all
SECONDS = 5  # per question: the shortest /quiz start allows
# Kills fall up to this long after /quiz start: question 1, its grace period, the reveal,
# the pause and question 2 (a typed question closes 3 s after its first right answer).
KILL_WINDOW = 9.0
MEMBERS = ("alice", "bob", "carol", "teacher")


@dataclass
class Ledger:
    """What the class was shown, across every round of one chain."""

    checks: list[tuple[int, str, str]] = field(default_factory=list)  # (round, name, attempt)
    reveals: dict[tuple[int, int], list[tuple[str, int]]] = field(default_factory=dict)
    kills: list[str] = field(default_factory=list)  # the phase each kill hit

    def record(self, fake: FakeDiscord, round_id: int, since: int) -> None:
        """Every ✅ and every reveal the bot posted for this round."""
        phase = "before question 1"
        for message in fake.messages_in("quiz"):
            if message.seq <= since:
                continue
            if message.author_id != fake.bot_user_id:
                if fake.bot_user_id in message.reactions.get("✅", set()):
                    name = message.payload["author"]["username"]
                    self.checks.append((round_id, name, message.content))
                    phase = phase.replace("open", "grace")
                continue
            title = str(message.embeds[0].get("title", "")) if message.embeds else ""
            if title.startswith("Question "):
                phase = f"question {title.split()[1].split('/')[0]} open"
            elif title.startswith("Answer to question "):
                number = int(title.split()[3].rstrip(":"))
                self.reveals[(round_id, number)] = scorers_of(message)
                phase = f"pause after question {number}"
        self.kills.append(phase)


async def answer_questions(
    fake: FakeDiscord, since: int, answers: dict[str, str], rng: random.Random
) -> None:
    """Members answer every question the round posts: a wrong guess, then right answers a
    random moment apart (some in the grace period, some after it)."""
    number = 0
    while True:
        number += 1
        question = await wait_for_embed(
            fake, "quiz", f"Question {number}/", since=since, timeout=30
        )
        answer = answers[question.embeds[0]["description"]]
        who = rng.sample(MEMBERS, len(MEMBERS))
        await asyncio.sleep(rng.uniform(0.0, 0.8))
        await fake.send_message("quiz", who[0], "no idea, sorry")
        for member in who[1:]:
            await asyncio.sleep(rng.uniform(0.0, 1.6))
            await fake.send_message("quiz", member, answer)


async def check_after_restart(
    fake: FakeDiscord, db: Path, ledger: Ledger, crashed: int, since: int
) -> None:
    """What the class and the teacher see once the bot is back."""
    notice = await fake.wait_for_message("quiz", lambda m: m.content == INTERRUPTED, since=since)
    told = [m for m in fake.messages_in("quiz") if m.seq > since and m.content == INTERRUPTED]
    assert told == [notice], "the interrupted round is announced once"
    state = round_state(db, crashed)
    assert state.ended and state.end_reason == "stopped" and state.open_questions == 0, state
    assert open_rounds(db) == []
    assert integrity(db) == "ok"

    rows = answer_rows(db)
    stored = Counter((r.round_id, r.name, r.attempt) for r in rows if r.correct and r.points > 0)
    announced: Counter[str] = Counter()
    for key, count in Counter(ledger.checks).items():
        assert stored[key] >= count, f"✅ given but no point in the database: {key}"
    unrevealed = Counter(ledger.checks)
    for (round_id, number), scorers in ledger.reveals.items():
        in_db = [(r.name, r.points) for r in rows if (r.round_id, r.position) == (round_id, number)]
        in_db = [(name, points) for name, points in in_db if points > 0]
        assert sorted(scorers) == sorted(in_db), f"reveal {round_id}/{number} != database"
        for name, points in scorers:
            announced[name] += points
            attempt = next(
                r.attempt
                for r in rows
                if (r.round_id, r.position, r.name) == (round_id, number, name) and r.correct
            )
            unrevealed[(round_id, name, attempt)] -= 1
    for (round_id, name, attempt), count in (+unrevealed).items():  # ✅ but no reveal yet
        matches = [
            r.points
            for r in rows
            if (r.round_id, r.name, r.attempt) == (round_id, name, attempt) and r.correct
        ]
        announced[name] += sum(sorted(matches)[:count])

    board = await leaderboard(fake)
    in_db = points_by_member(db)
    assert board == {name: points for name, points in in_db.items()}, "leaderboard != database"
    for name, points in announced.items():
        assert board.get(name, 0) >= points, f"{name} was shown {points} points, has fewer"


def kill_schedule(rng: random.Random, chains: int, per_chain: int) -> list[list[float]]:
    """Random kill moments, one in each equal slice of KILL_WINDOW (so that every phase of
    a round is hit), dealt to the chains so that each waits about as long in all."""
    kills = chains * per_chain
    moments = [rng.uniform(i, i + 1) * KILL_WINDOW / kills for i in range(kills)]
    plan: list[list[float]] = [[] for _ in range(chains)]
    for moment in sorted(moments, reverse=True):
        min((p for p in plan if len(p) < per_chain), key=sum).append(moment)
    for moments_of_chain in plan:
        rng.shuffle(moments_of_chain)
    return plan


async def crash_chain(
    root: Path, seed: int, kill_after: list[float], answers: dict[str, str]
) -> tuple[Ledger, int]:
    """Start, play, kill (``kill_after`` seconds into a round), restart, check; returns what
    was checked and the exit code of the final SIGTERM."""
    rng = random.Random(seed)
    kills = len(kill_after)
    fake = await FakeDiscord().start(point_client=False)
    bot = BotProcess(fake, root / "study_bot.db", root / "bot.log")
    ledger = Ledger()
    crashed: int | None = None
    started = 0
    try:
        for kill in range(kills + 1):
            restarted = fake.mark()
            await bot.start()
            if crashed is not None:
                ledger.record(fake, crashed, started)
                await check_after_restart(fake, bot.database, ledger, crashed, restarted)
            if kill == kills:
                break
            started = fake.mark()
            reply = await (
                await fake.slash(
                    "quiz start",
                    {"questions": 3, "seconds": SECONDS, "mode": "typed"},
                    user="teacher",
                    channel="quiz",
                )
            ).response()
            assert not reply.ephemeral, reply.content
            crashed = latest_round(bot.database)
            players = asyncio.create_task(
                answer_questions(fake, started, answers, random.Random(rng.random()))
            )
            await asyncio.sleep(kill_after[kill])
            await bot.kill()
            players.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await players  # re-raises a failure of the players (not their cancellation)
        return ledger, await bot.terminate()
    except BaseException as exc:
        exc.add_note(f"bot log ({bot.log_path}):\n{bot.log()}")
        raise
    finally:
        await bot.ensure_stopped()
        await fake.stop()
        unknown = [f"{r.method} {r.path}" for r in fake.unknown_requests]
        assert not unknown, f"the bot used routes fakediscord does not implement: {unknown}"


async def test_sigkill_at_random_moments_loses_no_announced_point(
    tmp_path: Path, shipped_knowledge: Knowledge
) -> None:
    answers = correct_answers(shipped_knowledge)
    roots = [tmp_path / f"chain{i}" for i in range(CHAINS)]
    for root in roots:
        root.mkdir()
    plan = kill_schedule(random.Random(1950), CHAINS, KILLS_PER_CHAIN)
    async with asyncio.TaskGroup() as chains:  # one failing chain stops the others
        running = [
            chains.create_task(crash_chain(root, 1950 + i, plan[i], answers))
            for i, root in enumerate(roots)
        ]
    results = [task.result() for task in running]

    ledgers = [ledger for ledger, _ in results]
    assert [code for _, code in results] == [0] * CHAINS, "SIGTERM after the last restart"
    kills = [phase for ledger in ledgers for phase in ledger.kills]
    assert len(kills) == CHAINS * KILLS_PER_CHAIN
    checks = sum(len(ledger.checks) for ledger in ledgers)
    reveals = sum(len(ledger.reveals) for ledger in ledgers)
    # The kills must have hit rounds in play, with points on the line, in several phases.
    assert checks >= 20 and reveals >= 5, (checks, reveals)
    assert len(set(kills)) >= 4, Counter(kills)
    print(f"\n{len(kills)} kills by phase: {dict(Counter(kills))}")
    shown = sum(p for ledger in ledgers for s in ledger.reveals.values() for _, p in s)
    print(f"✅ answers checked: {checks}; reveals checked: {reveals} ({shown} points)")
