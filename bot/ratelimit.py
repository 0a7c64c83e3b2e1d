"""A per-member token bucket: one student spamming is slowed, nobody else notices."""

from __future__ import annotations

from collections.abc import Callable, Hashable


class RateLimiter:
    """`allow(key)` is True while `key` stays under `rate` per second (bursts up to `burst`)."""

    def __init__(self, rate: float, burst: int, now: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = burst
        self.now = now
        # key -> (tokens, when last topped up). Plain tuples of numbers, not objects: the
        # garbage collector stops tracking them, so tens of thousands of members add nothing
        # to its pauses.
        self._buckets: dict[Hashable, tuple[float, float]] = {}

    def allow(self, key: Hashable) -> bool:
        now = self.now()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 50_000:
                self._forget_idle(now)
            tokens = float(self.burst)
        else:
            tokens = min(float(self.burst), bucket[0] + (now - bucket[1]) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        return allowed

    def _forget_idle(self, now: float) -> None:
        full = self.burst / self.rate
        self._buckets = {k: b for k, b in self._buckets.items() if now - b[1] < full}
