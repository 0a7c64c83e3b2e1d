"""5. Store: the leaderboard (all time and this week) and one student's stats with a million
answers in the database, and `forget(user)`.

The history (bench/synth.py `make_history`) is finished rounds in time order over 120 days
up to now: 20 classes of 20-150 students, 10 questions a round, 5-30 players. Rounds and
questions go in with `start_round` / `open_question` / `end_round`, answers with
`record_answers` in batches, all through the store's public methods. Each report is then
called on random guilds and students through the store (so through aiosqlite's thread, as
the bot calls it), and `forget` on the busiest students and some random ones, one by one.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.history import PlannedRound, make_history
from bench.report import Bar, Row
from bench.scale import Scale
from bench.stats import Latency, fmt_ms
from bot.store import NewAnswer, Store

AREA = "store"
P99_MS = 10.0
FORGET_MS = 200.0
BATCH = 10_000


async def _load(store: Store, answers: int, now: datetime) -> tuple[Counter[tuple[int, int]], int]:
    """Write the history; returns answers per (guild, student) and the answers written."""
    per_student: Counter[tuple[int, int]] = Counter()
    batch: list[NewAnswer] = []
    written = 0
    for planned in make_history(answers, now):
        await _write_round(store, planned, batch, per_student)
        if len(batch) >= BATCH:
            written += await store.record_answers(batch)
            batch.clear()
    if batch:
        written += await store.record_answers(batch)
    return per_student, written


async def _write_round(
    store: Store,
    planned: PlannedRound,
    batch: list[NewAnswer],
    per_student: Counter[tuple[int, int]],
) -> None:
    round_id = await store.start_round(
        planned.guild_id, planned.channel_id, planned.started_by, "synthetic", None,
        "typed", len(planned.questions), 20, planned.started_at,
    )  # fmt: skip
    for position, q in enumerate(planned.questions, start=1):
        question_id = await store.open_question(round_id, position, q.fact_id, q.topic, q.opened_at)
        for a in q.answers:
            batch.append(
                NewAnswer(
                    question_id=question_id,
                    user_id=a.user_id,
                    user_name=a.user_name,
                    attempt=a.attempt,
                    correct=a.correct,
                    points=a.points,
                    response_ms=a.response_ms,
                    streak=a.streak,
                    answered_at=a.answered_at,
                )
            )
            per_student[planned.guild_id, a.user_id] += 1
    ended = planned.questions[-1].opened_at
    await store.end_round(round_id, ended, "finished", planned.winner_id)


async def _time_calls(
    calls: int, make: Callable[[int], Awaitable[Any]]
) -> tuple[Latency, list[Any]]:
    seconds: list[float] = []
    results = []
    for i in range(calls):
        start = time.perf_counter()
        results.append(await make(i))
        seconds.append(time.perf_counter() - start)
    return Latency.of(seconds), results


async def measure(scale: Scale) -> list[Row]:
    rng = random.Random(11)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        store = await Store.open(Path(tmp) / "store.db")
        try:
            start = time.perf_counter()
            per_student, written = await _load(store, scale.store_answers, now)
            load_s = time.perf_counter() - start
            rows = await _reports(store, scale, rng, now, per_student)
            rows += await _forget(store, scale, rng, per_student)
        finally:
            await store.close()
    guilds = len({g for g, _ in per_student})
    rows[0] = Row(
        **{
            **vars(rows[0]),
            "baseline": f"{written:,} answers, {guilds} guilds, {len(per_student):,} "
            f"(guild, student); loaded in {load_s:.0f} s ({written / load_s:,.0f} answers/s)",
        }
    )
    return rows


async def _reports(
    store: Store,
    scale: Scale,
    rng: random.Random,
    now: datetime,
    per_student: Counter[tuple[int, int]],
) -> list[Row]:
    students = list(per_student)
    guilds = sorted({g for g, _ in students})
    picks_g = [rng.choice(guilds) for _ in range(scale.store_queries)]
    picks_s = [rng.choice(students) for _ in range(scale.store_queries)]
    await store.leaderboard(guilds[0], "all", now)  # warm the page cache once
    all_time, _ = await _time_calls(
        scale.store_queries, lambda i: store.leaderboard(picks_g[i], "all", now)
    )
    week, boards = await _time_calls(
        scale.store_queries, lambda i: store.leaderboard(picks_g[i], "week", now)
    )
    stats, found = await _time_calls(
        scale.store_queries, lambda i: store.student_stats(*picks_s[i])
    )
    empty_weeks = sum(not b for b in boards)
    missing = sum(s is None for s in found)
    rows = []
    for name, lat, note in (
        ("leaderboard all-time", all_time, ""),
        ("leaderboard this week", week, f"{empty_weeks} empty boards"),
        ("student stats", stats, f"{missing} students not found"),
    ):
        rows.append(
            Row(
                AREA,
                f"{name} @{sum(per_student.values()):,} answers",
                lat.p99,
                f"p99 {fmt_ms(lat.p99)} ms (p50 {fmt_ms(lat.p50)}, max {fmt_ms(lat.max)})",
                Bar("<=", P99_MS, " ms"),
                note,
                {"latency_ms": vars(lat)},
            )
        )
    return rows


async def _forget(
    store: Store, scale: Scale, rng: random.Random, per_student: Counter[tuple[int, int]]
) -> list[Row]:
    """Forget the busiest students (everywhere) and as many random ones."""
    per_user: Counter[int] = Counter()
    for (_, user), n in per_student.items():
        per_user[user] += n
    busiest = [u for u, _ in per_user.most_common(scale.store_forgets // 2)]
    others = [u for u in per_user if u not in busiest]
    chosen = busiest + rng.sample(others, min(len(others), scale.store_forgets - len(busiest)))
    removed: list[int] = []
    lat, removed = await _time_calls(len(chosen), lambda i: store.forget(chosen[i]))
    expected = [per_user[u] for u in chosen]
    wrong = sum(r != e for r, e in zip(removed, expected, strict=True))
    return [
        Row(
            AREA,
            "forget(user), everywhere",
            lat.max,
            f"max {fmt_ms(lat.max)} ms (p50 {fmt_ms(lat.p50)}, {lat.n} students)",
            Bar("<=", FORGET_MS, " ms"),
            f"busiest had {max(expected):,} answers; {wrong} removed a wrong count",
            {"latency_ms": vars(lat), "answers_removed": removed},
        )
    ]


def run(scale: Scale) -> list[Row]:
    return asyncio.run(measure(scale))
