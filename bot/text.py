"""Text folding shared by lookup and judging: case, accents, punctuation, invisible characters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.limits import MAX_INPUT_CHARS

# Invisible characters are dropped; control characters that are white space (tab, line
# breaks, the separators) are white space in ASCII and other text alike.
_INVISIBLE = re.compile(
    r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0e-\x1b\x7f]"
)
_APOSTROPHE = re.compile(r"['\u2018\u2019\u02bc`´]")
_DOTTED_ABBREV = re.compile(r"\b(?:[a-z]\.){2,}")  # u.n. -> un, u.s. -> us
_RANGE_DASH = re.compile(r"(?<=\d)\s*[-\u2010-\u2015\u2212]\s*(?=\d)")  # 1945-1991
_HAS_DASH = re.compile(r"[-\u2010-\u2015\u2212]")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})(?:[,.\u00a0\u202f ](\d{3}))+(?![\d]|[.,]\d)")
_ASCII_INVISIBLE = re.compile(r"['`\x00-\x08\x0e-\x1b\x7f]+")  # and apostrophes
_NON_WORD = re.compile(r"[^a-z0-9%/.]+")
_STRAY_DOT = re.compile(r"\.(?:(?!\d)|(?<!\d\.))")  # a dot not between two digits
_HAS_DIGIT = re.compile(r"\d")


def strip_accents(text: str) -> str:
    """'Panmunjŏm' -> 'Panmunjom'; also folds full-width and other compatibility forms."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _ascii_digit(c: str) -> str:
    # Any script's digit is a digit ("٣٨" is 38); other characters pass through.
    return str(unicodedata.decimal(c)) if c.isdecimal() else c


def _join_thousands(match: re.Match[str]) -> str:
    return re.sub(r"[,.\u00a0\u202f ]", "", match.group(0))


def _lower_ascii(text: str) -> str:
    return _ASCII_INVISIBLE.sub("", text.lower())


def _lower(text: str) -> str:
    if text.isascii():  # the common case, kept cheap
        return _lower_ascii(text)
    text = strip_accents(_INVISIBLE.sub("", text)).casefold()
    text = "".join(map(_ascii_digit, text))
    return _APOSTROPHE.sub("", text)


def _punctuation(text: str, non_word: re.Pattern[str] = _NON_WORD) -> str:
    if "." in text:
        text = _DOTTED_ABBREV.sub(lambda m: m.group(0).replace(".", ""), text)
    if _HAS_DIGIT.search(text):
        # A dash between numbers is a range, never part of one: "100-200" is 100 to 200.
        if _HAS_DASH.search(text):
            text = _RANGE_DASH.sub(" to ", text)
        text = _THOUSANDS.sub(_join_thousands, text)
    if "%" in text:
        text = text.replace("%", " % ")
    if "." in text:
        text = _STRAY_DOT.sub(" ", text)
    return non_word.sub(" ", text)


def _rejoin(text: str) -> str:
    if " " in text and _HAS_DIGIT.search(text):
        # Folding must be idempotent, and "10:000" has just become "10 000", which reads as
        # ten thousand; join it now rather than on the next fold.
        text = _THOUSANDS.sub(_join_thousands, text)
    return text


def fold(text: str, limit: int = MAX_INPUT_CHARS) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces.

    Digit groups are joined ("75,000", "75 000", "75.000" -> "75000") and a dash between
    numbers reads as "to" ("1945-1991" -> "1945 to 1991"); '%', '/' and a decimal point between
    digits are kept because they carry meaning for numbers and dates. Folding folded text
    changes nothing.
    """
    return _tidy(_punctuation(_lower(text[: limit * 2])), limit)


def _tidy(text: str, limit: int) -> str:
    # Cut, then strip: a cut just after a space or a decimal point must not leave it dangling.
    return _rejoin(" ".join(text.split())[:limit].rstrip(" ."))


#: Between texts folded together: a character no ASCII text has, that is not a word
#: character, a digit or white space to any pattern above, so no pattern matches across it.
SEPARATOR = "\ue000"
_NO_CAP = 1 << 40
_NON_WORD_KEEPING_SEPARATOR = re.compile(r"[^a-z0-9%/.\ue000]+")


def fold_all(texts: Sequence[str]) -> list[str]:
    """`fold` of each text, without its length cap, for indexing a whole deck.

    The ASCII texts (nearly all of them) are joined with `SEPARATOR` and folded as one
    string: each pattern runs once over the deck instead of once per text. The result is
    the same as folding each text alone (a property test checks it).
    """
    folded: list[str] = [""] * len(texts)
    plain: list[int] = []
    for i, text in enumerate(texts):
        if text.isascii():
            plain.append(i)
        else:
            folded[i] = fold(text, _NO_CAP)
    if plain:
        joined = SEPARATOR.join([texts[i] for i in plain])
        joined = _punctuation(_lower_ascii(joined), _NON_WORD_KEEPING_SEPARATOR)
        for i, part in zip(plain, joined.split(SEPARATOR), strict=True):
            folded[i] = _tidy(part, _NO_CAP)
    return folded


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return fold(text).split()
