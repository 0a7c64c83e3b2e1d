"""Reading numbers and dates out of typed text (`bot.numbers`) and folding text (`bot.text`).

These are the pieces the judge compares exactly, so a misread here is a right answer marked
wrong or a wrong one marked right.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.judge import judge
from bot.limits import MAX_INPUT_CHARS
from bot.numbers import Quantities, quantities
from bot.terms import content_words, content_words_all
from bot.text import fold, fold_all, strip_accents, words


def read(text: str) -> Quantities:
    return quantities(fold(text))


# -- fold ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Panmunjŏm", "panmunjom", id="accents removed"),
        pytest.param("ＦＵＬＬ width", "full width", id="full-width letters"),
        pytest.param("It's MacArthur’s", "its macarthurs", id="both kinds of apostrophe"),
        pytest.param("Kim Il-sung!!", "kim il sung", id="hyphen and punctuation"),
        pytest.param("  lots   of\tspace\n", "lots of space", id="runs of whitespace"),
        pytest.param("In\u200bchon\u200f", "inchon", id="zero-width and RTL marks"),
        pytest.param("U.N. forces", "un forces", id="dotted abbreviation"),
        pytest.param("75,000", "75000", id="comma digit groups"),
        pytest.param("75 000", "75000", id="space digit groups"),
        pytest.param("75\u00a0000", "75000", id="non-breaking space digit groups"),
        pytest.param("1,234,567", "1234567", id="several digit groups"),
        pytest.param("2.5 miles.", "2.5 miles", id="decimal point kept, full stop dropped"),
        pytest.param("10% of", "10 % of", id="percent sign kept apart"),
        pytest.param("6/25/1950", "6/25/1950", id="date slashes kept"),
        pytest.param("12,34", "12 34", id="not a thousands group"),
        pytest.param("1945-1991", "1945 to 1991", id="a dash between years is a range"),
        pytest.param("100–200 miles", "100 to 200 miles", id="an en dash between numbers"),
        pytest.param("2-mile-wide", "2 mile wide", id="a dash after a number is not a range"),
        pytest.param("٣٨", "38", id="Arabic-Indic digits"),
        pytest.param("１２３", "123", id="full-width digits"),
        pytest.param("10:000", "10000", id="odd digit grouping read the same when folded twice"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_reads_only_as_much_as_a_student_may_type() -> None:
    assert len(fold("word " * 1000)) <= MAX_INPUT_CHARS
    assert fold("a" * 10_000, limit=5) == "aaaaa"
    assert fold("abcd efgh", limit=5) == "abcd"  # no dangling space where it was cut
    assert fold("1.5 1.5", limit=2) == "1"  # nor a dangling decimal point


def test_words_and_strip_accents() -> None:
    assert words("The 38th Parallel!") == ["the", "38th", "parallel"]
    assert strip_accents("Panmunjŏm") == "Panmunjom"


# -- numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("75,000", 75_000, id="75,000"),
        pytest.param("75 000", 75_000, id="75 000"),
        pytest.param("75k", 75_000, id="75k"),
        pytest.param("75 thousand", 75_000, id="75 thousand"),
        pytest.param("seventy-five thousand", 75_000, id="seventy-five thousand"),
        pytest.param("5 million", 5_000_000, id="5 million"),
        pytest.param("five million", 5_000_000, id="five million"),
        pytest.param("2.5m", 2_500_000, id="2.5m"),
        pytest.param("4.1 million", 4_100_000, id="4.1 million is exact, not 4099999.99"),
        pytest.param("1.1bn", 1_100_000_000, id="1.1bn"),
        pytest.param("38th", 38, id="ordinal 38th"),
        pytest.param("thirty-eighth", 38, id="ordinal in words"),
        pytest.param("the 1950s", 1950, id="a decade"),
        pytest.param("2.5", 2.5, id="a decimal"),
        pytest.param("two", 2, id="a small number word"),
    ],
)
def test_one_number_is_read(text: str, value: float) -> None:
    q = read(text)
    assert q.numbers == Counter({value: 1})
    assert not q.dates


def test_every_number_is_counted() -> None:
    q = read("1950 or 1951, maybe 1950")
    assert q.numbers == Counter({1950: 2, 1951: 1})
    assert q.rest == "or maybe"


def test_a_word_with_no_number_is_left_alone() -> None:
    q = read("half of the army")
    assert q.empty
    assert q.rest == "half of the army"


# -- dates ---------------------------------------------------------------------------------------

JUNE_25_1950 = Counter({(1950, 6, 25): 1})


@pytest.mark.parametrize(
    "text",
    [
        "June 25, 1950",
        "25 June 1950",
        "6/25/1950",
        "06/25/1950",
        "June 25th, 1950",
        "25th of June 1950",
        "Jun 25 1950",
        "june twenty-fifth 1950",
        "1950/6/25",
    ],
)
def test_one_date_in_many_spellings(text: str) -> None:
    q = read(text)
    assert q.dates == JUNE_25_1950
    assert not q.numbers


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param("July 1950", (1950, 7, None), id="month and year"),
        pytest.param("7/1950", (1950, 7, None), id="numeric month and year"),
        pytest.param("25 June", (None, 6, 25), id="day and month"),
        pytest.param("27/3/2012", (2012, 3, 27), id="day first when the day is over 12"),
    ],
)
def test_partial_dates_keep_what_was_left_out(
    text: str, parts: tuple[int | None, int | None, int | None]
) -> None:
    assert read(text).dates == Counter({parts: 1})


def test_a_month_name_alone_is_a_word_not_a_date() -> None:
    q = read("may")
    assert q.empty
    assert q.rest == "may"


def test_an_impossible_date_is_not_read_as_a_date() -> None:
    q = read("2/30/1950")
    assert not q.dates
    assert not read("June 25, 1950").same_as(q)


def test_same_as_compares_dates_and_numbers_but_not_words() -> None:
    assert read("the 38th parallel").same_as(read("38 degrees"))
    assert not read("38th parallel").same_as(read("39th parallel"))
    assert not read("June 25, 1950").same_as(read("June 25, 1953"))
    assert not read("1950").same_as(read("June 25, 1950"))


def test_ranges_and_other_scripts_are_judged_like_plain_digits() -> None:
    assert judge("1945 to 1991", ["1945-1991"]).accepted
    assert judge("100–200 miles", ["100-200 miles"]).accepted
    assert not judge("100200 miles", ["100-200 miles"]).accepted
    assert judge("٣٨", ["38th parallel"]).accepted


def test_scaled_numbers_are_judged_exactly() -> None:
    # A user-visible consequence of reading "4.1 million" exactly.
    assert judge("4.1 million", ["4,100,000"]).accepted
    assert not judge("4.1 million", ["4,000,000"]).accepted


# -- dates written with a month's name -------------------------------------------------------


def test_month_dates_read_as_dateutil_reads_them() -> None:
    """The fast reading of "25 June 1950" agrees with python-dateutil's on every month name,
    every day number the pattern admits and four-digit years from 100 on; the one difference
    is that February 29 without a year is a real day, not an error. (Below 100, dateutil
    takes "0099" for a two-digit year, 1999, and "32 january" for January 2032; here a year
    is what is written, and a day number is a day.)"""
    from bot.numbers import _MONTH_NUMBER, _date_parts, month_date_parts

    disagree = []
    for month in _MONTH_NUMBER:
        for day in [None, "0", "00", "01", *map(str, range(1, 32))]:
            for year in [None, "0100", "0999", "1000", "1900", "1950", "2000", "2024", "9999"]:
                span = " ".join(p for p in (day, month, year) if p)
                fast, slow = month_date_parts(day, month, year), _date_parts(span)
                if fast != slow:
                    disagree.append((span, fast, slow))
    assert disagree == [(f"29 {month}", (None, 2, 29), None) for month in ("february", "feb")]
    assert read("29 feb").dates == Counter({(None, 2, 29): 1})
    assert read("30 feb 1950").dates == Counter()  # no such day: left as a number and a word
    assert read("1 may 0099").dates == Counter({(99, 5, 1): 1})
    assert read("1 may 0000").dates == Counter()  # there was no year 0
    assert read("32 january").dates == Counter()


# -- folding a whole deck at once ------------------------------------------------------------

# Texts made of what the folding patterns look at: digits next to dashes, dots, commas and
# spaces ("1,000", "1945-1953", "u.s."), apostrophes, control characters, a non-ASCII letter.
_PIECES = st.sampled_from(
    ["1", "25", "000", "1950", ",", ".", "-", "\u2013", " ", "  ", "'", "`", "%", "/", "\t",
     "\n", "\x00", "\x1f", "a", "u.s.", "U.N.", "How many", "took place", "held up", "ŏ",
     "Kim", "\u200b", "38th", "k", "|"]
)  # fmt: skip
_TEXTS = st.lists(st.lists(_PIECES, max_size=12).map("".join), max_size=8)


@settings(max_examples=600, deadline=None)
@given(texts=_TEXTS)
def test_folding_texts_together_folds_each_as_alone(texts: list[str]) -> None:
    """The index folds a deck's texts in one pass; each must come out as `fold` makes it,
    and so must its content words."""
    alone = [fold(t, 10_000) for t in texts]
    assert fold_all(texts) == alone
    assert content_words_all(alone) == [content_words(t) for t in alone]


@pytest.mark.parametrize(
    "text", ["ŏ\ncheon", "ŏ\tcheon", "o\ncheon", "o\x00cheon", "ŏ\x00cheon", "o\u200bcheon"]
)
def test_line_breaks_are_spaces_and_invisible_characters_nothing(text: str) -> None:
    expected = "o cheon" if text[1] in "\n\t" else "ocheon"
    assert fold(text) == expected
