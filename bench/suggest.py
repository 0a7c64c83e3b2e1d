"""2. Autocomplete: latency of `FactIndex.suggest` (what /fact's autocomplete calls on every
keystroke) at each deck size, for 1-12 characters of real questions and for fuzzy input
(a typo, or words from the middle of a question), 25 suggestions as Discord shows."""

from __future__ import annotations

import time

from bench import decks
from bench.report import Bar, Row
from bench.scale import Scale
from bench.stats import Latency, fmt_ms
from bench.synth import make_prefixes

AREA = "suggest"
BAR_SIZE = 100_000
P99_MS = 10.0
LIMIT = 25


def at_size(scale: Scale, size: int) -> Row:
    index = decks.index(size)
    prefixes = make_prefixes(decks.deck(size), scale.suggest_prefixes)
    for prefix in prefixes[:20]:
        index.suggest(prefix, LIMIT)
    seconds: list[float] = []
    empty = 0
    for prefix in prefixes:
        start = time.perf_counter()
        found = index.suggest(prefix, LIMIT)
        seconds.append(time.perf_counter() - start)
        empty += not found
    lat = Latency.of(seconds)
    fuzzy = Latency.of(seconds[3::4])
    return Row(
        AREA,
        f"suggest latency @{size:,} facts",
        lat.p99,
        f"p99 {fmt_ms(lat.p99)} ms (p50 {fmt_ms(lat.p50)}, mean {fmt_ms(lat.mean)})",
        Bar("<=", P99_MS, " ms") if size == BAR_SIZE else None,
        f"fuzzy inputs p99 {fmt_ms(fuzzy.p99)} ms; {empty}/{lat.n} empty",
        {"latency_ms": vars(lat), "fuzzy_latency_ms": vars(fuzzy), "empty": empty},
    )


def run(scale: Scale) -> list[Row]:
    return [at_size(scale, size) for size in scale.deck_sizes]
