"""Time for the quiz engine, injected so that tests run in virtual time and never sleep."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol


class Clock(Protocol):
    """Wall-clock seconds (Unix time) and a way to wait for one."""

    def now(self) -> float: ...

    async def wait_until(self, when: float, wake: asyncio.Event | None = None) -> None:
        """Return at `when`, or earlier as soon as `wake` is set."""
        ...


def to_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


async def _race(sleeper: asyncio.Future[None], wake: asyncio.Event | None) -> None:
    if wake is None:
        await sleeper
        return
    both: list[asyncio.Future[Any]] = [sleeper, asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in both:
            if not pending.done():
                pending.cancel()


class RealClock:
    """The system clock."""

    def now(self) -> float:
        return time.time()

    async def wait_until(self, when: float, wake: asyncio.Event | None = None) -> None:
        delay = max(0.0, when - time.time())
        await _race(asyncio.ensure_future(asyncio.sleep(delay)), wake)


class VirtualClock:
    """A clock that moves only when a test calls `advance`; timers fire in order.

    Tasks that wait on the clock may also wait on real I/O (the SQLite store runs in a
    thread), so `settle` polls until as many tasks wait on the clock as `expect()` says should
    (for the quiz engine: one per running round), rather than trusting a fixed number of
    event-loop turns.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self.waiting = 0  # tasks inside wait_until right now
        self.expect: Callable[[], int] = lambda: 0

    def now(self) -> float:
        return self._now

    async def wait_until(self, when: float, wake: asyncio.Event | None = None) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (when, next(self._seq), future))
        self.waiting += 1
        try:
            await _race(future, wake)
        finally:
            self.waiting -= 1

    async def settle(self, limit: float = 10.0) -> None:
        """Return once every task that should be waiting on this clock is (real I/O done)."""
        deadline = time.monotonic() + limit
        while True:
            for _ in range(20):
                await asyncio.sleep(0)
            if self.waiting >= self.expect():
                for _ in range(20):
                    await asyncio.sleep(0)
                if self.waiting >= self.expect():
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"virtual clock: {self.waiting} tasks waiting, {self.expect()} expected"
                )
            await asyncio.sleep(0.001)  # real time, for threads (SQLite) to finish

    async def advance(self, seconds: float) -> None:
        """Move time forward, firing each due timer at its own time and letting tasks react."""
        target = self._now + seconds
        await self.settle()
        while self._timers and self._timers[0][0] <= target:
            when, _, future = heapq.heappop(self._timers)
            if future.done():
                continue
            self._now = max(self._now, when)
            future.set_result(None)
            await asyncio.sleep(0)  # let the woken task leave wait_until before counting
            await self.settle()
        self._now = target
        await self.settle()
