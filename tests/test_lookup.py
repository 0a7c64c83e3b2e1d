"""Fuzzy lookup over the shipped deck: what a student asking questions would notice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.deck import Deck, load_decks
from bot.knowledge import Knowledge, answer_text
from bot.lookup import FactIndex

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "ask_labelled.jsonl"


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge([d.deck for d in load_decks([ROOT / "data" / "decks"])])


def answer_of(knowledge: Knowledge, question: str) -> str | None:
    entry = knowledge.ask(question).entry
    return entry.fact.answer if entry else None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did the Korean War begin?", "June 25, 1950"),
        ("when did the korean war begin", "June 25, 1950"),  # no capitals, no punctuation
        ("wehn did the koraen war begn", "June 25, 1950"),  # typos
        ("macarthur fired why", "insubordination"),  # keywords only
        ("why did truman dismiss the general", "insubordination"),  # synonym
        ("who sacked MacArthur", "Harry Truman"),
        ("how many north korean soldiers invaded", "75,000"),
        ("DMZ how wide", "2 miles"),
        ("armistice date", "July 27, 1953"),
        ("who was the communist dictator in the north", "Kim Il Sung"),
        ("who leaked the letter", "Joseph Martin"),
    ],
)
def test_finds_the_fact(knowledge: Knowledge, question: str, expected: str) -> None:
    assert answer_of(knowledge, question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "who is the current leader of north korea",  # a near miss: the reading is about 1950
        "what is the capital of france",
        "how do plants make food",
        "who won the 2022 world cup",
        "When did the Vietnam War start?",
        "",
        "   ",
        "???",
    ],
)
def test_says_not_in_my_notes(knowledge: Knowledge, question: str) -> None:
    assert not knowledge.ask(question).matched


def test_keyword_with_many_facts_offers_did_you_mean(knowledge: Knowledge) -> None:
    result = knowledge.ask("photo")
    alternatives = result.suggestions
    assert 1 <= len(alternatives) <= 3
    assert all(
        "photo" in m.entry.fact.question.lower() or "photo" in m.entry.fact.explanation.lower()
        for m in alternatives
    )
    if result.best:
        assert result.best.entry not in [m.entry for m in alternatives]


def test_scores_are_ordered_and_bounded(knowledge: Knowledge) -> None:
    result = knowledge.ask("when was the armistice signed")
    assert result.best is not None
    assert all(m.score <= result.best.score for m in result.suggestions)
    assert 0 < result.best.score <= 1.2


def test_answer_text_has_answer_and_explanation(knowledge: Knowledge) -> None:
    entry = knowledge.ask("who fired macarthur").entry
    assert entry is not None
    text = answer_text(entry)
    assert text.startswith("Harry Truman") and "insubordination" in text


def test_suggest_autocompletes_titles(knowledge: Knowledge) -> None:
    first = knowledge.suggest("")
    assert len(first) == 25
    found = knowledge.suggest("who took")
    assert found and found[0].fact.question.lower().startswith("who took")
    assert all("took" in e.fact.question.lower() for e in found[:1])
    assert len(knowledge.suggest("w", limit=5)) == 5
    typo = knowledge.suggest("armistise")  # no title starts so: falls back to fuzzy lookup
    assert typo and any("armistice" in e.fact.question.lower() for e in typo)
    assert knowledge.suggest("zzzzqqq") == []


def test_get_by_key_and_topics(knowledge: Knowledge) -> None:
    entry = knowledge.get("korean_war/war-begins")
    assert entry is not None and entry.fact.answer == "June 25, 1950"
    assert knowledge.get("war-begins") == entry
    assert knowledge.get("korean_war/nope") is None
    assert "armistice" in knowledge.topics()


def test_guild_decks_are_searched_only_in_their_guild(knowledge: Knowledge) -> None:
    deck = Deck.model_validate(
        {
            "name": "volcanoes",
            "title": "Volcanoes",
            "source": "Geology 101",
            "facts": [
                {
                    "id": "tallest",
                    "question": "What is the tallest volcano in the solar system?",
                    "answer": "Olympus Mons",
                    "explanation": "Olympus Mons on Mars is the tallest volcano we know of.",
                    "source": {"section": "Mars", "paragraph": 1},
                    "topic": ["mars"],
                    "choices": ["Mauna Kea", "Etna", "Fuji"],
                }
            ],
        }
    )
    local = Knowledge(knowledge.shipped)
    local.set_guild_deck(7, deck)
    assert answer_of(local, "tallest volcano in the solar system") is None  # no guild: shipped only
    assert local.ask("tallest volcano in the solar system", guild_id=7).entry is not None
    assert local.ask("tallest volcano in the solar system", guild_id=8).entry is None
    assert local.ask("when did the korean war start", guild_id=7).entry is not None
    assert local.remove_guild_deck(7, "volcanoes")
    assert local.ask("tallest volcano in the solar system", guild_id=7).entry is None


def test_labelled_question_set_keeps_passing(knowledge: Knowledge) -> None:
    """Our own labelled questions (not the shared dev set): answer >= 95%, refuse >= 80%."""
    sys.path.insert(0, str(ROOT / "tests"))
    from labelled import score_rows

    rows = [json.loads(line) for line in LABELLED.read_text().splitlines() if line.strip()]
    answered, refused, misses = score_rows(knowledge, rows)
    assert answered >= 0.95, misses
    assert refused >= 0.80, misses


def test_index_handles_an_empty_deck_list() -> None:
    index = FactIndex.build([])
    assert not index.lookup("anything").matched
    assert index.suggest("a") == []
