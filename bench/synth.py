"""Synthetic decks, query sets, autocomplete prefixes and typed attempts, made
deterministically from a seed (the store's answer history is in bench/history.py).

Facts read like a history deck (people, places, dates, numbers, topic words) so that the
lookup and the judge are measured on realistic text, not random letters. The same seed
always gives the same deck, queries and attempts, so runs on different days compare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.deck import Deck, Fact, SourceRef

FIRST = (
    "Anna Boris Carlos Dmitri Elena Farid Grace Hiro Ingrid Jamal Kofi Lena Marco Nadia Omar "
    "Priya Quentin Rosa Sven Tariq Ursula Viktor Wen Ximena Yusuf Zofia Alma Bruno Chen Dario"
).split()
LAST = (
    "Abara Bennett Castillo Dufresne Eriksen Fontaine Gallo Hartmann Ivanova Jansen Kowalski "
    "Lindqvist Moreau Nakamura Okafor Petrov Quiroga Rossi Schneider Takahashi Ueda Varga "
    "Whitfield Xu Yamamoto Zeller Albrecht Bianchi Costa Delacroix Esposito Fischer Gruber"
).split()
PLACE_A = "North South East West Upper Lower New Old Great Little Port Fort San Lake".split()
PLACE_B = (
    "Haven Ridge Ford Marsh Valley Harbor Crossing Falls Springs Hollow Bend Bay Point Field "
    "Mount Creek Dale Glen Heath Moor Brook Cliff Stone Wood Gate Wick Holm Stead Burgh"
).split()
THINGS = (
    "treaty armistice alliance charter accord blockade uprising expedition embargo council "
    "rebellion siege convention tariff railway canal bridge harbor university cathedral"
).split()
TOPICS = (
    "politics economy war diplomacy science culture religion trade geography law technology "
    "education empire revolution exploration"
).split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
VERBS = ("signed", "founded", "ended", "began", "led", "opened", "broke", "won")

#: Words a keyword-only query leaves out: what students skip when they type keywords.
FUNCTION_WORDS = frozenset(
    "when was the by who at in how many people took part of where did what a an".split()
)

OUT_OF_DECK = [
    "how do plants make their food",
    "what is the square root of two",
    "who wrote the odyssey",
    "what's the weather like tomorrow",
    "how far away is the moon",
    "recipe for chocolate cake",
    "what is photosynthesis",
    "who painted the mona lisa",
    "how many legs does a spider have",
    "what is the boiling point of water",
    "who discovered penicillin",
    "capital city of australia",
    "how does a rainbow form",
    "when is the homework due",
    "what is the speed of light",
    "who is the current prime minister",
    "how tall is mount everest",
    "what language do they speak in brazil",
    "how do vaccines work",
    "what's the difference between a virus and bacteria",
    "who invented the telephone",
    "why is the sky blue",
    "how many bones are in the human body",
    "what does dna stand for",
    "when does the school year end",
    "can you help me with my math",
    "what is the largest ocean",
    "how do airplanes stay up",
    "what time is it in tokyo",
    "who won the world cup",
]


@dataclass(frozen=True)
class Query:
    """A student's question and the fact that answers it (None: the deck cannot)."""

    text: str
    fact_id: str | None
    kind: str  # typo, dropped, reordered, keywords, out-of-deck


@dataclass(frozen=True)
class Attempt:
    """A typed quiz answer, the fact's accepted answers, and what kind of attempt it is."""

    text: str
    answers: tuple[str, ...]
    kind: str  # right, typo, date-spelling, wrong-number, wrong-name


# -- decks -------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_A)} {rng.choice(PLACE_B)}"


