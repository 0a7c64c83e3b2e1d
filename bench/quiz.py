"""4. Quiz engine: many typed rounds at once in one process, on the real clock and the real
SQLite store (a file in a temporary folder), with simulated students answering.

Every round runs the shipped decks with its own seconds per question (10-20 s in `bench`),
hints, the 3 s grace and the 3 s pause. Answers are offered at a fixed total rate (open
loop: a slow engine builds a backlog, it does not slow the students down), each to a round
whose question is open, from one of its 40 students, right about a third of the time and
otherwise a wrong choice or a misspelling. Measured: answers judged and recorded per second
within the window, how late each question closed (`QuizEngine.lateness`), and that the
answers table holds exactly the answers the engine accepted (read with sqlite3 after the
store is closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import sqlite3
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import ROOT, Bar, Row
from bench.scale import Scale
from bench.stats import Latency, LoopLag, cpu_seconds, fmt_ms
from bench.synth import typo
from bot.cli import load_knowledge
from bot.deck import Fact
from bot.quiz import (
    AnswerJudged,
    CloseReason,
    HintRevealed,
    Mode,
    Player,
    QuestionClosed,
    QuestionOpened,
    QuizEngine,
    RealClock,
    RoundConfig,
    RoundEnded,
)
from bot.quiz import engine as engine_module
from bot.quiz.round import MAX_ATTEMPTS
from bot.services import settle_heap
from bot.store import Store

AREA = "quiz"
RATE = 2_000.0
LATENESS_MS = 100.0
STUDENTS = 40  # per round
RIGHT = 0.3  # share of answers that are the right answer
TICK = 0.002  # seconds between batches of answers
DRAIN_S = 600.0  # how long answers still in flight may take after the window


class EngineErrors(logging.Handler):
    """Counts the errors the engine logs (a round that failed) instead of printing a
    traceback for each; the first one is kept for the report."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.first is None:
            self.first = self.format(record)

    @contextlib.contextmanager
    def capturing(self, logger: logging.Logger) -> Iterator[EngineErrors]:
        logger.addHandler(self)
        logger.propagate = False
        try:
            yield self
        finally:
            logger.removeHandler(self)
            logger.propagate = True


class OpenChannels:
    """Channels whose question was posted and not yet revealed: O(1) add, remove, pick."""

    def __init__(self) -> None:
        self._items: list[int] = []
        self._where: dict[int, int] = {}

    def add(self, channel: int) -> None:
        if channel not in self._where:
            self._where[channel] = len(self._items)
            self._items.append(channel)

    def discard(self, channel: int) -> None:
        at = self._where.pop(channel, None)
        if at is None:
            return
        last = self._items.pop()
        if last != channel:
            self._items[at] = last
            self._where[last] = at

    def pick(self, rng: random.Random) -> int | None:
        return self._items[rng.randrange(len(self._items))] if self._items else None


