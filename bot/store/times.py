"""How the store encodes time, and how a time window is cut into rollup blocks.

Times are stored as INTEGER milliseconds since the Unix epoch (UTC). Integers keep the
bucket arithmetic exact in both SQL (integer division) and Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MS: Final = timedelta(milliseconds=1)
HOUR_MS: Final = 3_600_000
WEEK: Final = timedelta(days=7)
HOUR_BLOCKS: Final = (8, 4, 2, 1)
"""Sizes (hours) of the blocks aligned to multiples of their size (so to midnight, UTC)."""
RUN_HOURS: Final = 144
"""A 6-day block; one starts at every midnight, so each hour is in six of them."""


def to_ms(moment: datetime) -> int:
    """Aware datetime -> epoch milliseconds (exact, no float rounding)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the store needs timezone-aware datetimes, got naive {moment!r}")
    return (moment - _EPOCH) // _MS


def from_ms(value: int) -> datetime:
    """Epoch milliseconds -> aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=value)


def opt_from_ms(value: int | None) -> datetime | None:
    return None if value is None else from_ms(value)


def blocks_of(hour: int) -> list[tuple[int, int]]:
    """Every (span, start) block that hour `hour` counts in; the SQL triggers do the same."""
    day = hour // 24
    aligned = [(span, hour - hour % span) for span in HOUR_BLOCKS]
    return aligned + [(RUN_HOURS, (day - back) * 24) for back in range(RUN_HOURS // 24)]


@dataclass(frozen=True, slots=True)
class Block:
    """Hours [start, start + span) — one player_spans row per active student."""

    span: int
    start: int


@dataclass(frozen=True, slots=True)
class RawSpan:
    """Milliseconds [lo, hi), all inside hour `hour`: read from answers."""

    hour: int
    lo: int
    hi: int


@dataclass(frozen=True, slots=True)
class WindowPlan:
    """A window [start, end) in ms as whole blocks plus at most two partial hours.

    Every millisecond of the window is in exactly one piece. A week is one 6-day block
    and at most six aligned blocks around it, so a dense week costs ~7 rows per student.
    """

    blocks: tuple[Block, ...]
    raw: tuple[RawSpan, ...]


def _aligned(first: int, end: int) -> list[Block]:
    """Hours [first, end) as the largest aligned blocks, left to right."""
    blocks: list[Block] = []
    hour = first
    while hour < end:
        span = next(s for s in HOUR_BLOCKS if hour % s == 0 and hour + s <= end)
        blocks.append(Block(span, hour))
        hour += span
    return blocks


def plan_window(start_ms: int, end_ms: int) -> WindowPlan:
    """Cut [start_ms, end_ms) into blocks: 6-day runs over whole days, aligned blocks around."""
    if end_ms <= start_ms:
        return WindowPlan((), ())
    first_full = -(-start_ms // HOUR_MS)  # first hour starting at or after start
    end_full = end_ms // HOUR_MS  # hours before this one end by end_ms
    if first_full > end_full:  # no hour boundary inside the window
        return WindowPlan((), (RawSpan(start_ms // HOUR_MS, start_ms, end_ms),))
    raw: list[RawSpan] = []
    if start_ms < first_full * HOUR_MS:
        raw.append(RawSpan(first_full - 1, start_ms, first_full * HOUR_MS))
    if end_full * HOUR_MS < end_ms:
        raw.append(RawSpan(end_full, end_full * HOUR_MS, end_ms))
    first_day, end_day = -(-first_full // 24), end_full // 24
    if first_day >= end_day:  # no whole day inside
        return WindowPlan(tuple(_aligned(first_full, end_full)), tuple(raw))
    blocks = _aligned(first_full, first_day * 24)
    day = first_day
    while end_day - day >= RUN_HOURS // 24:
        blocks.append(Block(RUN_HOURS, day * 24))
        day += RUN_HOURS // 24
    blocks += _aligned(day * 24, end_day * 24) + _aligned(end_day * 24, end_full)
    return WindowPlan(tuple(blocks), tuple(raw))
