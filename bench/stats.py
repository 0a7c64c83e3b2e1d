"""Latency statistics (nearest-rank percentiles, in milliseconds), event-loop lag and CPU time."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100) of `values`; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """p50, p99, mean and max of some durations, in milliseconds."""

    n: int
    p50: float
    p99: float
    mean: float
    max: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ms = [s * 1000 for s in seconds]
        mean = sum(ms) / len(ms) if ms else math.nan
        return cls(len(ms), percentile(ms, 50), percentile(ms, 99), mean, max(ms, default=math.nan))

    def text(self) -> str:
        return f"p50 {fmt_ms(self.p50)}, p99 {fmt_ms(self.p99)}, mean {fmt_ms(self.mean)} ms"


def fmt_ms(ms: float) -> str:
    """Milliseconds with three significant digits or so: 0.123, 1.23, 12.3, 123."""
    if math.isnan(ms):
        return "n/a"
    if ms < 1:
        return f"{ms:.3f}"
    if ms < 10:
        return f"{ms:.2f}"
    if ms < 100:
        return f"{ms:.1f}"
    return f"{ms:,.0f}"


def timed(seconds: list[float]) -> _Stopwatch:
    """`with timed(samples): ...` appends the block's duration (seconds) to `samples`."""
    return _Stopwatch(seconds)


class _Stopwatch:
    def __init__(self, samples: list[float]) -> None:
        self._samples = samples
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._samples.append(time.perf_counter() - self._start)


class LoopLag:
    """How late the event loop runs a task that asked to wake every `every` seconds: the
    delay any timer (a question's close, a reply) suffers on this loop. Use as
    `async with LoopLag() as lag: ...`, then read `lag.seconds`."""

    def __init__(self, every: float = 0.01) -> None:
        self.every = every
        self.seconds: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.every)
            self.seconds.append(max(0.0, time.perf_counter() - start - self.every))

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system, all threads) used so far by this process or by `pid`
    (Linux /proc; NaN where it cannot be read)."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks
