"""The real bot as a separate process (`python run_bot.py`), pointed at a loopback Discord
(tests/fakediscord) running in the benchmark's own event loop.

The bot gets exactly what a deployment gives it: DISCORD_TOKEN, DISCORD_API_BASE,
DISCORD_GATEWAY_URL and DATABASE_PATH (a temporary file), the shipped decks, INFO logs.
It is ready when it logs "logged in as" (discord.py's on_ready).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from pathlib import Path
from typing import Self

from bench.report import ROOT
from tests.fakediscord import FakeDiscord

READY_LINE = "logged in as"


def bot_env(fake: FakeDiscord, database: Path) -> dict[str, str]:
    unset = ("DEV_GUILD_ID", "SHARD_COUNT", "DECKS_PATH")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DISCORD_TOKEN="bench-token",
        DISCORD_API_BASE=fake.rest_base,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DATABASE_PATH=str(database),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


class BotProcess:
    """`run_bot.py` in a subprocess; `started` and `ready_at` are `time.monotonic()` values."""

    def __init__(self, proc: asyncio.subprocess.Process, started: float) -> None:
        self.proc = proc
        self.started = started
        self.ready_at: float | None = None
        self.log: deque[str] = deque(maxlen=200)
        self._ready = asyncio.Event()
        self._readers = [
            asyncio.create_task(self._read(proc.stderr)),
            asyncio.create_task(self._read(proc.stdout)),
        ]

    @classmethod
    async def start(cls, fake: FakeDiscord, database: Path) -> Self:
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "run_bot.py"),
            cwd=ROOT,
            env=bot_env(fake, database),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(proc, started)

    async def _read(self, stream: asyncio.StreamReader | None) -> None:
        if stream is None:
            return
        while line := await stream.readline():
            text = line.decode(errors="replace").rstrip()
            self.log.append(text)
            if self.ready_at is None and READY_LINE in text:
                self.ready_at = time.monotonic()
                self._ready.set()

    async def wait_ready(self, within: float = 30.0) -> float:
        """Seconds from process start to ready; raises with the bot's log if it never is."""
        exited = asyncio.create_task(self.proc.wait())
        ready = asyncio.create_task(self._ready.wait())
        try:
            await asyncio.wait({exited, ready}, timeout=within, return_when="FIRST_COMPLETED")
        finally:
            exited.cancel()
            ready.cancel()
        if self.ready_at is None:
            tail = "\n".join(list(self.log)[-30:])
            raise RuntimeError(f"the bot was not ready after {within} s:\n{tail}")
        return self.ready_at - self.started

    async def stop(self, grace: float = 15.0) -> int:
        """SIGTERM (the bot ends its rounds and closes the store), then wait for it."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        for reader in self._readers:
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        return self.proc.returncode or 0
