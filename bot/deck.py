"""Deck files: the pydantic models a teacher's YAML must fit, and a loader with readable errors.

A deck either loads whole or not at all: every problem found is collected into one
`DeckError` that names the file, the fact (index and id), the field and what is wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from bot.deck_messages import problems
from bot.errors import DeckError
from bot.limits import DEFAULT_DECK_LIMITS, DeckLimits

if TYPE_CHECKING:
    from bot.deck_cache import DeckCache

_L = DEFAULT_DECK_LIMITS
SLUG = r"^[a-z0-9][a-z0-9_-]*$"

Text = Annotated[str, Field(min_length=1)]
Slug = Annotated[str, Field(pattern=SLUG, max_length=_L.max_id_chars)]
Difficulty = Literal["easy", "medium", "hard"]


# Facts are slotted dataclasses rather than models: a course of 100,000 facts must fit in a
# few hundred megabytes, and a model instance costs several times more memory.
# Text is stripped by pydantic-core as it is checked (no Python call per field).
_FACT_CONFIG = ConfigDict(extra="forbid", str_strip_whitespace=True)


@pydantic_dataclass(frozen=True, slots=True, kw_only=True, config=_FACT_CONFIG)
class SourceRef:
    """Where in the reading a fact comes from."""

    section: Annotated[str, Field(min_length=1, max_length=120)]
    paragraph: Annotated[int, Field(ge=1, le=500)]

    def __str__(self) -> str:
        return f"{self.section}, paragraph {self.paragraph}"


T = TypeVar("T")


def _unchecked(cls: type[T], values: dict[str, Any]) -> T:
    """An instance of a slotted pydantic dataclass without running its validation."""
    obj = object.__new__(cls)
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        object.__setattr__(obj, f.name, values.get(f.name, f.default))
    return obj


@pydantic_dataclass(frozen=True, slots=True, kw_only=True, config=_FACT_CONFIG)
class Fact:
    """One thing a student can ask about and be quizzed on."""

    id: Slug
    question: Annotated[str, Field(min_length=1, max_length=_L.max_question_chars)]
    answer: Annotated[str, Field(min_length=1, max_length=_L.max_answer_chars)]
    aliases: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=_L.max_answer_chars)], ...],
        Field(max_length=_L.max_aliases),
    ] = ()
    explanation: Annotated[str, Field(min_length=1, max_length=_L.max_explanation_chars)]
    source: SourceRef
    topic: Annotated[tuple[Slug, ...], Field(min_length=1, max_length=_L.max_topics)]
    difficulty: Difficulty = "medium"
    choices: Annotated[
        tuple[
            Annotated[str, Field(min_length=1, max_length=_L.max_answer_chars)],
            ...,
        ],
        Field(min_length=3, max_length=3),
    ]
    ask: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=_L.max_question_chars)], ...],
        Field(max_length=_L.max_ask),
    ] = ()

    @field_validator("topic", mode="before")
    @classmethod
    def _one_or_many_topics(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _choices_are_wrong_answers(self) -> Fact:
        # local: the judge imports nothing from here; keep the load order simple
        from bot.judge import unjudgeable

        unusable, accepted = unjudgeable(self.answers, self.choices)
        if unusable:
            raise ValueError(
                f'the answer "{unusable[0]}" has no words or numbers that a typed answer '
                "could be checked against"
            )
        seen: set[str] = set()
        for number, choice in enumerate(self.choices, start=1):
            if choice in accepted:
                raise ValueError(
                    f'wrong choice {number} "{choice}" is a right answer '
                    f'(it matches "{self.answer}" or an alias); replace it with a wrong one'
                )
            key = choice.casefold()
            if key in seen:
                raise ValueError(f'wrong choice {number} "{choice}" is listed twice')
            seen.add(key)
        return self

    @property
    def answers(self) -> tuple[str, ...]:
        """The canonical answer followed by its aliases."""
        return (self.answer, *self.aliases)

    @classmethod
    def trusted(cls, *, source: SourceRef, **values: Any) -> Fact:
        """A fact from data that was validated before (a cache, a benchmark): no checks."""
        return _unchecked(cls, {**values, "source": source})


class Deck(BaseModel):
    """A named set of facts from one reading."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=SLUG, max_length=_L.max_name_chars)]
    title: Annotated[str, Field(min_length=1, max_length=_L.max_title_chars)]
    description: Annotated[str, Field(max_length=_L.max_description_chars)] = ""
    source: Annotated[str, Field(min_length=1, max_length=_L.max_title_chars)]
    facts: Annotated[tuple[Fact, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Deck:
        numbers: dict[str, list[str]] = {}
        for number, fact in enumerate(self.facts, start=1):
            numbers.setdefault(fact.id, []).append(f"#{number}")
        dupes = [
            f'id "{fact_id}" is used by facts {" and ".join(where)}'
            for fact_id, where in numbers.items()
            if len(where) > 1
        ]
        if dupes:
            raise ValueError(
                "every fact needs its own id, but " + "; ".join(dupes) + ". Rename all but one"
            )
        return self

    def topics(self) -> Counter[str]:
        """How many facts carry each topic tag."""
        return Counter(t for f in self.facts for t in f.topic)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)


@dataclass(frozen=True)
class LoadedDeck:
    """A deck and the file it came from."""

    deck: Deck
    path: str


# --- YAML -------------------------------------------------------------------------------------

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAYBE_ALIAS = re.compile(r"[&*][^\s,\[\]{}]")


def _has_yaml_aliases(text: str) -> bool:
    """True if the YAML uses anchors/aliases (the way 'billion laughs' bombs are built)."""
    if not _MAYBE_ALIAS.search(text):
        return False
    return any(
        isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
        for event in yaml.parse(text, Loader=_Loader)
    )


def _reject_duplicate_keys(root: yaml.Node, where: str) -> None:
    """Raise if a mapping repeats a key: YAML would silently keep only the last value."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in first:
                        lines = (first[key.value].start_mark.line + 1, key.start_mark.line + 1)
                        raise DeckError(
                            where,
                            [
                                f'line {lines[1]}: "{key.value}" is written twice in the same '
                                f"place (also on line {lines[0]}); keep only one"
                            ],
                        )
                    first[key.value] = key
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _parse_yaml(text: str, where: str) -> Any:
    try:
        if _has_yaml_aliases(text):
            raise DeckError(
                where,
                [
                    "YAML anchors and aliases (& and *) are not allowed in decks; "
                    "write each value out in full"
                ],
            )
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _reject_duplicate_keys(node, where)  # no aliases, so the nodes form a tree
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        hint = "check the quotes and indentation on that line and the lines just above it"
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            problem, hint = "this line has a tab in it", "indent with spaces; YAML forbids tabs"
        elif "another document" in problem:
            hint = "a deck file holds one deck; remove the '---' line or split the file"
        raise DeckError(where, [f"YAML syntax error at {at}{problem} ({hint})"]) from exc
    except yaml.YAMLError as exc:
        raise DeckError(where, [f"YAML syntax error: {exc}"]) from exc


def deck_from_text(text: str, where: str, limits: DeckLimits = DEFAULT_DECK_LIMITS) -> Deck:
    """Validate a deck's YAML text; raise one `DeckError` listing every problem."""
    data = _parse_yaml(text, where)
    if data is None:
        raise DeckError(
            where,
            ["the file is empty (or only comments); a deck needs name, title, source and facts"],
        )
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else "a single value"
        raise DeckError(
            where,
            [f"the file must start with name:, title:, source: and facts:, but it holds {found}"],
        )
    facts = data.get("facts")
    if isinstance(facts, list) and len(facts) > limits.max_facts:
        raise DeckError(
            where,
            [
                f"the deck has {len(facts)} facts; a deck may have at most {limits.max_facts}. "
                "Split it into several decks"
            ],
        )
    try:
        return Deck.model_validate(data)
    except ValidationError as exc:
        raise DeckError(where, problems(exc, data)) from None


def _check_size(size: int, where: str, limits: DeckLimits) -> None:
    if size > limits.max_file_bytes:
        raise DeckError(
            where,
            [
                f"the file is {size:,} bytes; a deck file may be at most "
                f"{limits.max_file_bytes:,} bytes. Split it into several decks"
            ],
        )


def deck_from_bytes(raw: bytes, where: str, limits: DeckLimits = DEFAULT_DECK_LIMITS) -> Deck:
    """Validate a deck file's bytes (size and encoding first, then YAML and fields)."""
    _check_size(len(raw), where, limits)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError(
            where,
            [
                f"the file is not saved as UTF-8 text (line {line} has a character in another "
                "encoding); save it as UTF-8 and try again"
            ],
        ) from None
    if "\x00" in text:
        raise DeckError(where, ["the file contains NUL bytes; is it really a YAML text file?"])
    return deck_from_text(text, where, limits)


def load_deck(
    path: str | Path, limits: DeckLimits = DEFAULT_DECK_LIMITS, saved: DeckCache | None = None
) -> LoadedDeck:
    """Load one deck file; with `saved`, reuse the deck checked from the same bytes before."""
    p = Path(path)
    try:
        _check_size(p.stat().st_size, str(p), limits)
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DeckError(str(p), ["no such file; check the path"]) from None
    except IsADirectoryError:
        raise DeckError(str(p), ["this is a folder, not a deck file"]) from None
    except OSError as exc:
        raise DeckError(str(p), [f"cannot read the file: {exc.strerror}"]) from None
    if saved is None:
        return LoadedDeck(deck_from_bytes(raw, str(p), limits), str(p))
    return LoadedDeck(saved.deck(raw, str(p), limits), str(p))


def deck_files(path: str | Path) -> list[Path]:
    """The deck files a path names: the file itself, or every *.yaml/*.yml in a folder."""
    p = Path(path)
    if p.is_dir():
        return sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file())
    return [p]


