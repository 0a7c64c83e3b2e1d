"""Time encoding and the window split behind the weekly leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.store.times import HOUR_MS, blocks_of, from_ms, plan_window, to_ms

DAY_MS = 24 * HOUR_MS
BASE = 1_741_600_000_000  # March 2025


def test_round_trip_is_exact_to_the_millisecond_and_utc() -> None:
    moment = datetime(2025, 3, 10, 12, 30, 15, 123000, tzinfo=UTC)
    assert from_ms(to_ms(moment)) == moment
    assert from_ms(to_ms(moment)).tzinfo == UTC
    plus_two = moment.astimezone(timezone(timedelta(hours=2)))
    assert to_ms(plus_two) == to_ms(moment)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        to_ms(datetime(2025, 3, 10))


def _pieces_containing(t: int, start: int, end: int) -> int:
    """How many pieces of the plan for [start, end) claim moment t (as the SQL would)."""
    plan = plan_window(start, end)
    hour = t // HOUR_MS
    in_blocks = sum((b.span, b.start) in blocks_of(hour) for b in plan.blocks)
    in_raw = sum(r.lo <= t < r.hi and r.hour == hour for r in plan.raw)
    return in_blocks + in_raw


@given(
    start=st.integers(BASE, BASE + 30 * DAY_MS),
    length=st.integers(0, 9 * DAY_MS),
    offsets=st.lists(st.integers(-2 * DAY_MS, 11 * DAY_MS), min_size=1, max_size=30),
)
def test_every_moment_of_the_window_is_counted_exactly_once(
    start: int, length: int, offsets: list[int]
) -> None:
    end = start + length
    probes = [start + o for o in offsets] + [start - 1, start, end - 1, end]
    for t in probes:
        assert _pieces_containing(t, start, end) == (1 if start <= t < end else 0), t


@given(start=st.integers(BASE, BASE + 400 * DAY_MS))
def test_a_week_is_one_six_day_block_a_few_small_ones_and_two_partial_hours(
    start: int,
) -> None:
    plan = plan_window(start, start + 7 * DAY_MS + 1)
    spans = [b.span for b in plan.blocks]
    assert spans.count(144) == 1
    assert len(plan.blocks) <= 7
    assert len(plan.raw) <= 2
    for block in plan.blocks:
        assert (block.span, block.start) in blocks_of(block.start)  # a block the DB keeps
    for span in plan.raw:
        assert span.hour * HOUR_MS <= span.lo < span.hi <= (span.hour + 1) * HOUR_MS
