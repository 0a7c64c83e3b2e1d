"""Resident memory and load time of a synthetic course and its index, in a fresh process.

`measure(size)` writes the synthetic deck of `size` facts as deck files (2,000 facts each,
the deck limit), then runs `python -m bench.memory DECKS CACHE` twice, each time in a
fresh interpreter: the first start reads and checks every file and builds the index, and
saves both in CACHE; a later start (same files) loads what was saved. Each run loads the
decks as the bot does at start-up (`bot.cli.load_knowledge`: `load_decks` with a
`DeckCache`, then `FactIndex.build` with an `IndexCache`) and prints one JSON object: the
seconds each step took, whether it was loaded from the cache, and the resident set size
(RSS) before, after the decks and after the index, plus the peak. A fresh process, so that
nothing else the benchmark suite holds is counted.
"""

from __future__ import annotations

import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
FACTS_PER_FILE = 2_000  # the deck limit


def rss_bytes() -> int:
    """The current resident set size (Linux /proc; elsewhere the peak, which is an upper bound)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return peak_rss_bytes()


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


@dataclass(frozen=True)
class LoadMeasurement:
    size: int
    files: int
    megabytes: float  # of deck files
    read_s: float  # load_decks: parse and check every file, or load the checked decks
    build_s: float  # FactIndex.build: build and save the index, or load it
    decks_loaded: bool  # every deck came from the cache
    index_loaded: bool  # the index came from the cache
    rss_start: int  # bytes, after imports
    rss_deck: int
    rss_index: int
    rss_peak: int

    @property
    def load_and_index_s(self) -> float:
        return self.read_s + self.build_s

    @property
    def delta_mb(self) -> float:
        return (self.rss_index - self.rss_start) / MB

    @property
    def total_mb(self) -> float:
        return self.rss_index / MB


def write_decks(size: int, folder: Path) -> float:
    """The synthetic deck as deck files in `folder`; returns their size in megabytes."""
    from bench.synth import deck_data

    data = deck_data(size)
    facts = data.pop("facts")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for n, first in enumerate(range(0, len(facts), FACTS_PER_FILE)):
        deck = {**data, "name": f"synthetic-{n:03}", "facts": facts[first : first + FACTS_PER_FILE]}
        path = folder / f"synthetic-{n:03}.yaml"
        path.write_text(yaml.dump(deck, Dumper=dumper, sort_keys=False), encoding="utf-8")
        total += path.stat().st_size
    return total / MB


def _measure_here(decks_path: Path, cache: Path) -> dict[str, Any]:
    import bot.judge  # noqa: F401  (the deck validator imports it lazily: not part of the load)
    from bot.deck import load_decks
    from bot.deck_cache import DeckCache
    from bot.index_cache import IndexCache
    from bot.lookup import FactIndex

    files = sorted(decks_path.glob("*.yaml"))
    snapshots_before = len(list(cache.glob("deck-*.json")))
    index_before = any(cache.glob("index-*.npz"))  # same decks, same code: it is this one
    gc.collect()
    start = rss_bytes()
    t0 = time.perf_counter()
    saved = DeckCache(cache)
    decks = [d.deck for d in load_decks([decks_path], saved=saved)]
    t1 = time.perf_counter()
    gc.collect()
    after_deck = rss_bytes()
    t2 = time.perf_counter()
    index = FactIndex.build(decks, IndexCache(cache))  # as bot.cli.load_knowledge does
    t3 = time.perf_counter()
    gc.collect()
    after_index = rss_bytes()
    return {
        "size": len(index),
        "files": len(files),
        "megabytes": sum(f.stat().st_size for f in files) / MB,
        "read_s": t1 - t0,
        "build_s": t3 - t2,
        "decks_loaded": snapshots_before == len(files),
        "index_loaded": index_before,
        "rss_start": start,
        "rss_deck": after_deck,
        "rss_index": after_index,
        "rss_peak": peak_rss_bytes(),
    }


def measure(size: int, timeout: float = 1_800.0) -> tuple[LoadMeasurement, LoadMeasurement]:
    """The first start (decks checked, index built, both saved) and a later one (both
    loaded), each in a fresh interpreter, for a course of `size` facts."""
    with tempfile.TemporaryDirectory() as tmp:
        decks, cache = Path(tmp) / "decks", Path(tmp) / "cache"
        write_decks(size, decks)
        first = _run(decks, cache, timeout)
        later = _run(decks, cache, timeout)
    if first.size != size or later.size != size:
        raise RuntimeError(f"loaded {first.size} and {later.size} facts, not {size}")
    return first, later


def _run(decks: Path, cache: Path, timeout: float) -> LoadMeasurement:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(decks), str(cache)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.memory failed:\n{done.stderr[-2000:]}")
    return LoadMeasurement(**json.loads(done.stdout))


if __name__ == "__main__":
    print(json.dumps(_measure_here(Path(sys.argv[1]), Path(sys.argv[2]))))
