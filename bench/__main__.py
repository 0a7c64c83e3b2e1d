"""`python -m bench [--quick] [--only AREA ...]`: run the benchmarks, print one table and
save it, with the machine's description, as bench/results.json.

Every area runs in this one process, one after the other, so that the ratios between a
method and its baseline are measured under the same conditions (the memory measurement
and the bot itself run as separate processes, on purpose). Bars that are missed are
reported, not hidden: the exit status is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import decks, e2e, judge, lookup, quiz, startup, store, suggest
from bench.report import RESULTS, Row, document, error_row, machine, now_iso, save, table
from bench.scale import SCALES, Scale

AREAS: dict[str, Callable[[Scale], list[Row]]] = {
    "lookup": lookup.run,
    "suggest": suggest.run,
    "judge": judge.run,
    "quiz": quiz.run,
    "store": store.run,
    "startup": startup.run,
    "e2e": e2e.run,
}
#: After these, the big synthetic decks are dropped: the rest should not run on their heap.
USES_DECKS = ("lookup", "suggest", "judge")


def run_suite(
    scale: Scale, only: Sequence[str] = (), log: bool = True, loads: dict[str, Any] | None = None
) -> list[Row]:
    """Run the areas (all, or `only` those) at `scale`; a crash becomes an ERROR row. The
    machine's load average as each area starts goes into `loads` (others may be busy)."""
    rows: list[Row] = []
    for name, run in AREAS.items():
        if only and name not in only:
            continue
        if loads is not None:
            loads[name] = [round(x, 2) for x in os.getloadavg()]
        start = time.perf_counter()
        try:
            got = run(scale)
        except Exception:
            got = [error_row(name, traceback.format_exc())]
        rows += got
        if name in USES_DECKS:
            decks.forget_all()
            gc.collect()
        if log:
            print(f"[bench] {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
            print(table(got), file=sys.stderr, flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="the smaller run (under two minutes)")
    size.add_argument("--scale", choices=sorted(SCALES), help="full, quick or tiny")
    parser.add_argument("--only", nargs="+", choices=list(AREAS), default=[], metavar="AREA")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to save the JSON")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale or ("quick" if args.quick else "full")]
    meta = machine() | {"mode": scale.name, "date": now_iso(), "only": args.only}
    start = time.perf_counter()
    loads: dict[str, Any] = {}
    rows = run_suite(scale, args.only, loads=loads)
    meta["load_average_as_each_area_started"] = loads
    meta |= {"duration_s": round(time.perf_counter() - start, 1)}
    meta |= {"load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    print(table(rows))
    save(document(rows, meta), args.out)
    print(f"\nsaved {args.out} ({scale.name}, {meta['duration_s']:.0f} s)")
    return 1 if any(r.status == "ERROR" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