def iter_deck_results(
    paths: Iterable[str | Path],
    limits: DeckLimits = DEFAULT_DECK_LIMITS,
    saved: DeckCache | None = None,
) -> Iterator[LoadedDeck | DeckError]:
    """Load every deck the paths name, yielding each deck or its error (for check-deck)."""
    for path in paths:
        files = deck_files(path)
        if not files:
            yield DeckError(str(path), ["no .yaml deck files in this folder"])
        for file in files:
            try:
                yield load_deck(file, limits, saved)
            except DeckError as exc:
                yield exc


def load_decks(
    paths: Iterable[str | Path],
    limits: DeckLimits = DEFAULT_DECK_LIMITS,
    saved: DeckCache | None = None,
) -> list[LoadedDeck]:
    """Load every deck, or raise one `DeckError` covering every bad file and clashing name."""
    loaded: list[LoadedDeck] = []
    problems: list[str] = []
    for result in iter_deck_results(paths, limits, saved):
        if isinstance(result, DeckError):
            problems.extend(f"{result.path}: {p}" for p in result.problems)
        else:
            loaded.append(result)
    names = Counter(d.deck.name for d in loaded)
    for name, n in names.items():
        if n > 1:
            files = ", ".join(d.path for d in loaded if d.deck.name == name)
            problems.append(f'deck name "{name}" is used by {n} files ({files}); names must differ')
    if problems:
        raise DeckError(", ".join(str(p) for p in paths), problems)
    return loaded
