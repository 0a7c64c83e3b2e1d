"""Turning text into search terms: folded words, minus filler, stemmed ("fired" ~ "fire")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import Stemmer
from rapidfuzz.distance import DamerauLevenshtein

from bot.text import SEPARATOR, fold

# Words that say nothing about which fact is meant. Question words are here too: the kind of
# answer they ask for is read separately (see `answer_kind_wanted`).
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "each",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "my",
        "nor",
        "of",
        "on",
        "or",
        "our",
        "own",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "tell",
        "explain",
        "describe",
        "know",
        "please",
        "thing",
        "things",
        "happen",
        "happened",
        "happens",
        "mean",
        "meaning",
        "anything",
        "something",
        "bot",
        "hey",
        "hi",
        "hello",
        "thanks",
        "thank",
        "get",
        "got",
        "go",
        "went",
        "s",
        "t",
    ]
)
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|s)$")
_SHORT_STOPWORDS = sorted(w for w in STOPWORDS if 3 <= len(w) <= 5)


# Past forms a stemmer cannot see through ("wrote" ~ "write").
_IRREGULAR = dict(
    pair.split(":")
    for pair in [
        "began:begin",
        "begun:begin",
        "broke:break",
        "broken:break",
        "brought:bring",
        "chose:choose",
        "chosen:choose",
        "drew:draw",
        "drawn:draw",
        "fell:fall",
        "fallen:fall",
        "fought:fight",
        "forbade:forbid",
        "gave:give",
        "given:give",
        "grew:grow",
        "grown:grow",
        "held:hold",
        "hid:hide",
        "kept:keep",
        "knew:know",
        "known:know",
        "led:lead",
        "left:leave",
        "lost:lose",
        "made:make",
        "meant:mean",
        "met:meet",
        "ran:run",
        "rose:rise",
        "risen:rise",
        "said:say",
        "sent:send",
        "shot:shoot",
        "sought:seek",
        "spoke:speak",
        "spoken:speak",
        "stood:stand",
        "struck:strike",
        "swore:swear",
        "taught:teach",
        "told:tell",
        "thought:think",
        "took:take",
        "taken:take",
        "threw:throw",
        "thrown:throw",
        "won:win",
        "wrote:write",
        "written:write",
        "went:go",
        "gone:go",
        "seen:see",
        "saw:see",
        "fled:flee",
    ]
)
# Words students use for the same thing; each group (split by '|' and by line) is searched as
# its first word.
_SYNONYM_GROUPS = """
    start begin outbreak commence launch | end finish conclude | die death dead kill perish
    wound injure injury hurt | fire dismiss sack oust | lead leader rule ruler govern
    army force troop soldier | split divide partition separate | help aid assist
    talk negotiation negotiate | armistice ceasefire truce | photo picture image photograph
    prisoner pow captive | fear afraid worry scare danger risk | border boundary frontier
    surprise unexpected shock | america american us usa | soviet ussr | china chinese
    japan japanese | korea korean | communism communist | war conflict
"""
_stemmer = Stemmer.Stemmer("english")


def _base(word: str) -> str:
    return str(_stemmer.stemWord(_IRREGULAR.get(word, word)))


_CANONICAL = {
    _base(w): _base(group.split()[0])
    for line in _SYNONYM_GROUPS.strip().splitlines()
    for group in line.split("|")
    for w in group.split()
}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The search term for one folded word: digits keep their value, words are stemmed and
    mapped to the first word of their synonym group."""
    m = _ORDINAL.match(word)
    if m:
        return m.group(1)
    if word == "%":
        return "percent"
    base = _base(word)
    return _CANONICAL.get(base, base)


# "how big", "how many": the second word frames the question; `answer_kind_wanted` reads it.
_HOW_FRAME = re.compile(
    r"\bhow (?:many|much|big|large|wide|long|far|old|often|good)\b|\b(?:take|took|taken) place\b"
)


