"""Numbers and dates in free text, normalised so that they can be compared exactly.

"75k", "75,000" and "seventy-five thousand" all read as 75000; "25 June 1950", "6/25/1950"
and "june twenty-fifth 1950" all read as the date 1950-06-25. Number words are read by
text2num and dates by python-dateutil.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from dateutil import parser as date_parser
from text_to_num import alpha2digit

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_ORD = r"(?:st|nd|rd|th)?"
_MONTH_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?)?(?P<m>{_MONTHS})\b"
    rf"(?:\s+(?P<d2>\d{{1,2}}){_ORD}\b)?(?:\s+(?P<y>\d{{4}})\b)?"
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b")
_NUMBER = re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)(?:st|nd|rd|th|s)?(?![\w.])")
_SCALED = re.compile(
    r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s*(?P<mult>k|thousand|mn|million|m|bn|billion)\b"
)
_MULTIPLIER = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
_ANY_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|hundred|thousand|million|billion|first|second|third|fourth|fifth"
    r"|sixth|seventh|eighth|ninth|tenth|twelfth|twentieth|thirtieth|hundredth|thousandth)"
)
# Two distinct default dates reveal which parts of a date the text left out.
_DEFAULT_A = datetime(1, 1, 1)
_DEFAULT_B = datetime(2, 2, 2)

DateParts = tuple[int | None, int | None, int | None]  # year, month, day


@dataclass(frozen=True)
class Quantities:
    """The dates and numbers a text states, and the text that is left once they are taken out."""

    dates: Counter[DateParts]
    numbers: Counter[float]
    rest: str

    @property
    def empty(self) -> bool:
        return not self.dates and not self.numbers

    def same_as(self, other: Quantities) -> bool:
        # Plain dict equality (C, not Counter's Python loop): no count here is ever zero.
        return dict.__eq__(self.dates, other.dates) and dict.__eq__(self.numbers, other.numbers)


def _date_parts(span: str) -> DateParts | None:
    try:
        a = date_parser.parse(span, default=_DEFAULT_A)
        b = date_parser.parse(span, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    return (
        a.year if a.year == b.year else None,
        a.month if a.month == b.month else None,
        a.day if a.day == b.day else None,
    )


_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        ),
        start=1,
    )
    for name in names.split()
}


def month_date_parts(day: str | None, month: str, year: str | None) -> DateParts | None:
    """A date written with its month's name, already split up by `_MONTH_DATE`: what
    `_date_parts` would read from it, without running dateutil's general parser twice (the
    cost of most quiz answers and deck checks). None when no such day exists; a day without
    a year may be February 29."""
    d = int(day) if day else None
    y = int(year) if year else None
    try:
        datetime(2000 if y is None else y, _MONTH_NUMBER[month], 1 if d is None else d)
    except ValueError:
        return None
    return (y, _MONTH_NUMBER[month], d)


def _scale(match: re.Match[str]) -> str:
    # Decimal, not float: in floating point 4.1 * 1_000_000 is 4099999.9999999995.
    text = f"{Decimal(match.group('n')) * _MULTIPLIER[match.group('mult')]:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _words_to_digits(text: str) -> str:
    text = _SCALED.sub(_scale, text)  # before text2num, which would read "million" alone
    if not _NUMBER_WORD.search(text):
        return text
    # threshold=0: "two miles" must read like "2 miles"; ordinals become "25th".
    return str(alpha2digit(text, "en", threshold=0))


def _take_dates(text: str, dates: Counter[DateParts]) -> str:
    def month_date(match: re.Match[str]) -> str:
        day = match.group("d1") or match.group("d2")
        year = match.group("y")
        if not day and not year:
            return match.group(0)  # a bare month name ("may", "march") is a word here
        parts = month_date_parts(day, match.group("m"), year)
        if parts is None:
            return match.group(0)
        dates[parts] += 1
        return " "

    def numeric_date(match: re.Match[str]) -> str:
        parts = _date_parts(match.group(0))
        if parts is None:
            return match.group(0)
        dates[parts] += 1
        return " "

    text = _MONTH_DATE.sub(month_date, text)
    return _NUMERIC_DATE.sub(numeric_date, text)


def _take_numbers(text: str, numbers: Counter[float]) -> str:
    def number(match: re.Match[str]) -> str:
        numbers[float(match.group("n"))] += 1
        return " "

    return _NUMBER.sub(number, text)


@lru_cache(maxsize=8192)
def quantities(folded: str) -> Quantities:
    """Read the dates and numbers out of already folded text (see `bot.text.fold`)."""
    dates: Counter[DateParts] = Counter()
    numbers: Counter[float] = Counter()
    if not _ANY_DIGIT.search(folded) and not _NUMBER_WORD.search(folded):
        # No digit and no number word: no number, and no date (a month alone is a word).
        return Quantities(dates, numbers, " ".join(folded.replace("/", " ").split()))
    text = _words_to_digits(folded)
    text = _take_dates(text, dates)
    text = _take_numbers(text.replace("/", " "), numbers)
    return Quantities(dates, numbers, " ".join(text.split()))
