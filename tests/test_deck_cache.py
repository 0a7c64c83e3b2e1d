"""Checked decks saved between starts: a restart gets exactly the deck that checking the file
would give, and anything else (edited file, other limits, a damaged snapshot, a bad deck)
reads and checks the file in full."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

import pytest

from bot import deck as deck_module
from bot.cli import load_knowledge
from bot.deck import load_deck, load_decks
from bot.deck_cache import DeckCache
from bot.errors import DeckError
from bot.limits import DEFAULT_DECK_LIMITS

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "decks" / "korean_war.yaml"
BAD = ROOT / "tests" / "data" / "bad_decks"


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The deck files that were parsed and checked (not taken from a snapshot)."""
    checked: list[str] = []
    real = deck_module.deck_from_bytes

    def counting(raw, where, limits=DEFAULT_DECK_LIMITS):  # type: ignore[no-untyped-def]
        checked.append(Path(where).name)
        return real(raw, where, limits)

    monkeypatch.setattr(deck_module, "deck_from_bytes", counting)
    monkeypatch.setattr("bot.deck_cache.deck_from_bytes", counting)
    return checked


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "decks" / "korean_war.yaml"
    path.parent.mkdir()
    shutil.copy(SHIPPED, path)
    return path


def test_a_restart_gets_the_same_deck_without_checking_it_again(
    tmp_path: Path, deck_file: Path, checks: list[str]
) -> None:
    fresh = load_deck(deck_file).deck
    first = load_deck(deck_file, saved=DeckCache(tmp_path / "cache")).deck
    again = load_deck(deck_file, saved=DeckCache(tmp_path / "cache")).deck
    assert checks == ["korean_war.yaml", "korean_war.yaml"]  # without, then the first start
    assert again == first == fresh
    assert all(
        dataclasses.astuple(a) == dataclasses.astuple(b)
        for a, b in zip(again.facts, fresh.facts, strict=True)
    )
    assert isinstance(again.facts[0].choices, tuple)


def test_an_edited_file_or_other_limits_are_checked_again(
    tmp_path: Path, deck_file: Path, checks: list[str]
) -> None:
    saved = DeckCache(tmp_path / "cache")
    load_deck(deck_file, saved=saved)
    deck_file.write_text(deck_file.read_text().replace("June 25, 1950", "June 25, 1951", 1))
    edited = load_deck(deck_file, saved=saved).deck
    assert "June 25, 1951" in {f.answer for f in edited.facts}
    strict = dataclasses.replace(DEFAULT_DECK_LIMITS, max_facts=10)
    with pytest.raises(DeckError, match="at most 10"):
        load_deck(deck_file, strict, saved=saved)
    assert checks == ["korean_war.yaml"] * 3


def test_a_bad_deck_is_refused_every_time_and_never_saved(tmp_path: Path) -> None:
    saved = DeckCache(tmp_path / "cache")
    bad = sorted(BAD.glob("*.yaml"))[:5]
    for _ in range(2):
        for path in bad:
            with pytest.raises(DeckError):
                load_deck(path, saved=saved)
    assert not list((tmp_path / "cache").glob("deck-*.json"))


@pytest.mark.parametrize("damage", ["truncated", "not json", "missing a field"])
def test_a_damaged_snapshot_is_ignored_with_a_warning(
    tmp_path: Path,
    deck_file: Path,
    checks: list[str],
    damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    saved = DeckCache(tmp_path / "cache")
    good = load_deck(deck_file, saved=saved).deck
    (snapshot,) = (tmp_path / "cache").glob("deck-*.json")
    text = snapshot.read_text()
    snapshot.write_text(
        {
            "truncated": text[: len(text) // 2],
            "not json": "hello",
            "missing a field": text.replace('"question"', '"q"', 1),
        }[damage]
    )
    with caplog.at_level(logging.WARNING):
        again = load_deck(deck_file, saved=DeckCache(tmp_path / "cache")).deck
    assert again == good
    assert checks == ["korean_war.yaml", "korean_war.yaml"]
    assert "ignoring the saved deck" in caplog.text


def test_the_bot_start_keeps_only_what_the_current_decks_need(
    tmp_path: Path, deck_file: Path, checks: list[str]
) -> None:
    cache = tmp_path / "cache"
    folder = deck_file.parent
    knowledge = load_knowledge(folder, cache)
    assert knowledge.ask("when did the korean war begin").entry is not None
    deck_file.write_text(deck_file.read_text().replace("June 25, 1950", "June 25, 1951", 1))
    load_knowledge(folder, cache)
    assert knowledge.ask("when did the korean war begin").entry is not None
    load_knowledge(folder, cache)
    assert checks == ["korean_war.yaml"] * 2  # the third start checked nothing
    assert len(list(cache.glob("deck-*.json"))) == 1
    assert len(list(cache.glob("index-*.npz"))) == 1


def test_decks_load_whole_with_or_without_saved_copies(tmp_path: Path) -> None:
    good = ROOT / "tests" / "data" / "good_decks"
    saved = DeckCache(tmp_path / "cache")
    plain = [d.deck for d in load_decks([good])]
    assert [d.deck for d in load_decks([good], saved=saved)] == plain
    assert [d.deck for d in load_decks([good], saved=DeckCache(tmp_path / "cache"))] == plain