def fact_data(rng: random.Random, i: int) -> dict[str, Any]:
    """One fact as a deck file holds it (plain data, before validation)."""
    person, place, thing = _person(rng), _place(rng), rng.choice(THINGS)
    topic = rng.choice(TOPICS)
    year = rng.randint(1500, 2000)
    kind = i % 4
    if kind == 0:
        day = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}"
        question = f"When was the {place} {thing} {rng.choice(VERBS)} by {person}?"
        answer = day
        wrong = [f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {year + d}" for d in (1, 2, 3)]
        asks = [f"{place} {thing} date", f"when did {person} sign the {thing}"]
    elif kind == 1:
        question = f"Who led the {thing} at {place} in {year}?"
        answer, wrong = person, [_person(rng) for _ in range(3)]
        asks = [f"leader of the {place} {thing}", f"who was in charge at {place}"]
    elif kind == 2:
        n = rng.randint(2, 900) * 100
        question = f"How many people took part in the {place} {thing} of {year}?"
        answer, wrong = f"{n:,}", [f"{n + d * 100:,}" for d in (1, 2, 3)]
        asks = [f"size of the {place} {thing}", f"{thing} {place} {year} numbers"]
    else:
        question = f"Where did {person} {rng.choice(VERBS)} the {thing} in {year}?"
        answer, wrong = place, [_place(rng) for _ in range(3)]
        asks = [f"{person} {thing} location", f"place of the {year} {thing}"]
    wrong = [w for w in dict.fromkeys(wrong) if w != answer]
    while len(wrong) < 3:
        wrong.append(f"{answer} {len(wrong)} alt")
    return {
        "id": f"f{i}",
        "question": question,
        "answer": answer,
        "aliases": [],
        "explanation": f"{person} and the {place} {thing} ({year}) are part of the {topic} unit.",
        "source": {"section": topic.title(), "paragraph": 1 + i % 40},
        "topic": [topic],
        "difficulty": "medium",
        "choices": wrong[:3],
        "ask": asks,
    }


def deck_data(size: int, seed: int = 1) -> dict[str, Any]:
    """A whole deck as a deck file holds it (what YAML parsing gives the loader)."""
    rng = random.Random(seed)
    return {
        "name": f"synthetic-{size}",
        "title": f"Synthetic deck of {size} facts",
        "description": "",
        "source": "bench/synth.py",
        "facts": [fact_data(rng, i) for i in range(size)],
    }


def make_fact(rng: random.Random, i: int) -> Fact:
    """One fact, built without validation (fast; the same fact `validated_deck` checks)."""
    data = fact_data(rng, i)
    return Fact.trusted(
        **{
            **data,
            "aliases": tuple(data["aliases"]),
            "source": SourceRef(**data["source"]),
            "topic": tuple(data["topic"]),
            "choices": tuple(data["choices"]),
            "ask": tuple(data["ask"]),
        }
    )


def make_deck(size: int, seed: int = 1) -> Deck:
    """A deck of `size` facts, built without validation (for lookup and judge timings)."""
    rng = random.Random(seed)
    facts = tuple(make_fact(rng, i) for i in range(size))
    return Deck.model_construct(
        name=f"synthetic-{size}",
        title=f"Synthetic deck of {size} facts",
        description="",
        source="bench/synth.py",
        facts=facts,
    )


def validated_deck(size: int, seed: int = 1) -> Deck:
    """The same deck as `make_deck`, validated as the deck loader validates a parsed file."""
    return Deck.model_validate(deck_data(size, seed))


# -- lookup queries ----------------------------------------------------------------------------


def typo(rng: random.Random, word: str) -> str:
    """One slip inside a word of 5+ letters (drop, swap or insert; never the first letter)."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourstln") + word[i:]


QUERY_KINDS = ("typo", "dropped", "reordered", "keywords")


def make_queries(deck: Deck, count: int, seed: int = 2) -> list[Query]:
    """In-deck queries (typos, a dropped word, reordered words, keywords only) and, one in
    ten, a question the deck cannot answer."""
    rng = random.Random(seed)
    queries: list[Query] = []
    for n in range(count):
        if n % 10 == 9:
            queries.append(Query(rng.choice(OUT_OF_DECK), None, "out-of-deck"))
            continue
        fact = rng.choice(deck.facts)
        words = fact.question.rstrip("?").split()
        kind = QUERY_KINDS[n % 4]
        if kind == "typo":
            words = [typo(rng, w) for w in words]
        elif kind == "dropped" and len(words) > 4:
            del words[rng.randrange(1, len(words))]
        elif kind == "reordered":
            rng.shuffle(words)
        elif kind == "keywords":
            words = [w for w in words if w.lower() not in FUNCTION_WORDS] or words
        queries.append(Query(" ".join(words).lower(), fact.id, kind))
    return queries


def make_prefixes(deck: Deck, count: int, seed: int = 3) -> list[str]:
    """What students type into /fact's autocomplete: 1-12 characters of a real question,
    and one in four a fuzzy one (a typo, or words from the middle of the question)."""
    rng = random.Random(seed)
    prefixes: list[str] = []
    for n in range(count):
        question = rng.choice(deck.facts).question
        if n % 4 == 3:
            words = question.rstrip("?").split()
            if rng.random() < 0.5:
                start = rng.randrange(len(words))
                text = " ".join(words[start : start + 2])
            else:
                text = " ".join(typo(rng, w) for w in words[:3])
            prefixes.append(text[: rng.randint(4, 12)])
        else:
            prefixes.append(question[: rng.randint(1, 12)])
    return prefixes


# -- judge attempts ----------------------------------------------------------------------------

_SPELLED = {1: "first", 2: "second", 3: "third", 21: "twenty-first", 22: "twenty-second"}


def _date_spelling(rng: random.Random, answer: str) -> str:
    month, day, year = answer.replace(",", "").split()
    number = MONTHS.index(month) + 1
    d = int(day)
    forms = [
        f"{d} {month} {year}",
        f"{number}/{d}/{year}",
        f"{month.lower()} {d}th {year}",
        f"{month[:3]} {d} {year}",
        f"{month} {_SPELLED.get(d, f'{d}th')}, {year}",
    ]
    return rng.choice(forms)


def _wrong_number(rng: random.Random, answer: str) -> str:
    n = int(answer.replace(",", "")) + rng.choice((-200, -100, 100, 1000))
    return rng.choice((f"{n:,}", str(n), f"about {n:,}", f"{n / 1000:g}k"))


def _wrong_date(rng: random.Random, answer: str) -> str:
    month, day, year = answer.replace(",", "").split()
    if rng.random() < 0.5:
        return f"{month} {day}, {int(year) + rng.choice((-1, 1, 3))}"
    return f"{month} {(int(day) % 28) + 1}, {year}"


def _right(rng: random.Random, fact: Fact, shape: int) -> str:
    answer = fact.answer
    variants = [answer, answer.lower(), answer.upper()]
    if shape == PERSON:  # a title added, or the surname alone
        variants += [f"General {answer}", answer.split()[-1], f"president {answer.lower()}"]
    elif shape == PLACE:
        variants += [f"the {answer}", f"{answer} city", answer.replace(" ", "")]
    elif shape == NUMBER:
        n = int(answer.replace(",", ""))
        variants += [str(n), f"{n:_}".replace("_", " "), f"about {answer}"]
    return rng.choice(variants)


def _wrong(rng: random.Random, fact: Fact, shape: int) -> tuple[str, str]:
    if shape == DATE:
        return "wrong-number", _wrong_date(rng, fact.answer)
    if shape == NUMBER:
        return "wrong-number", _wrong_number(rng, fact.answer)
    if rng.random() < 0.4:
        return "wrong-name", rng.choice(fact.choices)
    if shape == PERSON and rng.random() < 0.3:
        return "wrong-name", fact.answer.split()[0]  # a first name alone
    other = fact.answer
    while other == fact.answer:
        other = _person(rng) if shape == PERSON else _place(rng)
    return "wrong-name", other


DATE, PERSON, NUMBER, PLACE = range(4)  # the shape of a synthetic fact's answer: id % 4


def make_attempts(
    deck: Deck, count: int, per_question: int = 10, seed: int = 4
) -> Iterator[Attempt]:
    """Typed answers as a quiz round produces them: `per_question` attempts in a row at the
    same fact; about a third right (as typed, in capitals, with a title, a surname alone),
    a fifth misspelt or a date spelt another way, the rest wrong (another number or date,
    another name or place, a wrong choice, a first name alone). Every string is built
    afresh, so only the answers' analysis can be cached, as in a real round."""
    rng = random.Random(seed)
    fact = deck.facts[0]
    for n in range(count):
        if n % per_question == 0:
            fact = rng.choice(deck.facts)
        shape = int(fact.id[1:]) % 4
        roll = rng.random()
        if roll < 0.35:
            yield Attempt(_right(rng, fact, shape), fact.answers, "right")
        elif roll < 0.55 and shape == DATE:
            yield Attempt(_date_spelling(rng, fact.answer), fact.answers, "date-spelling")
        elif roll < 0.55 and shape != NUMBER:
            text = " ".join(typo(rng, w) for w in fact.answer.split())
            yield Attempt(text, fact.answers, "typo")
        else:
            kind, text = _wrong(rng, fact, shape)
            yield Attempt(text, fact.answers, kind)
