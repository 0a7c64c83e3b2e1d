"""A crash mid-round loses no announced point: SIGKILL a real process, then check the file."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.quiz import QuizEngine, VirtualClock
from bot.quiz.clock import to_datetime
from bot.store import Store
from tests.quiz.quiz_helpers import RecordingTransport, make_deck

PLAYER = Path(__file__).with_name("crash_player.py")


async def play_and_kill(db: Path, seed: int, kill_after: int) -> Counter[int]:
    """Run the player until it has announced `kill_after` points, then SIGKILL it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(PLAYER), str(db), str(seed),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert proc.stdout is not None
    announced: Counter[int] = Counter()
    seen = 0
    try:
        async with asyncio.timeout(60):
            while seen < kill_after:
                line = (await proc.stdout.readline()).decode()
                assert line, "the player exited before it was killed"
                if line.startswith("ANNOUNCED"):
                    _, user, points = line.split()
                    announced[int(user)] += int(points)
                    seen += 1
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
    # lines already written before the kill were announced too
    rest = (await proc.stdout.read()).decode().splitlines()
    for line in rest:
        if line.startswith("ANNOUNCED"):
            _, user, points = line.split()
            announced[int(user)] += int(points)
    return announced


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sigkill_mid_round_keeps_every_announced_point(tmp_path: Path, seed: int) -> None:
    db = tmp_path / "crash.db"
    kill_after = random.Random(seed).randint(3, 25)
    announced = await play_and_kill(db, seed, kill_after)
    assert sum(announced.values()) > 0

    async with await Store.open(db) as store:
        assert await store.integrity_check() == "ok"
        transport = RecordingTransport()
        engine = QuizEngine(Knowledge([make_deck()]), store, transport, VirtualClock())
        closed = await engine.recover()
        assert len(closed) == 1, "the interrupted round is closed at start-up"
        assert transport.notices and "interrupted" in transport.notices[0][2]
        rnd = await store.get_round(closed[0].round_id)
        assert rnd is not None and rnd.end_reason == "stopped"
        board = await store.leaderboard(1, "all", to_datetime(VirtualClock().now()), limit=50)
        points = {row.user_id: row.points for row in board}
        for user, total in announced.items():
            assert points.get(user, 0) >= total, f"player {user} lost announced points"
        assert await engine.recover() == []  # a second start finds nothing to close