class CountingTransport:
    """Shows nothing; counts what the engine asked it to show, keeps which channels have a
    question up, and how late each reveal came after its question was due to close (what
    students would see)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.engine: QuizEngine | None = None
        self.open = OpenChannels()
        self.reveal_lateness: list[float] = []

    async def post_question(self, event: QuestionOpened) -> None:
        self.counts["question"] += 1
        self.open.add(event.where.channel_id)

    async def post_hint(self, event: HintRevealed) -> None:
        self.counts["hint"] += 1

    async def post_reveal(self, event: QuestionClosed) -> None:
        self.counts["reveal"] += 1
        self.open.discard(event.where.channel_id)
        rnd = self.engine.running(event.where.channel_id) if self.engine else None
        question = rnd.question if rnd else None
        if question is None or event.reason not in (CloseReason.TIME, CloseReason.ANSWERED):
            return
        due = question.closes_at
        if event.reason is CloseReason.ANSWERED and question.grace_until is not None:
            due = min(due, question.grace_until)
        self.reveal_lateness.append(max(0.0, time.time() - due))

    async def post_results(self, event: RoundEnded) -> None:
        self.counts["results"] += 1

    async def acknowledge(self, event: AnswerJudged) -> None:
        self.counts["acknowledge"] += 1

    async def post_notice(self, guild_id: int, channel_id: int, text: str) -> None:
        self.counts["notice"] += 1


@dataclass
class Tally:
    """What happened to the answers the students offered."""

    offered: int = 0
    accepted: int = 0  # the engine judged and recorded it (returned an AnswerJudged)
    accepted_in_window: int = 0
    declined: int = 0  # not taken: the question closed meanwhile, or too many tries
    errors: int = 0
    no_open_round: int = 0  # the students found no open question to answer
    # offered -> judged and recorded; an array of doubles, which the garbage collector skips
    seconds: array[float] = field(default_factory=lambda: array("d"))
    max_in_flight: int = 0
    drain_s: float = 0.0  # after the window, until every answer in flight was done


@dataclass(frozen=True)
class Offer:
    """One answer a student is about to type."""

    channel: int
    player: Player
    text: str
    key: int  # channel, question number and student


@dataclass
class Students:
    """Who answers what: each round has its own students; a student stops answering a
    question once right or after the engine's limit of tries."""

    rng: random.Random
    # (channel, question number, student) as one int -> tries so far, MAX_ATTEMPTS once
    # right. Ints only: the garbage collector skips such a dict, as it would in the bot,
    # which has no such table.
    tries: dict[int, int] = field(default_factory=dict)

    def is_right(self, key: int) -> None:
        self.tries[key] = MAX_ATTEMPTS

    def pick(self, engine: QuizEngine, posted: OpenChannels) -> Offer | None:
        """A student of a round whose question is open, and what they type."""
        for _ in range(10):
            channel = posted.pick(self.rng)
            if channel is None:
                return None
            rnd = engine.running(channel)
            if rnd is None or rnd.question is None or not engine.accepting(channel):
                continue
            number = rnd.question.number
            for _ in range(5):
                k = self.rng.randrange(STUDENTS)
                key = (channel * 100 + number) * STUDENTS + k
                if self.tries.get(key, 0) >= MAX_ATTEMPTS:
                    continue
                self.tries[key] = self.tries.get(key, 0) + 1
                text = self.attempt(rnd.question.entry.fact)
                if text == rnd.question.entry.fact.answer:
                    self.is_right(key)  # and a misspelling, once the engine accepts it
                return Offer(channel, Player(channel * 100 + k, f"student{k}"), text, key)
        return None

    def attempt(self, fact: Fact) -> str:
        roll = self.rng.random()
        if roll < RIGHT:
            return fact.answer
        if roll < RIGHT + 0.15:
            return " ".join(typo(self.rng, w) for w in fact.answer.split())
        return self.rng.choice(fact.choices)


async def _answer(
    engine: QuizEngine, offer: Offer, students: Students, tally: Tally, window_end: float
) -> None:
    start = time.perf_counter()
    try:
        judged = await engine.answer(offer.channel, offer.player, offer.text)
    except Exception:
        tally.errors += 1
        return
    if judged is None:
        tally.declined += 1
        return
    if judged.correct:
        students.is_right(offer.key)
    done = time.perf_counter()
    tally.accepted += 1
    tally.accepted_in_window += done <= window_end
    tally.seconds.append(done - start)


async def _start_rounds(engine: QuizEngine, scale: Scale, rng: random.Random) -> None:
    low, high = scale.quiz_question_seconds
    for r in range(scale.quiz_rounds):
        guild, channel = 1_000 + r // 20, 10_000 + r
        config = RoundConfig(questions=50, seconds=rng.randint(low, high), mode=Mode.TYPED)
        await engine.start(guild, channel, Player(guild, "teacher"), config)


async def _drive(
    engine: QuizEngine, posted: OpenChannels, scale: Scale, tally: Tally
) -> set[asyncio.Task[None]]:
    """Offer answers at the scale's rate for its seconds; returns the answers in flight."""
    students = Students(random.Random(9))
    pending: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    window_end = start + scale.quiz_seconds
    while (now := time.perf_counter()) < window_end:
        due = int((now - start) * scale.quiz_rate) - tally.offered
        for _ in range(due):
            tally.offered += 1
            picked = students.pick(engine, posted)
            if picked is None:
                tally.no_open_round += 1
                continue
            task = asyncio.create_task(_answer(engine, picked, students, tally, window_end))
            pending.add(task)
            task.add_done_callback(pending.discard)
        tally.max_in_flight = max(tally.max_in_flight, len(pending))
        await asyncio.sleep(TICK)
    return pending


