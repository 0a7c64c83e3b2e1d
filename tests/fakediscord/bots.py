"""Running a real discord.py client against the fake (mixed into FakeDiscord)."""

# Waiters take ``timeout=`` (seconds) by design: it is the test-facing API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import traceback
from typing import TypeVar

import discord

from .state import FakeState

ClientT = TypeVar("ClientT", bound=discord.Client)


class BotControl:
    """Start and stop real clients. ``Route.BASE`` and ``DEFAULT_GATEWAY`` already
    point at the fake once it is started, so ``bot.start(token)`` needs nothing else."""

    state: FakeState
    _bots: list[tuple[discord.Client, asyncio.Task[None]]]

    async def start_bot(
        self, bot: ClientT, *, token: str = "fake-token", timeout: float = 10.0
    ) -> ClientT:
        """Run ``bot.start(token)`` in a task and return once the bot is ready
        (READY, then GUILD_CREATEs, then its ``guild_ready_timeout`` - pass e.g.
        ``guild_ready_timeout=0.05`` to the bot, the default is 2 s).

        Raises the bot's own exception if it stops before being ready, and
        ``TimeoutError`` after ``timeout`` seconds.
        """
        task = asyncio.create_task(bot.start(token), name=f"fakediscord-bot-{id(bot)}")
        task.add_done_callback(self._note_crash)
        self._bots.append((bot, task))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not bot.is_ready():
            if task.done():
                self._bots.remove((bot, task))
                error = task.exception()
                if error is not None:
                    raise error
                raise RuntimeError("bot.start() returned before the bot was ready")
            if loop.time() > deadline:
                raise TimeoutError(f"bot not ready after {timeout}s\n{self.state.digest()}")
            await asyncio.sleep(0.01)
        return bot

    def _note_crash(self, task: asyncio.Task[None]) -> None:
        """A client whose ``start()`` raised is dead: record it in ``errors`` so
        that waiters' timeouts and the fixture's teardown report it."""
        if not task.cancelled() and (error := task.exception()) is not None:
            trace = "".join(traceback.format_exception(error))
            self.state.errors.append(f"bot task crashed: {error!r}\n{trace}")
            self.state.changed()

    async def stop_bot(self, bot: discord.Client, *, timeout: float = 5.0) -> None:
        """``bot.close()`` and wait for its ``start()`` task; re-raises a crash."""
        entry = next((e for e in self._bots if e[0] is bot), None)
        await bot.close()
        if entry is None:
            return
        self._bots.remove(entry)
        await asyncio.wait_for(entry[1], timeout)
