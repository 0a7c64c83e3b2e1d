"""A store's answer history, made deterministically from a seed: finished quiz rounds of
many classes over months, for the store benchmark (bench/store.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.synth import THINGS, TOPICS


@dataclass(frozen=True)
class PlannedAnswer:
    user_id: int
    user_name: str
    attempt: str
    correct: bool
    points: int
    response_ms: int
    streak: int
    answered_at: datetime


@dataclass(frozen=True)
class PlannedQuestion:
    fact_id: str
    topic: str
    opened_at: datetime
    answers: tuple[PlannedAnswer, ...]


@dataclass(frozen=True)
class PlannedRound:
    guild_id: int
    channel_id: int
    started_by: int
    started_at: datetime
    questions: tuple[PlannedQuestion, ...]
    winner_id: int | None

    @property
    def answer_count(self) -> int:
        return sum(len(q.answers) for q in self.questions)


def _classes(rng: random.Random, guilds: int) -> list[list[int]]:
    """Each guild's students: 20-150, a few of them also in the guild before."""
    members: list[list[int]] = []
    for g in range(guilds):
        own = [1_000_000 + g * 1_000 + k for k in range(rng.randint(20, 150))]
        if g:
            own += rng.sample(members[g - 1], 3)
        members.append(own)
    return members


def _question(
    rng: random.Random, players: list[int], opened: datetime, streaks: dict[int, int]
) -> PlannedQuestion:
    """Most players answer, some twice; 60% of answers are right."""
    planned = []
    for user in players:
        if rng.random() < 0.15:
            continue
        for attempt in range(2 if rng.random() < 0.2 else 1):
            correct = rng.random() < 0.6
            streaks[user] = streaks[user] + 1 if correct else 0
            ms = rng.randint(1_500, 19_000) + attempt * 500
            planned.append(
                PlannedAnswer(
                    user_id=user,
                    user_name=f"student{user}",
                    attempt=rng.choice(THINGS),
                    correct=correct,
                    points=rng.randint(50, 130) if correct else 0,
                    response_ms=ms,
                    streak=streaks[user],
                    answered_at=opened + timedelta(milliseconds=ms),
                )
            )
    planned.sort(key=lambda a: a.answered_at)
    fact_id = f"f{rng.randrange(10_000)}"
    return PlannedQuestion(fact_id, rng.choice(TOPICS), opened, tuple(planned))


def make_history(
    answers: int, now: datetime, *, guilds: int = 20, days: int = 120, seed: int = 5
) -> Iterator[PlannedRound]:
    """Finished quiz rounds in time order, about `answers` answers in all: classes of 20-150
    students (some in two classes; big classes play more), 10 questions a round, 5-30
    players each, over the `days` days up to `now`."""
    rng = random.Random(seed)
    members = _classes(rng, guilds)
    weights = [len(m) for m in members]
    span = timedelta(days=days).total_seconds()
    # About 178 answers a round on average; a few more rounds so that at least `answers`
    # come out, spread over the whole span (the last week too).
    starts = sorted(rng.random() * span for _ in range(max(1, answers // 170)))
    for offset in starts:
        g = rng.choices(range(guilds), weights)[0]
        started = now - timedelta(seconds=span - offset)
        players = rng.sample(members[g], min(len(members[g]), rng.randint(5, 30)))
        streaks = dict.fromkeys(players, 0)
        questions = tuple(
            _question(rng, players, started + timedelta(seconds=26 * n), streaks) for n in range(10)
        )
        totals = dict.fromkeys(players, 0)
        for q in questions:
            for a in q.answers:
                totals[a.user_id] += a.points
        best = max(players, key=lambda u: totals[u])
        planned = PlannedRound(
            guild_id=1_000 + g,
            channel_id=5_000 + g * 10 + rng.randrange(3),
            started_by=players[0],
            started_at=started,
            questions=questions,
            winner_id=best if totals[best] else None,
        )
        yield planned
