"""Deck files: the shipped deck is sound, bad decks fail with one clear error, check-deck works.

The bad-deck corpus lives in tests/data/bad_decks/; expected.json pairs every file with the
words its error must contain. Files too big to commit are generated into tmp_path here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.deck import Deck, deck_from_bytes, deck_from_text, load_deck, load_decks
from bot.errors import DeckError
from bot.judge import judge
from bot.limits import DEFAULT_DECK_LIMITS

BAD_DECKS = Path(__file__).resolve().parent / "data" / "bad_decks"
EXPECTED: dict[str, list[str]] = {
    name: words
    for name, words in json.loads((BAD_DECKS / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}

HEADER = 'name: generated\ntitle: "Generated deck"\nsource: "The reading"\nfacts:\n'


def fact_yaml(i: int, **override: str) -> str:
    """One valid fact as YAML (numbered so ids and answers differ); override fields by name."""
    fields = {
        "id": f"fact-{i}",
        "question": f'"What is answer number {i}?"',
        "answer": f'"Answer {i}"',
        "explanation": f'"Because it is number {i}."',
        "source": '{section: "Introduction", paragraph: 1}',
        "topic": "[numbers]",
        "choices": f'["Wrong {i + 1}", "Wrong {i + 2}", "Wrong {i + 3}"]',
    }
    fields.update(override)
    lines = [f"{key}: {value}" for key, value in fields.items()]
    return "  - " + "\n    ".join(lines) + "\n"


def deck_yaml(n_facts: int) -> str:
    return HEADER + "".join(fact_yaml(i) for i in range(n_facts))


def check_deck(root: Path, *paths: Path | str) -> subprocess.CompletedProcess[str]:
    """Run `python run_bot.py check-deck PATHS...` the way a teacher would."""
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "run_bot.py", "check-deck", *map(str, paths)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- the shipped deck ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def korean_war(shipped_decks: Path) -> Deck:
    return load_deck(shipped_decks / "korean_war.yaml").deck


def test_shipped_deck_has_enough_facts_with_unique_ids(korean_war: Deck) -> None:
    ids = [f.id for f in korean_war.facts]
    assert len(ids) >= 80
    assert len(set(ids)) == len(ids)


def test_every_shipped_fact_has_three_choices_that_are_all_wrong(korean_war: Deck) -> None:
    problems = [
        f"{fact.id}: choice {choice!r} is judged right"
        for fact in korean_war.facts
        for choice in fact.choices
        if judge(choice, fact.answers).accepted
    ]
    problems += [
        f"{fact.id}: {len(fact.choices)} choices"
        for fact in korean_war.facts
        if len(fact.choices) != 3
    ]
    assert problems == []


def test_every_shipped_answer_and_alias_is_judged_right(korean_war: Deck) -> None:
    rejected = [
        f"{fact.id}: {spelling!r}"
        for fact in korean_war.facts
        for spelling in fact.answers
        if not judge(spelling, fact.answers).accepted
    ]
    assert rejected == []


def test_check_deck_accepts_the_shipped_decks(project_root: Path, korean_war: Deck) -> None:
    result = check_deck(project_root, "data/decks")
    assert result.returncode == 0, result.stderr
    assert "korean_war.yaml: OK" in result.stdout
    assert f"{len(korean_war.facts)} facts" in result.stdout
    assert "facts per topic:" in result.stdout
    for topic, count in korean_war.topics().items():
        assert f"{topic} {count}" in result.stdout
    assert result.stderr == ""


# -- good decks ----------------------------------------------------------------------------------


def test_small_deck_loads_with_defaults_filled_in(good_decks: Path) -> None:
    deck = load_deck(good_decks / "mini.yaml").deck
    assert deck.name == "mini"
    assert [f.id for f in deck.facts] == ["landing-site", "war-begins"]
    begins = deck.fact("war-begins")
    assert begins is not None
    assert begins.topic == ("dates",)  # one topic may be written without brackets
    assert begins.difficulty == "medium"
    assert begins.answers == ("June 25, 1950", "25 June 1950")
    assert str(begins.source) == "Introduction, paragraph 1"
    assert deck.fact("no-such-fact") is None
    assert dict(deck.topics()) == {"places": 1, "macarthur": 1, "dates": 1}


def test_spaces_around_text_are_trimmed() -> None:
    text = HEADER + fact_yaml(1, answer='"  Inchon  "', aliases='[" Incheon "]')
    fact = deck_from_text(text, "trim.yaml").facts[0]
    assert fact.answer == "Inchon"
    assert fact.aliases == ("Incheon",)


def test_a_file_saved_with_a_byte_order_mark_loads(good_decks: Path) -> None:
    raw = "\ufeff".encode() + (good_decks / "mini.yaml").read_bytes()
    assert deck_from_bytes(raw, "bom.yaml").name == "mini"


def test_a_folder_of_good_decks_loads_every_deck(good_decks: Path) -> None:
    loaded = load_decks([good_decks])
    assert sorted(d.deck.name for d in loaded) == ["mini", "people"]
    assert all(Path(d.path).parent == good_decks for d in loaded)


def test_exactly_the_fact_limit_loads() -> None:
    limit = DEFAULT_DECK_LIMITS.max_facts
    assert len(deck_from_text(deck_yaml(limit), "limit.yaml").facts) == limit


# -- bad decks -----------------------------------------------------------------------------------


def test_every_bad_deck_has_an_expected_error() -> None:
    files = {p.name for p in BAD_DECKS.iterdir() if p.suffix == ".yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_deck_fails_with_one_clear_error(name: str) -> None:
    path = BAD_DECKS / name
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    error = caught.value
    message = str(error)
    assert error.path == str(path)
    assert message.startswith(f"{path}: 1 problem, so the deck was not loaded:")
    assert len(error.problems) == 1, error.problems
    for words in EXPECTED[name]:
        assert words in message
    # Never a Python traceback word in a teacher's error.
    assert "Traceback" not in message and "pydantic" not in message


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_deck_bytes_fail_the_same_way(name: str) -> None:
    raw = (BAD_DECKS / name).read_bytes()
    with pytest.raises(DeckError) as caught:
        deck_from_bytes(raw, name)
    assert str(caught.value).startswith(f"{name}: ")
    for words in EXPECTED[name]:
        assert words in str(caught.value)


def test_problems_in_several_facts_are_all_reported() -> None:
    text = (
        HEADER
        + fact_yaml(1, answer='""')
        + fact_yaml(2)
        + fact_yaml(3, difficulty="tricky", choices='["A", "B"]')
    )
    with pytest.raises(DeckError) as caught:
        deck_from_text(text, "several.yaml")
    problems = caught.value.problems
    assert problems == [
        'fact #1 (id "fact-1"), field "answer": is empty',
        'fact #3 (id "fact-3"), field "difficulty": must be one of '
        "'easy', 'medium' or 'hard', not 'tricky'",
        'fact #3 (id "fact-3"), field "choices": must list exactly three wrong answers (it has 2)',
    ]
    assert str(caught.value).startswith("several.yaml: 3 problems, so the deck was not loaded:\n")


def test_too_many_facts(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(deck_yaml(DEFAULT_DECK_LIMITS.max_facts + 1), encoding="utf-8")
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert caught.value.problems == [
        "the deck has 2001 facts; a deck may have at most 2000. Split it into several decks"
    ]
    assert str(path) in str(caught.value)


def test_a_ten_megabyte_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ten_mb.yaml"
    raw = (HEADER + "# padding\n" * 1_048_576).encode()
    path.write_bytes(raw)
    assert len(raw) > 10_000_000
    for load in (lambda: load_deck(path), lambda: deck_from_bytes(raw, str(path))):
        with pytest.raises(DeckError) as caught:
            load()
        assert caught.value.problems == [
            f"the file is {len(raw):,} bytes; a deck file may be at most 1,000,000 bytes. "
            "Split it into several decks"
        ]
        assert str(path) in str(caught.value)


def test_two_decks_with_the_same_name_in_one_folder(good_decks: Path, tmp_path: Path) -> None:
    shutil.copy(good_decks / "mini.yaml", tmp_path / "first.yaml")
    shutil.copy(good_decks / "mini.yaml", tmp_path / "second.yaml")
    shutil.copy(good_decks / "people.yaml", tmp_path / "people.yaml")
    with pytest.raises(DeckError) as caught:
        load_decks([tmp_path])
    assert caught.value.problems == [
        f'deck name "mini" is used by 2 files ({tmp_path / "first.yaml"}, '
        f"{tmp_path / 'second.yaml'}); names must differ"
    ]


def test_one_bad_deck_stops_the_whole_folder_loading(good_decks: Path, tmp_path: Path) -> None:
    shutil.copy(good_decks / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copy(BAD_DECKS / "missing_answer.yaml", tmp_path / "broken.yaml")
    with pytest.raises(DeckError) as caught:
        load_decks([tmp_path])
    [problem] = caught.value.problems
    assert problem.startswith(f"{tmp_path / 'broken.yaml'}: fact #2")
    assert "mini.yaml" not in problem


def test_a_path_that_is_not_a_deck_file(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="no such file; check the path"):
        load_deck(tmp_path / "missing.yaml")
    with pytest.raises(DeckError, match="this is a folder, not a deck file"):
        load_deck(tmp_path)
    with pytest.raises(DeckError, match=r"no \.yaml deck files in this folder"):
        load_decks([tmp_path])


def test_a_choice_may_share_words_with_the_answer_as_long_as_it_is_wrong() -> None:
    text = HEADER + fact_yaml(
        1,
        answer='"38th parallel"',
        choices='["39th parallel", "40th parallel", "Yalu River"]',
    )
    assert deck_from_text(text, "ok.yaml").facts[0].choices[0] == "39th parallel"


# -- check-deck ----------------------------------------------------------------------------------


def test_check_deck_reports_a_bad_file_on_stderr(project_root: Path) -> None:
    bad = BAD_DECKS / "unknown_fact_key_typo.yaml"
    result = check_deck(project_root, bad)
    assert result.returncode == 1
    assert result.stdout == ""
    assert str(bad) in result.stderr
    assert 'unknown key "anwser" (did you mean "answer"?)' in result.stderr
    assert "1 deck file(s) have problems" in result.stderr


def test_check_deck_summarises_good_files(project_root: Path, good_decks: Path) -> None:
    result = check_deck(project_root, good_decks)
    assert result.returncode == 0, result.stderr
    assert 'mini.yaml: OK — deck "mini" (Mini deck), 2 facts' in result.stdout
    assert "facts per topic: dates 1, macarthur 1, places 1" in result.stdout
    assert "people.yaml: OK" in result.stdout
    assert result.stderr == ""


def test_check_deck_reports_every_path_given(project_root: Path, good_decks: Path) -> None:
    bad = BAD_DECKS / "two_choices.yaml"
    result = check_deck(project_root, good_decks / "mini.yaml", bad)
    assert result.returncode == 1
    assert "mini.yaml: OK" in result.stdout
    assert str(bad) in result.stderr
    assert "exactly three wrong answers (it has 2)" in result.stderr
    assert "1 deck file(s) have problems" in result.stderr
