"""The saved search index: a restart with the same decks answers exactly as a fresh build,
and anything else (changed decks, a damaged or unwritable file) just builds the index."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from bot import index as index_module
from bot.deck import Deck, load_decks
from bot.index import TermIndex
from bot.index_cache import IndexCache
from bot.knowledge import Knowledge
from bot.lookup import FactIndex

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    json.loads(line)["q"]
    for line in (ROOT / "tests" / "data" / "ask_labelled.jsonl").read_text().splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def decks() -> list[Deck]:
    return [d.deck for d in load_decks([ROOT / "data" / "decks"])]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the index was built (not loaded), one entry per build."""
    counted: list[int] = []
    real = index_module.build_index

    def counting(facts):  # type: ignore[no-untyped-def]
        counted.append(len(facts))
        return real(facts)

    monkeypatch.setattr("bot.lookup.build_index", counting)
    monkeypatch.setattr("bot.index_cache.build_index", counting)
    return counted


def answers(index: FactIndex) -> list[tuple[str | None, tuple[str, ...]]]:
    out = []
    for question in QUESTIONS:
        result = index.lookup(question)
        best = result.best.entry.key if result.best else None
        out.append((best, tuple(m.entry.key for m in result.alternatives)))
    return out


def same_index(a: TermIndex, b: TermIndex) -> bool:
    for field in dataclasses.fields(TermIndex):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def test_a_restart_loads_the_saved_index_and_answers_the_same(
    tmp_path: Path, decks: list[Deck], builds: list[int]
) -> None:
    saved = IndexCache(tmp_path / "cache")
    first = FactIndex.build(decks, saved)
    again = FactIndex.build(decks, saved)
    assert builds == [126]  # built once, then loaded
    assert same_index(first._ix, again._ix)
    assert answers(again) == answers(first) == answers(FactIndex.build(decks))
    assert again.suggest("when did") == first.suggest("when did")


def test_changed_decks_build_a_new_index_and_keep_only_it(
    tmp_path: Path, decks: list[Deck], builds: list[int]
) -> None:
    saved = IndexCache(tmp_path)
    FactIndex.build(decks, saved)
    deck = decks[0]
    first, *rest = deck.facts
    reworded = dataclasses.replace(first, question="Who sang of quokkas in Zanzibar?")
    changed = deck.model_copy(update={"facts": (reworded, *rest)})
    index = FactIndex.build([changed], saved)
    assert builds == [126, 126]  # same size, one word changed: built again
    found = index.lookup("who sang of quokkas in zanzibar").best
    assert found is not None and found.entry.fact.id == first.id
    assert len(list(tmp_path.glob("index-*.npz"))) == 1


@pytest.mark.parametrize("damage", ["truncated", "not an npz", "wrong size"])
def test_a_damaged_saved_index_is_rebuilt_with_a_warning(
    tmp_path: Path,
    decks: list[Deck],
    builds: list[int],
    damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    saved = IndexCache(tmp_path)
    good = FactIndex.build(decks, saved)
    (path,) = tmp_path.glob("index-*.npz")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "not an npz":
        path.write_text("hello")
    else:  # a valid file holding the index of other facts
        other = index_module.build_index(list(decks[0].facts[:3]))
        saved.save(path.stem.removeprefix("index-"), other)
    with caplog.at_level(logging.WARNING):
        rebuilt = FactIndex.build(decks, saved)
    assert builds == [126, 126]
    assert "ignoring the saved search index" in caplog.text
    assert answers(rebuilt) == answers(good)
    assert FactIndex.build(decks, saved) and builds == [126, 126]  # saved again, whole


def test_an_unwritable_folder_only_costs_the_saving(
    tmp_path: Path, decks: list[Deck], caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING):
        knowledge = Knowledge(decks, IndexCache(blocked / "cache"))
    assert knowledge.ask("when did the korean war begin").entry is not None
    assert "could not save the search index" in caplog.text
    assert not list(tmp_path.glob("**/.saving-*"))
