"""Judging a typed quiz answer: numbers and dates must match exactly, words may be misspelt.

The rules, in order:
1. Dates and numbers are read out of both texts (see `bot.numbers`) and must be the same:
   "39th parallel" is not "38th parallel", "1950" is not "June 25, 1950".
2. The remaining words are aligned one to one, each allowed a typo in proportion to its
   length ("McArthur" ~ "MacArthur", "Panmunjeom" ~ "Panmunjom"); "MacArthur" and
   "Mac Arthur" are the same once spaces are ignored.
3. Filler words and titles ("the", "general", "chairman") may be added, and so may a
   category word ("landing", "river"); a category word of the answer may be left out
   ("Yalu" for "Yalu River", "38" for "38th parallel"). A category word is not the answer
   to another ("sea" is not "river"), and a unit is never swapped ("2 km" is not "2 miles").
4. A person's surname alone counts ("Truman"); a bare first name does not ("Harry"). A name
   that every accepted form shares counts alone ("Mao" for Mao Zedong / Mao Tse-tung).
Anything else is wrong. There is no overall similarity threshold: "South Korea" is one
letter-pair away from "North Korea" and must never pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.fuzz import ratio

from bot.numbers import Quantities, quantities
from bot.text import fold

#: Words that carry no answer: articles, prepositions, titles.
FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "to",
        "from",
        "until",
        "till",
        "in",
        "on",
        "at",
        "by",
        "for",
        "its",
        "it",
        "was",
        "is",
        "were",
        "general",
        "gen",
        "president",
        "pres",
        "chairman",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "premier",
        "leader",
        "about",
        "around",
        "approximately",
        "nearly",
        "almost",
        "roughly",
        "some",
        "over",
        "more",
        "than",
    ]
)
#: Category words: they may be added to an answer or left out of it.
CATEGORY = frozenset(
    [
        "landing",
        "river",
        "battle",
        "city",
        "village",
        "port",
        "zone",
        "line",
        "border",
        "boundary",
        "parallel",
        "army",
        "union",
        "island",
        "peninsula",
        "mountain",
        "sea",
        "assault",
        "invasion",
        "empire",
        "province",
        "region",
        "area",
        "percent",
        "%",
        "miles",
        "mile",
        "square",
        "wide",
        "km",
        "kilometers",
        "kilometres",
        "people",
        "persons",
        "soldiers",
        "troops",
        "deaths",
        "dead",
        "killed",
        "war",
    ]
)
#: Units, in one spelling each: a unit may be added or left out, but not swapped for another
#: ("2 km" is not "2 miles").
UNITS = frozenset(["percent", "mile", "square", "km"])
_UNIT_SPELLINGS = {
    "%": "percent",
    "pct": "percent",
    "mi": "mile",
    "sq": "square",
    "kilometer": "km",
    "kilometre": "km",
}
#: Words that make a two-word answer a place or a side, not a person's name.
QUALIFIERS = frozenset(
    ["north", "south", "east", "west", "northern", "southern", "eastern", "western"]
)
NEAR_MISS_RATIO = 80.0


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt counts, and whether it was close enough to say 'check the spelling'."""

    accepted: bool
    near_miss: bool = False
    matched: str | None = None


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _UNIT_SPELLINGS.get(word, word)


# Content words are compared singular, so the category list must be too ("troops" -> "troop").
_CATEGORY = frozenset(_singular(w) for w in CATEGORY) | UNITS


def _allowed_edits(word: str) -> int:
    n = len(word)
    if n <= 3:
        return 0
    return 1 if n < 10 else 2


def _same_word(a: str, b: str) -> bool:
    """Equal, or a typo apart. A typo keeps the first letter: "Fort" is not "Port", "Lena"
    is not "Elena"."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:  # the commonest answer, so the first question asked
        return False
    limit = min(_allowed_edits(a), _allowed_edits(b))
    return limit > 0 and DamerauLevenshtein.distance(a, b, score_cutoff=limit) <= limit


@dataclass(frozen=True)
class _Form:
    """One accepted answer, analysed once."""

    text: str
    quantities: Quantities
    words: tuple[str, ...]  # content words, singular
    core: tuple[str, ...]  # content words that are not category words
    joined: str  # the content words with spaces removed


def _analyse(text: str, q: Quantities | None = None) -> _Form:
    """`q`: the text's quantities, when the caller has read them already."""
    if q is None:
        q = quantities(fold(text))
    content = tuple(_singular(w) for w in q.rest.split() if w not in FILLER)
    core = tuple(w for w in content if w not in _CATEGORY)
    if not core and q.empty:
        core = content  # the category word is the answer itself: "sea" is not "river"
    return _Form(text, q, content, core, "".join(content))


