"""The synthetic decks and their indexes, made once per run and shared by the lookup and
autocomplete benchmarks (a 100,000-fact index takes a while to build)."""

from __future__ import annotations

import time
from functools import cache

from bench.synth import make_deck
from bot.deck import Deck
from bot.lookup import FactIndex

_build_seconds: dict[int, float] = {}


@cache
def deck(size: int) -> Deck:
    return make_deck(size)


@cache
def index(size: int) -> FactIndex:
    facts = deck(size)
    start = time.perf_counter()
    built = FactIndex.build([facts])
    _build_seconds[size] = time.perf_counter() - start
    return built


def build_seconds(size: int) -> float:
    """How long FactIndex.build took for this deck in this process (builds it if needed)."""
    index(size)
    return _build_seconds[size]


def forget_all() -> None:
    """Drop every cached deck and index, so later benchmarks run on a small heap."""
    deck.cache_clear()
    index.cache_clear()
    _build_seconds.clear()
