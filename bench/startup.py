"""6. Start-up, as whole processes: `run_bot.py ask "when did the war start"` (median wall
time of several runs after a warm-up run, next to a bare `python -c pass`), and the bot
from process start to ready against the loopback Discord (IDENTIFY seen by the fake, its
last GUILD_CREATE sent, then the bot's "logged in as" line on stderr)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.botproc import BotProcess
from bench.report import ROOT, Bar, Row
from bench.scale import Scale
from tests.fakediscord import FakeDiscord
from tests.fakediscord.gateway import IDENTIFY

AREA = "startup"
ASK_S = 0.6
READY_S = 3.0
QUESTION = "when did the war start"


Done = subprocess.CompletedProcess[str]


def _wall(command: list[str], env: dict[str, str]) -> tuple[float, Done]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def ask_rows(runs: int) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    ask = [sys.executable, "run_bot.py", "ask", QUESTION]
    if runs > 1:
        _wall(ask, env)  # warm-up: the files in the page cache, as on a machine in use
    walls, outputs = [], []
    for _ in range(runs):
        seconds, done = _wall(ask, env)
        if done.returncode != 0:
            raise RuntimeError(f"run_bot.py ask failed:\n{done.stderr[-2000:]}")
        walls.append(seconds)
        outputs.append(done.stdout)
    floor = statistics.median(_wall([sys.executable, "-c", "pass"], env)[0] for _ in range(3))
    median = statistics.median(walls)
    answered = not outputs[0].startswith("Not in my notes")
    return [
        Row(
            AREA,
            f'run_bot.py ask "{QUESTION}" (whole process)',
            median,
            f"{median:.3f} s median of {runs} (max {max(walls):.3f})",
            Bar("<=", ASK_S, " s"),
            f"bare interpreter {floor:.2f} s; answered: {outputs[0].splitlines()[0][:40]!r}",
            {"walls_s": walls, "interpreter_s": floor, "answered": answered},
        )
    ]


async def _ready_once() -> tuple[float, float, float]:
    """Seconds from process start to IDENTIFY, to the fake's last GUILD_CREATE, and to
    ready, for one start of the bot."""
    async with FakeDiscord() as fake:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await BotProcess.start(fake, Path(tmp) / "bot.db")
            try:
                ready = await bot.wait_ready()
            finally:
                await bot.stop()
            identify = fake.gateway.received(IDENTIFY)[0].timestamp - bot.started
            guilds = [f.timestamp for f in fake.gateway.frames if f.t == "GUILD_CREATE"]
            guilds_sent = max(guilds) - bot.started
    return identify, guilds_sent, ready


def ready_rows(runs: int) -> list[Row]:
    results = [asyncio.run(_ready_once()) for _ in range(runs)]
    identify = statistics.median(r[0] for r in results)
    guilds = statistics.median(r[1] for r in results)
    ready = statistics.median(r[2] for r in results)
    return [
        Row(
            AREA,
            "bot process start -> ready (loopback Discord)",
            ready,
            f"{ready:.2f} s median of {runs} (IDENTIFY at {identify:.2f} s)",
            Bar("<=", READY_S, " s"),
            f"last GUILD_CREATE sent at {guilds:.2f} s; ready = 'logged in as' on stderr",
            {
                "identify_s": [r[0] for r in results],
                "guild_create_sent_s": [r[1] for r in results],
                "ready_s": [r[2] for r in results],
            },
        )
    ]


def run(scale: Scale) -> list[Row]:
    return ask_rows(scale.ask_runs) + ready_rows(scale.ready_runs)