@lru_cache(maxsize=4096)
def _forms(answers: tuple[str, ...]) -> tuple[tuple[_Form, ...], frozenset[str]]:
    forms = tuple(_analyse(a) for a in answers if a.strip())
    # A name every distinct spelling shares ("mao") identifies the answer on its own.
    distinct = {f.words for f in forms if f.words and f.quantities.empty}
    shared: frozenset[str] = frozenset()
    if len(distinct) >= 2:
        shared = frozenset.intersection(*(frozenset(w) for w in distinct))
        shared = frozenset(w for w in shared if len(w) >= 3 and w not in _CATEGORY)
    return forms, shared


def _looks_like_name(form: _Form) -> bool:
    return (
        len(form.core) >= 2
        and len(form.core) == len(form.words)
        and form.quantities.empty
        and not QUALIFIERS.intersection(form.words)
    )


def _align(attempt: tuple[str, ...], form: _Form) -> tuple[list[str], list[str]]:
    """Match attempt words to answer words one to one; return the unmatched of each side."""
    left = list(form.words)
    extra: list[str] = []
    i = 0
    while i < len(attempt):
        word, step = attempt[i], 1
        hit = next((j for j, w in enumerate(left) if _same_word(word, w)), None)
        if hit is None and i + 1 < len(attempt):  # "mac arthur" for "macarthur"
            word, step = word + attempt[i + 1], 2
            hit = next((j for j, w in enumerate(left) if _same_word(word, w)), None)
            if hit is None:
                word, step = attempt[i], 1
        if hit is None:
            extra.append(word)
        else:
            left.pop(hit)
        i += step
    return extra, left


def _words_match(
    attempt: tuple[str, ...], joined: str, form: _Form, shared: frozenset[str]
) -> bool:
    if form.joined and joined == form.joined:
        return True  # "mac arthur" / "macarthur", "kim ilsung" / "kim il sung"
    extra, missing = _align(attempt, form)
    if any(w not in _CATEGORY for w in extra):
        return False
    if UNITS.intersection(extra) and UNITS.intersection(missing):
        return False  # a different unit: "2 km" for "2 miles"
    if not missing:
        return bool(attempt) or not form.words
    if all(w not in form.core for w in missing):
        # only category words left out: "yalu" for "yalu river", "38" for "38th parallel"
        return bool(attempt) or not form.quantities.empty
    matched = list(form.words)
    for word in missing:
        matched.remove(word)
    if extra or len(matched) != 1:
        return False
    # One name alone: one that every accepted spelling shares, or a person's surname.
    word = matched[0]
    return word in shared or (_looks_like_name(form) and word == form.words[-1])


def _near_targets(form: _Form, shared: frozenset[str], joined: str) -> list[str]:
    """What a misspelt attempt may have been aiming at: the whole answer, or a name alone."""
    targets = [form.joined]
    if _looks_like_name(form):
        targets.append(form.words[-1])  # "Trueeman" for Harry Truman
    targets.extend(w for w in shared if w in form.words)
    # A different first letter is a different word ("South" / "North"), not a misspelling.
    return [t for t in targets if t and t[:1] == joined[:1]]


def _verdict(mine: _Form, forms: tuple[_Form, ...], shared: frozenset[str], near: bool) -> Verdict:
    content, joined = mine.words, mine.joined
    if not content and mine.quantities.empty:
        return Verdict(accepted=False)  # nothing to check: "", "?", "the"
    best = 0.0
    for form in forms:
        if not mine.quantities.same_as(form.quantities):
            continue
        if _words_match(content, joined, form, shared):
            return Verdict(accepted=True, matched=form.text)
        if near and form.quantities.empty and joined:
            best = max([best, *(ratio(joined, t) for t in _near_targets(form, shared, joined))])
    return Verdict(accepted=False, near_miss=best >= NEAR_MISS_RATIO)


def judge(attempt: str, answers: Sequence[str]) -> Verdict:
    """Decide whether a typed attempt is one of the accepted answers."""
    forms, shared = _forms(tuple(answers))
    return _verdict(_analyse(attempt), forms, shared, near=True)


def unjudgeable(answers: Sequence[str], wrong: Sequence[str]) -> tuple[list[str], list[str]]:
    """For checking a deck: the accepted spellings that `judge` would not accept even when
    typed exactly (nothing in them to check), and the wrong choices it would accept.

    The same verdicts as calling `judge` for each, with every text analysed once and no
    near-miss scoring: a 100,000-fact course is checked in seconds.
    """
    forms, shared = _forms(tuple(answers))
    # The forms are the spellings analysed, as `judge` would analyse them typed.
    typed_exactly = {f.text: _verdict(f, forms, shared, near=False).accepted for f in forms}
    unusable = [a for a in answers if not typed_exactly.get(a, False)]
    accepted = []
    for choice in wrong:
        # Without the numbers and dates of some accepted form, nothing else is looked at.
        q = quantities(fold(choice))
        if any(q.same_as(f.quantities) for f in forms) and (
            _verdict(_analyse(choice, q), forms, shared, near=False).accepted
        ):
            accepted.append(choice)
    return unusable, accepted
