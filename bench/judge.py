"""3. Judge: typed answers judged per second, on attempts made as a quiz round makes them
(bench/synth.py `make_attempts`): ten attempts in a row at one fact of a 10,000-fact deck,
every attempt string new; right answers, typos, dates spelt another way, wrong numbers and
dates, wrong names. A second row draws a new fact for every attempt, so the judge's cache
of analysed answers never helps (informational: a round never does that)."""

from __future__ import annotations

import time
from collections import Counter

from bench import decks
from bench.report import Bar, Row
from bench.scale import Scale
from bench.synth import Attempt, make_attempts
from bot.judge import judge

AREA = "judge"
DECK_SIZE = 10_000
RATE = 20_000.0


def _rate(attempts: list[Attempt]) -> tuple[float, Counter[str], Counter[str]]:
    """Judgments per second, and per kind of attempt: how many, how many accepted."""
    accepted: list[bool] = []
    start = time.perf_counter()
    for a in attempts:
        accepted.append(judge(a.text, a.answers).accepted)
    elapsed = time.perf_counter() - start
    kinds: Counter[str] = Counter(a.kind for a in attempts)
    yes: Counter[str] = Counter(a.kind for a, ok in zip(attempts, accepted, strict=True) if ok)
    return len(attempts) / elapsed, kinds, yes


def run(scale: Scale) -> list[Row]:
    deck = decks.deck(min(DECK_SIZE, max(scale.deck_sizes)))
    quiz_like = list(make_attempts(deck, scale.judgments, per_question=10))
    cold = list(make_attempts(deck, scale.judgments // 4, per_question=1, seed=7))
    judge("warm up", ("the interpreter",))
    rate, kinds, yes = _rate(quiz_like)
    cold_rate, _, _ = _rate(cold)
    accepted = {k: f"{yes[k]}/{n}" for k, n in sorted(kinds.items())}
    return [
        Row(
            AREA,
            "judgments per second (10 attempts per question)",
            rate,
            f"{rate:,.0f}/s",
            Bar(">=", RATE, "/s"),
            "accepted " + ", ".join(f"{k} {v}" for k, v in accepted.items()),
            {"attempts": len(quiz_like), "accepted_by_kind": accepted},
        ),
        Row(
            AREA,
            "judgments per second (every attempt a new question)",
            cold_rate,
            f"{cold_rate:,.0f}/s",
            None,
            f"{rate / cold_rate:.1f}× slower than in a round",
            {"attempts": len(cold)},
        ),
    ]