# Two-word verbs read as the one word they mean ("held up the talks" is "stalled" them).
_PHRASAL = {
    f"{verb} {particle}": meaning
    for verbs, particle, meaning in (
        ("hold holds held holding", "up", "stall"),
        ("break breaks broke breaking", "out", "start"),
        ("set sets setting", "up", "create"),
        ("take takes took taking", "over", "control"),
        ("give gives gave giving", "up", "surrender"),
        ("pull pulls pulled pulling", "out", "withdraw"),
        ("call calls called calling", "off", "cancel"),
        ("carry carries carried carrying", "out", "do"),
        ("find finds found finding", "out", "learn"),
    )
    for verb in verbs.split()
}
_PHRASAL_RE = re.compile(r"\b(?:" + "|".join(map(re.escape, _PHRASAL)) + r")\b")


def _unframed(folded: str) -> str:
    """Folded text without question frames ("how many") and with two-word verbs as one."""
    if "how" in folded or "place" in folded:
        folded = _HOW_FRAME.sub(" ", folded)
    if " " in folded:
        folded = _PHRASAL_RE.sub(lambda m: _PHRASAL[m.group(0)], folded)
    return folded


def content_words(folded: str) -> list[str]:
    """The words of folded text (see `bot.text.fold`) that are not filler, duplicates kept."""
    return [w for w in _unframed(folded).split() if w not in STOPWORDS]


def content_words_all(folded: Sequence[str]) -> list[list[str]]:
    """`content_words` of each folded text, each pattern run once over all of them."""
    if not folded:
        return []
    joined = _unframed(SEPARATOR.join(folded))  # folding removed any separator from the texts
    return [[w for w in part.split() if w not in STOPWORDS] for part in joined.split(SEPARATOR)]


def is_omission(word: str, of: str) -> bool:
    """Whether `word` is `of` with one letter left out ("whn" of "when")."""
    if len(of) != len(word) + 1:
        return False
    letters = iter(of)
    return all(c in letters for c in word)


@lru_cache(maxsize=50_000)
def misspelt_stopword(word: str) -> tuple[int, str] | None:
    """'whn', 'wat', 'hw': the filler word meant, with 2 when a letter was left out (the
    commonest slip) and 1 for another one-letter slip; None when it is no filler word."""
    if len(word) > 5 or word.isdigit():
        return None
    near = [
        s
        for s in _SHORT_STOPWORDS
        if abs(len(s) - len(word)) <= 1
        and DamerauLevenshtein.distance(word, s, score_cutoff=1) <= 1
    ]
    left_out = [s for s in near if is_omission(word, s)]
    if left_out:
        return 2, left_out[0]
    return (1, near[0]) if near else None


def terms(text: str) -> list[str]:
    """The distinct search terms of a text, in order."""
    seen: dict[str, None] = {}
    for word in content_words(fold(text)):
        seen.setdefault(stem(word), None)
    return list(seen)


# Classes of words where naming one thing rules out another: a question about Chinese soldiers
# is not answered by a fact about American soldiers.
EXCLUSIVE_CLASSES: tuple[frozenset[str], ...] = tuple(
    frozenset(stem(w) for w in group.split())
    for group in (
        "america china soviet japan britain france germany russia vietnam",
        "north south",
    )
)
_WH = re.compile(r"\b(who|whom|whose|when|where|why)\b")


def wh_word(folded: str) -> str | None:
    """The question word that fixes what kind of answer is wanted: who, when, where or why."""
    m = _WH.search(folded)
    if m is None:
        return None
    word = m.group(1)
    return "who" if word.startswith("who") else word


_WANTS_DATE = re.compile(
    r"^(?:when\b|what (?:date|year|day|month)\b|which (?:date|year)\b)|\bdate\b"
)
_WANTS_NUMBER = re.compile(r"\bhow (?:many|much|big|large|wide|long|far)\b|\bnumber of\b")


def answer_kind_wanted(folded: str) -> str | None:
    """'date' or 'number' when a (folded) question plainly asks for one, else None."""
    if _WANTS_NUMBER.search(folded):
        return "number"
    if _WANTS_DATE.search(folded):
        return "date"
    return None
