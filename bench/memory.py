"""Resident memory and load time of one synthetic deck and its index, in a fresh process.

`python -m bench.memory SIZE FOLDER` imports what the bot imports, then only builds that
deck the way the deck loader does (plain data -> `Deck.model_validate`) and its `FactIndex`
with the saved index in FOLDER (`bot.index_cache`), and prints one JSON object: the seconds
each step took and the resident set size (RSS) before, after the deck and after the index,
plus the peak. `measure` runs it twice in fresh processes on an empty folder: the first
start builds the index and saves it, a later start (same decks) loads it. A fresh process
so that nothing else the benchmark suite holds is counted.
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

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


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
    generate_s: float  # the synthetic stand-in for reading the file: plain data
    validate_s: float  # Deck.model_validate, as the deck loader does after parsing YAML
    build_s: float  # FactIndex.build: built and saved, or loaded from the saved copy
    index_loaded: bool
    rss_start: int  # bytes, after imports
    rss_deck: int
    rss_index: int
    rss_peak: int

    @property
    def load_and_index_s(self) -> float:
        return self.generate_s + self.validate_s + self.build_s

    @property
    def delta_mb(self) -> float:
        return (self.rss_index - self.rss_start) / MB

    @property
    def total_mb(self) -> float:
        return self.rss_index / MB


def _measure_here(size: int, folder: Path) -> dict[str, Any]:
    import bot.judge  # noqa: F401  (the deck validator imports it lazily: not part of the load)
    from bench.synth import deck_data
    from bot.deck import Deck
    from bot.index_cache import IndexCache
    from bot.lookup import FactIndex

    saved_before = any(folder.glob("index-*.npz"))  # same deck, same code: it is this one
    gc.collect()
    start = rss_bytes()
    t0 = time.perf_counter()
    data = deck_data(size)
    t1 = time.perf_counter()
    deck = Deck.model_validate(data)
    t2 = time.perf_counter()
    del data
    gc.collect()
    after_deck = rss_bytes()
    t3 = time.perf_counter()
    index = FactIndex.build([deck], IndexCache(folder))
    t4 = time.perf_counter()
    gc.collect()
    after_index = rss_bytes()
    assert len(index) == size
    return {
        "size": size,
        "generate_s": t1 - t0,
        "validate_s": t2 - t1,
        "build_s": t4 - t3,
        "rss_start": start,
        "rss_deck": after_deck,
        "rss_index": after_index,
        "rss_peak": peak_rss_bytes(),
        "index_loaded": saved_before,
    }


def measure(size: int, timeout: float = 900.0) -> tuple[LoadMeasurement, LoadMeasurement]:
    """The first start (index built and saved) and a later one (index loaded), each in a
    fresh interpreter, for a deck of `size` facts."""
    with tempfile.TemporaryDirectory() as folder:
        return _run(size, folder, timeout), _run(size, folder, timeout)


def _run(size: int, folder: str, timeout: float) -> LoadMeasurement:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", str(size), folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.memory {size} failed:\n{done.stderr[-2000:]}")
    return LoadMeasurement(**json.loads(done.stdout))


if __name__ == "__main__":
    print(json.dumps(_measure_here(int(sys.argv[1]), Path(sys.argv[2]))))
