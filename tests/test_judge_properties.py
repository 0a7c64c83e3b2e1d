"""Properties that must hold for every input, not just the cases someone thought of.

Students type anything (emoji, right-to-left marks, pasted essays) and teachers upload any
file; none of it may crash the bot, and a wrong number must never be marked right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.deck import Deck, deck_from_bytes, deck_from_text
from bot.errors import DeckError
from bot.judge import FILLER, Verdict, judge
from bot.numbers import Quantities, quantities
from bot.text import fold

FAST = settings(max_examples=200, deadline=dt.timedelta(milliseconds=200))
LOADER = settings(
    max_examples=200,
    deadline=dt.timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MINI_DECK = (Path(__file__).resolve().parent / "data" / "good_decks" / "mini.yaml").read_text()

# Warm the caches and lazy imports once, so the first example is not timed against them.
judge("June 25th, 1950", ["25 June 1950"])

# -- any text at all -----------------------------------------------------------------------------

TRICKY_PIECES = [
    "\x00",
    "\u200b",  # zero-width space
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\ufeff",
    "\u0301\u0302\u0303\u0304",  # combining marks
    "🇰🇷",
    "👨‍👩‍👧",
    "٣٨",  # Arabic-Indic digits
    "Ⅻ",
    "½",
    "１２３",
    "ﬁ",
    "İ",
    "ß",
    "june",
    "may",
    "25th",
    "1950",
    "75,000",
    "75 000",
    "k",
    "thousand",
    "million",
    "twenty-fifth",
    "/",
    ".",
    ",",
    "%",
    "9" * 40,
    "1e400",
    "0.5",
    "-",
]


def zalgo(text: str) -> str:
    return "".join(c + "\u0336\u0337\u0489\u035c" for c in text)


texts = st.one_of(
    st.text(),
    st.text(st.characters(categories=["Mn", "Me", "Cf", "Cc", "So", "Zs", "Nd", "No", "Nl"])),
    st.text(max_size=20).map(zalgo),
    st.lists(st.sampled_from(TRICKY_PIECES), max_size=12).map(" ".join),
    st.lists(st.sampled_from(TRICKY_PIECES), max_size=12).map("".join),
    st.builds(lambda s, n: (s * n)[:4000], st.text(min_size=1, max_size=10), st.integers(1, 400)),
)


@FAST
@given(attempt=texts, answers=st.lists(texts, max_size=3))
def test_judge_never_raises_on_any_text(attempt: str, answers: list[str]) -> None:
    verdict = judge(attempt, answers)
    assert isinstance(verdict, Verdict)
    assert verdict.matched is None or verdict.matched in answers
    assert not (verdict.accepted and verdict.near_miss)


@FAST
@given(text=texts)
def test_quantities_never_raise_on_any_text(text: str) -> None:
    assert isinstance(quantities(fold(text)), Quantities)
    assert isinstance(quantities(text), Quantities)  # even if someone forgets to fold


@FAST
@given(text=st.one_of(texts, st.text("0123456789 .,%/abk'’-", max_size=40)))
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@FAST
@given(text=texts)
def test_an_answer_is_judged_right_against_itself_if_it_says_anything(text: str) -> None:
    q = quantities(fold(text))
    says_something = not q.empty or any(w not in FILLER for w in q.rest.split())
    assert judge(text, [text]).accepted == says_something


# -- numbers -------------------------------------------------------------------------------------

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
]
ONES += ["fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words_under_1000(n: int) -> str:
    """0..999 in English words: 'one hundred and five', 'seventy-five'."""
    hundreds, rest = divmod(n, 100)
    if rest < 20:
        tail = ONES[rest]
    else:
        tail = TENS[rest // 10] + ("-" + ONES[rest % 10] if rest % 10 else "")
    if not hundreds:
        return tail
    return f"{ONES[hundreds]} hundred" + (f" and {tail}" if rest else "")


def in_words(n: int) -> str | None:
    if n < 1000:
        return words_under_1000(n)
    if n < 1_000_000 and n % 1000 == 0:
        return words_under_1000(n // 1000) + " thousand"
    return None


NumberFormat = Callable[[int], str]
NUMBER_FORMATS: list[NumberFormat] = [
    str,
    "{:,}".format,
    lambda n: f"{n:,}".replace(",", " "),
    lambda n: f"{n // 1000}k" if n % 1000 == 0 and n else str(n),
    lambda n: f"{Decimal(n) / 1000} thousand" if n % 100 == 0 and n else str(n),  # 1.1 thousand
    lambda n: in_words(n) or f"{n:,}",
    lambda n: f"about {n:,} troops",
]
# Up to a trillion: numbers are compared as floats, exact far beyond anything a student types.
numbers = st.integers(min_value=0, max_value=10**12)
number_formats = st.sampled_from(NUMBER_FORMATS)


@FAST
@given(a=numbers, b=numbers, format_a=number_formats, format_b=number_formats)
def test_a_wrong_number_is_never_right(
    a: int, b: int, format_a: NumberFormat, format_b: NumberFormat
) -> None:
    assume(a != b)
    verdict = judge(format_a(a), [format_b(b)])
    assert not verdict.accepted
    assert not verdict.near_miss


@FAST
@given(n=numbers, format_a=number_formats, format_b=number_formats)
def test_the_same_number_in_any_format_is_right(
    n: int, format_a: NumberFormat, format_b: NumberFormat
) -> None:
    assert judge(format_a(n), [format_b(n)]).accepted


@FAST
@given(
    n=st.integers(min_value=0, max_value=999_999).filter(lambda n: n % 1000 == 0 or n < 1000),
    format_a=number_formats,
)
def test_numbers_in_words_match_digits(n: int, format_a: NumberFormat) -> None:
    spelled = in_words(n)
    assert spelled is not None
    assert judge(spelled, [format_a(n)]).accepted


# -- dates ---------------------------------------------------------------------------------------

ORDINAL_WORDS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal_words(n: int) -> str:
    if n <= 20:
        return ORDINAL_WORDS[n - 1]
    if n == 30:
        return "thirtieth"
    tens = "twenty" if n < 30 else "thirty"
    return f"{tens}-{ORDINAL_WORDS[n % 10 - 1]}"


DateFormat = Callable[[dt.date], str]
DATE_FORMATS: list[DateFormat] = [
    lambda d: f"{d:%B} {d.day}, {d.year}",
    lambda d: f"{d.day} {d:%B} {d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: f"{d:%m/%d/%Y}",
    lambda d: f"{d:%B} {ordinal(d.day)}, {d.year}",
    lambda d: f"{ordinal(d.day)} of {d:%B} {d.year}",
    lambda d: f"{d:%b} {d.day} {d.year}",
    lambda d: f"{d:%B} {ordinal_words(d.day)} {d.year}".lower(),
]
dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 12, 31))
date_formats = st.sampled_from(DATE_FORMATS)


NEW_PART = {
    "year": st.integers(1800, 2100),
    "month": st.integers(1, 12),
    "day": st.integers(1, 28),
}


@FAST
@given(
    day=dates,
    part=st.sampled_from(sorted(NEW_PART)),
    data=st.data(),
    format_a=date_formats,
    format_b=date_formats,
)
def test_a_date_with_one_part_changed_is_never_right(
    day: dt.date, part: str, data: st.DataObject, format_a: DateFormat, format_b: DateFormat
) -> None:
    new = data.draw(NEW_PART[part].filter(lambda n: n != getattr(day, part)))
    try:
        other = day.replace(**{part: new})
    except ValueError:
        assume(False)  # February 29th in a year without one
        return
    verdict = judge(format_a(other), [format_b(day)])
    assert not verdict.accepted
    assert not verdict.near_miss


@FAST
@given(day=dates, format_a=date_formats, format_b=date_formats)
def test_the_same_date_in_any_format_is_right(
    day: dt.date, format_a: DateFormat, format_b: DateFormat
) -> None:
    assert judge(format_a(day), [format_b(day)]).accepted


@FAST
@given(day=dates, format_b=date_formats)
def test_the_year_alone_is_not_the_date(day: dt.date, format_b: DateFormat) -> None:
    assert not judge(str(day.year), [format_b(day)]).accepted


# -- the deck loader -----------------------------------------------------------------------------


def load_or_deck_error(load: Callable[[], Deck]) -> None:
    """Loading either gives a Deck or raises DeckError naming the file; nothing else."""
    try:
        assert isinstance(load(), Deck)
    except DeckError as error:
        assert str(error).startswith("fuzz.yaml: ")
        assert error.problems


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=10,
)
deck_keys = st.sampled_from(["name", "title", "source", "facts", "description", "x"])
fact_keys = st.sampled_from(
    ["id", "question", "answer", "aliases", "explanation", "source", "topic", "choices", "ask"]
)
deck_shaped = st.fixed_dictionaries(
    {"name": st.just("fuzz"), "title": st.just("Fuzz"), "source": st.just("s")},
    optional={
        "facts": st.lists(st.dictionaries(fact_keys, yaml_values, max_size=9), max_size=3)
        | yaml_values
    },
).flatmap(lambda base: st.dictionaries(deck_keys, yaml_values, max_size=2).map(base.__or__))


@st.composite
def mangled_deck(draw: st.DrawFn) -> str:
    """The small valid deck with a few characters deleted, replaced or inserted."""
    text = MINI_DECK
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 5))
        text = (
            text[:at]
            + draw(st.sampled_from(["", " ", "\t", ":", "-", "'", '"', "&a", "*a", "[", "{", "\n"]))
            + text[at + cut :]
        )
    return text


@LOADER
@given(raw=st.binary(max_size=2000))
def test_deck_from_bytes_raises_only_deck_errors(raw: bytes) -> None:
    load_or_deck_error(lambda: deck_from_bytes(raw, "fuzz.yaml"))


@LOADER
@given(text=st.one_of(st.text(max_size=2000), mangled_deck()))
def test_deck_from_text_raises_only_deck_errors(text: str) -> None:
    load_or_deck_error(lambda: deck_from_text(text, "fuzz.yaml"))


@settings(LOADER, max_examples=100)  # building nested YAML values is the slow part
@given(data=deck_shaped)
def test_any_yaml_shaped_like_a_deck_raises_only_deck_errors(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    load_or_deck_error(lambda: deck_from_text(text, "fuzz.yaml"))
