"""Synthetic decks and query sets, made deterministically from a seed.

Facts read like a history deck (people, places, dates, numbers, topic words) so that the
lookup is measured on realistic text, not random letters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Query:
    text: str
    fact_id: str | None  # None: a question the deck cannot answer


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_A)} {rng.choice(PLACE_B)}"


def make_fact(rng: random.Random, i: int) -> Fact:
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
    return Fact.model_construct(
        id=f"f{i}",
        question=question,
        answer=answer,
        aliases=(),
        explanation=f"{person} and the {place} {thing} ({year}) are part of the {topic} unit.",
        source=SourceRef(section=topic.title(), paragraph=1 + i % 40),
        topic=(topic,),
        difficulty="medium",
        choices=tuple(wrong[:3]),
        ask=tuple(asks),
    )


def make_deck(size: int, seed: int = 1) -> Deck:
    rng = random.Random(seed)
    facts = tuple(make_fact(rng, i) for i in range(size))
    return Deck.model_construct(
        name=f"synthetic-{size}",
        title=f"Synthetic deck of {size} facts",
        description="",
        source="bench/synth.py",
        facts=facts,
    )


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourstln") + word[i:]


def make_queries(deck: Deck, count: int, seed: int = 2) -> list[Query]:
    """In-deck queries (typo, dropped word, reordered, keywords) plus out-of-deck ones."""
    rng = random.Random(seed)
    queries: list[Query] = []
    for n in range(count):
        if n % 10 == 9:
            queries.append(Query(rng.choice(OUT_OF_DECK), None))
            continue
        fact = rng.choice(deck.facts)
        words = fact.question.rstrip("?").split()
        style = n % 4
        if style == 0:
            words = [_typo(rng, w) for w in words]
        elif style == 1 and len(words) > 4:
            del words[rng.randrange(1, len(words))]
        elif style == 2:
            rng.shuffle(words)
        else:
            words = [w for w in words if w[:1].isupper() or w[:1].isdigit()] or words
        queries.append(Query(" ".join(words).lower(), fact.id))
    return queries


OUT_OF_DECK = [
    "how do plants make their food",
    "what is the square root of two",
    "who wrote the odyssey",
    "what's the weather like tomorrow",
    "how far away is the moon",
    "recipe for chocolate cake",
    "what is photosynthesis",
    "who painted the mona lisa",
]
