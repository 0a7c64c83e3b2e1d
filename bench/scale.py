"""How big each benchmark runs: `full` (make bench), `quick` (make bench-quick, under two
minutes) and `tiny` (the smoke test, seconds). Bars are always checked at the size run;
the table names the size."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    # lookup and suggest
    deck_sizes: tuple[int, ...]
    lookup_queries: int  # timed lookups per deck size
    brute_queries: tuple[tuple[int, int], ...]  # (deck size, queries) for the rapidfuzz scan
    difflib_queries: tuple[tuple[int, int], ...]  # (deck size, queries); 10,000 facts at most
    memory_size: int  # the course measured in fresh processes (RSS, load and index time)
    suggest_prefixes: int
    # judge
    judgments: int
    # quiz engine
    quiz_rounds: int
    quiz_seconds: float  # how long students answer
    # answers per second offered, all rounds together: 10% over the bar, so that meeting it
    # shows the engine keeps up, not that it matched the offered rate to the last answer
    quiz_rate: int
    quiz_question_seconds: tuple[int, int]  # each round's seconds per question, low..high
    # store
    store_answers: int
    store_queries: int  # timed calls of each report
    store_forgets: int
    # start-up
    ask_runs: int
    ready_runs: int
    # end to end
    e2e_seconds: float  # per phase
    e2e_rate: int  # /ask per second
    e2e_members: int

    def brute_count(self, size: int) -> int:
        return dict(self.brute_queries).get(size, 0)

    def difflib_count(self, size: int) -> int:
        return dict(self.difflib_queries).get(size, 0)


FULL = Scale(
    name="full",
    deck_sizes=(1_000, 10_000, 100_000),
    lookup_queries=2_000,
    brute_queries=((1_000, 400), (10_000, 400), (100_000, 200)),
    difflib_queries=((1_000, 60), (10_000, 10)),
    memory_size=100_000,
    suggest_prefixes=2_000,
    judgments=200_000,
    quiz_rounds=1_000,
    quiz_seconds=60.0,
    quiz_rate=2_200,
    quiz_question_seconds=(10, 20),
    store_answers=1_000_000,
    store_queries=500,
    store_forgets=20,
    ask_runs=7,
    ready_runs=3,
    e2e_seconds=20.0,
    e2e_rate=100,
    e2e_members=50,
)

QUICK = Scale(
    name="quick",
    deck_sizes=(1_000, 10_000),
    lookup_queries=500,
    brute_queries=((1_000, 100), (10_000, 60)),
    difflib_queries=((1_000, 10),),
    memory_size=10_000,
    suggest_prefixes=500,
    judgments=50_000,
    quiz_rounds=1_000,
    quiz_seconds=15.0,
    quiz_rate=2_200,
    quiz_question_seconds=(10, 20),
    store_answers=100_000,
    store_queries=200,
    store_forgets=10,
    ask_runs=3,
    ready_runs=1,
    e2e_seconds=5.0,
    e2e_rate=100,
    e2e_members=50,
)

TINY = Scale(
    name="tiny",
    deck_sizes=(200,),
    lookup_queries=40,
    brute_queries=((200, 20),),
    difflib_queries=((200, 3),),
    memory_size=200,
    suggest_prefixes=40,
    judgments=500,
    quiz_rounds=10,
    quiz_seconds=1.5,
    quiz_rate=100,
    quiz_question_seconds=(1, 1),
    store_answers=3_000,
    store_queries=10,
    store_forgets=2,
    ask_runs=1,
    ready_runs=1,
    e2e_seconds=0.5,
    e2e_rate=20,
    e2e_members=5,
)

SCALES = {s.name: s for s in (FULL, QUICK, TINY)}