async def measure(scale: Scale) -> list[Row]:
    knowledge = load_knowledge(ROOT / "data" / "decks")
    transport = CountingTransport()
    tally = Tally()
    errors = EngineErrors()
    engine_log = logging.getLogger(engine_module.__name__)
    with errors.capturing(engine_log), tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "quiz.db"
        store = await Store.open(db)
        settle_heap()  # as the bot does once its decks and store are up (cogs/app.py)
        try:
            engine = QuizEngine(knowledge, store, transport, RealClock(), random.Random(1))
            transport.engine = engine
            await _start_rounds(engine, scale, random.Random(8))
            cpu_start = cpu_seconds()
            async with LoopLag() as lag:
                pending = await _drive(engine, transport.open, scale, tally)
            window = scale.quiz_seconds
            cpu_cores = (cpu_seconds() - cpu_start) / window
            drain_start = time.perf_counter()
            if pending:
                await asyncio.wait(pending, timeout=DRAIN_S)
            tally.drain_s = time.perf_counter() - drain_start
            stop_start = time.perf_counter()
            await engine.shutdown()
            shutdown_s = time.perf_counter() - stop_start
        finally:
            await store.close()
        with sqlite3.connect(db) as con:
            rows_saved = con.execute("SELECT count(*) FROM answers").fetchone()[0]
    lost = abs(tally.accepted - rows_saved) + tally.errors
    rate = tally.accepted_in_window / window
    lat = Latency.of(tally.seconds)
    late = Latency.of(engine.lateness)
    loop_lag = Latency.of(lag.seconds)
    shown = Latency.of(transport.reveal_lateness)
    return [
        Row(
            AREA,
            f"answers judged + recorded per second ({scale.quiz_rounds:,} rounds, {window:g} s)",
            rate,
            f"{rate:,.0f}/s (offered {scale.quiz_rate:,}/s)",
            Bar(">=", RATE, "/s") if scale.quiz_rate >= RATE else None,
            f"answer latency p50 {fmt_ms(lat.p50)}, p99 {fmt_ms(lat.p99)} ms; most in flight "
            f"{tally.max_in_flight:,} (drained in {tally.drain_s:.0f} s); process CPU "
            f"{cpu_cores:.2f} cores",
            {
                "offered": tally.offered,
                "accepted": tally.accepted,
                "accepted_in_window": tally.accepted_in_window,
                "declined": tally.declined,
                "no_open_round": tally.no_open_round,
                "answer_latency_ms": vars(lat),
                "process_cpu_cores": cpu_cores,
                "events_shown": dict(transport.counts),
                "shutdown_s": shutdown_s,
                "drain_s": tally.drain_s,
            },
        ),
        Row(
            AREA,
            "question-close lateness",
            late.p99,
            f"p99 {fmt_ms(late.p99)} ms (max {fmt_ms(late.max)}, {late.n} closes)",
            Bar("<=", LATENESS_MS, " ms"),
            f"p50 {fmt_ms(late.p50)} ms; event-loop lag p99 {fmt_ms(loop_lag.p99)} ms",
            {"lateness_ms": vars(late), "loop_lag_ms": vars(loop_lag)},
        ),
        Row(
            AREA,
            "reveal lateness (reveal posted after the close was due)",
            shown.p99,
            f"p99 {fmt_ms(shown.p99)} ms (max {fmt_ms(shown.max)}, {shown.n} reveals)",
            None,
            f"p50 {fmt_ms(shown.p50)} ms; the store write comes between close and reveal",
            {"reveal_lateness_ms": vars(shown)},
        ),
        Row(
            AREA,
            "rounds the engine logged as failed",
            float(errors.count),
            f"{errors.count} of {scale.quiz_rounds:,}",
            None,
            (errors.first or "").strip().splitlines()[-1][:90] if errors.first else "-",
            {"first_error": errors.first},
        ),
        Row(
            AREA,
            "answers lost (accepted vs rows in answers)",
            float(lost),
            f"{lost} (accepted {tally.accepted:,}, rows {rows_saved:,}, errors {tally.errors})",
            Bar("<=", 0, ""),
            f"declined {tally.declined:,} (question closed or tries used up)",
        ),
    ]


def run(scale: Scale) -> list[Row]:
    return asyncio.run(measure(scale))
