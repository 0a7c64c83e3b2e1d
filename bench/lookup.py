"""1. Lookup: latency of `FactIndex.lookup` at each deck size against two scans run in the
same process on the same queries, whether it finds the same fact as the rapidfuzz scan, and
the memory and load time of the biggest deck (in a fresh process, see bench/memory.py).

Queries (bench/synth.py) are in-deck questions with typos, a dropped word, reordered words
or keywords only, and one in ten out-of-deck questions. Each call is timed on its own with
`time.perf_counter`; nothing is cached between calls except what the index itself keeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench import decks
from bench.baselines import DifflibScan, RapidfuzzScan
from bench.memory import MB, measure
from bench.report import Bar, Row
from bench.scale import Scale
from bench.stats import Latency, fmt_ms
from bench.synth import Query, make_queries

AREA = "lookup"
BAR_SIZE = 100_000  # the deck size the latency, speed-up, memory and load bars are set for
P99_MS = 5.0
SPEEDUP = 20.0
AGREEMENT_PCT = 99.0
RSS_MB = 300.0
LOAD_S = 10.0


@dataclass(frozen=True)
class Timed:
    """What one method answered to each query (a fact id or None) and how long each took."""

    found: list[str | None]
    seconds: list[float]

    @property
    def latency(self) -> Latency:
        return Latency.of(self.seconds)


def _time_each(find: Callable[[str], str | None], queries: list[Query]) -> Timed:
    found: list[str | None] = []
    seconds: list[float] = []
    for q in queries:
        start = time.perf_counter()
        hit = find(q.text)
        seconds.append(time.perf_counter() - start)
        found.append(hit)
    return Timed(found, seconds)


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else float("nan")


def _accuracy(queries: list[Query], found: list[str | None]) -> tuple[int, int]:
    """(right, in-deck): how many in-deck queries got their true fact."""
    pairs = [(q, f) for q, f in zip(queries, found, strict=False) if q.fact_id is not None]
    return sum(q.fact_id == f for q, f in pairs), len(pairs)


def at_size(scale: Scale, size: int) -> list[Row]:
    """Latency, speed-up over the scans, agreement and accuracy for one deck size."""
    index = decks.index(size)
    build_s = decks.build_seconds(size)
    queries = make_queries(decks.deck(size), scale.lookup_queries)
    for q in queries[:20]:  # warm up caches the first calls would otherwise pay for
        index.lookup(q.text)

    def find(text: str) -> str | None:
        best = index.lookup(text).best
        return best.entry.fact.id if best else None

    mine = _time_each(find, queries)
    lat = mine.latency
    bar_here = size == BAR_SIZE
    rows = [
        Row(
            AREA,
            f"lookup latency @{size:,} facts",
            lat.p99,
            f"p99 {fmt_ms(lat.p99)} ms (p50 {fmt_ms(lat.p50)}, mean {fmt_ms(lat.mean)})",
            Bar("<=", P99_MS, " ms") if bar_here else None,
            f"n={lat.n}; index built in {build_s:.1f} s",
            {"latency_ms": vars(lat), "build_s": build_s},
        )
    ]

    n_scan = min(scale.brute_count(size), len(queries))
    subset = queries[:n_scan]
    scan = _time_each(RapidfuzzScan(decks.deck(size)).find, subset) if n_scan else None
    if scan is not None:
        s = scan.latency
        mine_sub = Latency.of(mine.seconds[:n_scan])
        by_p50, by_mean = s.p50 / mine_sub.p50, s.mean / mine_sub.mean
        rows.append(
            Row(
                AREA,
                f"speed-up over rapidfuzz scan @{size:,}",
                min(by_p50, by_mean),
                f"{min(by_p50, by_mean):,.0f}× (p50 {by_p50:,.0f}×, mean {by_mean:,.0f}×)",
                Bar(">=", SPEEDUP, "×") if bar_here else None,
                f"scan p50 {fmt_ms(s.p50)} ms, mean {fmt_ms(s.mean)} ms; n={s.n}",
                {"scan_ms": vars(s), "lookup_same_queries_ms": vars(mine_sub)},
            )
        )
        rows += _agreement_rows(size, subset, mine.found[:n_scan], scan.found, queries, mine)

    n_difflib = min(scale.difflib_count(size), len(queries))
    if n_difflib:
        diff = _time_each(DifflibScan(decks.deck(size)).find, queries[:n_difflib])
        d = diff.latency
        mine_d = Latency.of(mine.seconds[:n_difflib])
        right, total = _accuracy(queries[:n_difflib], diff.found)
        rows.append(
            Row(
                AREA,
                f"speed-up over difflib @{size:,}",
                d.p50 / mine_d.p50,
                f"{d.p50 / mine_d.p50:,.0f}× (p50; mean {d.mean / mine_d.mean:,.0f}×)",
                None,
                f"difflib p50 {fmt_ms(d.p50)} ms; right {right}/{total}; n={d.n}",
                {"difflib_ms": vars(d), "difflib_right": right, "difflib_in_deck": total},
            )
        )
    return rows


def _agreement_rows(
    size: int,
    subset: list[Query],
    mine_found: list[str | None],
    scan_found: list[str | None],
    queries: list[Query],
    mine: Timed,
) -> list[Row]:
    scan_right = [
        i for i, q in enumerate(subset) if q.fact_id is not None and scan_found[i] == q.fact_id
    ]
    same = sum(mine_found[i] == scan_found[i] for i in scan_right)
    agreement = _pct(same, len(scan_right))
    lookup_right, in_deck = _accuracy(queries, mine.found)
    lookup_sub, in_deck_sub = _accuracy(subset, mine_found)
    scan_sub, _ = _accuracy(subset, scan_found)
    out = [q for q in queries if q.fact_id is None]
    refused = sum(f is None for q, f in zip(queries, mine.found, strict=True) if q.fact_id is None)
    by_kind: dict[str, list[int]] = {}
    for q, f in zip(queries, mine.found, strict=True):
        tally = by_kind.setdefault(q.kind, [0, 0])
        tally[0] += (f == q.fact_id) if q.fact_id else (f is None)
        tally[1] += 1
    return [
        Row(
            AREA,
            f"same fact as the scan @{size:,}",
            agreement,
            f"{agreement:.1f}% ({same}/{len(scan_right)} in-deck queries the scan got right)",
            Bar(">=", AGREEMENT_PCT, "%"),
            f"scan right on {len(scan_right)}/{in_deck_sub} in-deck",
        ),
        Row(
            AREA,
            f"accuracy vs true fact @{size:,}",
            _pct(lookup_right, in_deck),
            f"lookup {_pct(lookup_right, in_deck):.1f}% of {in_deck}",
            None,
            f"same {in_deck_sub}: lookup {_pct(lookup_sub, in_deck_sub):.1f}%, "
            f"scan {_pct(scan_sub, in_deck_sub):.1f}%",
            {"by_kind_right_of": by_kind},
        ),
        Row(
            AREA,
            f"out-of-deck answered 'not in notes' @{size:,}",
            _pct(refused, len(out)),
            f"{_pct(refused, len(out)):.1f}% of {len(out)}",
            None,
            "the scans always answer something",
        ),
    ]


def load_rows(size: int) -> list[Row]:
    """RSS and load + index time of a course of deck files, each measured in a fresh
    process: at the first start (every file parsed and checked, the index built, both saved)
    and at a later one (the checked decks and the index loaded from what was saved)."""
    first, later = measure(size)
    bar_here = size == BAR_SIZE
    rows = []
    for m, when in ((first, "first start"), (later, "later starts")):
        how = (
            "checked decks and index loaded from what was saved"
            if m.decks_loaded and m.index_loaded
            else "files parsed and checked, index built; both saved"
            if not (m.decks_loaded or m.index_loaded)
            else f"decks {'loaded' if m.decks_loaded else 'checked'}, "
            f"index {'loaded' if m.index_loaded else 'built'}"
        )
        rows += [
            Row(
                AREA,
                f"RSS with decks + index @{size:,}, {when} (fresh process)",
                m.total_mb,
                f"{m.total_mb:,.0f} MB total ({m.delta_mb:,.0f} MB for decks + index)",
                Bar("<=", RSS_MB, " MB") if bar_here else None,
                f"start {m.rss_start / MB:,.0f} MB, after decks {m.rss_deck / MB:,.0f} MB, "
                f"peak {m.rss_peak / MB:,.0f} MB",
                vars(m),
            ),
            Row(
                AREA,
                f"load + index @{size:,} ({m.files} deck files, {m.megabytes:.0f} MB), {when}",
                m.load_and_index_s,
                f"{m.load_and_index_s:.1f} s (decks {m.read_s:.1f} s, index {m.build_s:.1f} s)",
                # The bar is for a start of the bot; the first start after the decks change
                # also parses and checks every file and builds the index (informational).
                Bar("<=", LOAD_S, " s") if bar_here and m.decks_loaded and m.index_loaded else None,
                how,
            ),
        ]
    return rows


def run(scale: Scale) -> list[Row]:
    rows: list[Row] = []
    for size in scale.deck_sizes:
        rows += at_size(scale, size)
    rows += load_rows(scale.memory_size)
    return rows
