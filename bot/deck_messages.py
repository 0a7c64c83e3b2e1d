"""Deck validation errors in a teacher's words: which file, which fact, which field, what to do."""

from __future__ import annotations

import dataclasses
import difflib
from datetime import date
from typing import Any

from pydantic import ValidationError


def _describe_location(loc: tuple[int | str, ...], data: Any) -> str:
    if len(loc) >= 2 and loc[0] == "facts" and isinstance(loc[1], int):
        index = loc[1]
        fact_id = None
        facts = data.get("facts") if isinstance(data, dict) else None
        if isinstance(facts, list) and index < len(facts) and isinstance(facts[index], dict):
            fact_id = facts[index].get("id")
        where = f"fact #{index + 1}" + (f' (id "{fact_id}")' if fact_id else "")
        rest = loc[2:]
    else:
        where, rest = "deck", loc
    if rest:
        field = ".".join(str(p) if not isinstance(p, int) else f"[{p + 1}]" for p in rest)
        field = field.replace(".[", "[")
        where += f', field "{field}"'
    return where


# pydantic names the same mistakes differently for models (the deck) and dataclasses (facts).
_UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")
_NOT_A_MAPPING = ("model_type", "dict_type", "dataclass_type", "dataclass_args_type")
_MISSING = ("missing", "missing_argument", "missing_keyword_only_argument")


def _fields() -> dict[int, tuple[str, ...]]:
    """Known keys, by the depth of the owner's location (the models import this module)."""
    from bot.deck import Deck, Fact, SourceRef

    return {
        0: tuple(Deck.model_fields),
        2: tuple(f.name for f in dataclasses.fields(Fact)),
        3: tuple(f.name for f in dataclasses.fields(SourceRef)),
    }


_LIST_EXAMPLE = {
    "choices": '["Busan", "Seoul", "Wonsan"]',
    "topic": "[dates, people]",
}


def _not_text(value: Any, field: str) -> str:
    """Why a YAML value that is not text was refused, and how to quote it."""
    if isinstance(value, bool):
        return (
            f"must be text, but YAML reads yes/no/true/false without quotes as true or false; "
            f'put it in quotes, like {field}: "yes"'
        )
    if isinstance(value, int | float):
        return f'must be text; put the number in quotes, like {field}: "{value}"'
    if isinstance(value, date):
        return f'must be text; put the date in quotes, like {field}: "June 25, 1950"'
    return "must be text (one value, in quotes)"


def _describe_error(err: Any, data: Any) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind in _UNKNOWN_KEY:
        owner = _describe_location(loc[:-1], data)
        known = _fields().get(len(loc) - 1, ())
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f'did you mean "{close[0]}"?' if close else "the keys here are " + ", ".join(known)
        return f'{owner}: unknown key "{loc[-1]}" ({hint})'
    where = _describe_location(loc, data)
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "value")
    msg = str(err["msg"])
    if kind in _MISSING:
        msg = "is missing (every fact needs it)" if len(loc) > 2 else "is missing"
    elif kind == "string_too_short":
        msg = "is empty"
    elif kind == "string_too_long":
        msg = (
            f"is too long ({len(str(value))} characters; at most {ctx.get('max_length')} "
            "are allowed). Shorten it"
        )
    elif kind == "string_type":
        msg = _not_text(value, field)
    elif kind == "string_pattern_mismatch":
        msg = "must use only lowercase letters, digits, '-' and '_' (like war-begins)"
    elif kind in ("tuple_type", "list_type") and loc == ("facts",):
        msg = "must be a list of facts, each starting with '- id:'"
    elif kind in ("tuple_type", "list_type"):
        example = _LIST_EXAMPLE.get(field, '["first", "second"]')
        msg = f"must be a list in square brackets, like {field}: {example}"
    elif kind in _NOT_A_MAPPING and len(loc) == 2:
        msg = "must be a fact with keys (id, question, answer, ...), not a single value"
    elif kind in _NOT_A_MAPPING:
        msg = "must be keys and values, like source: {section: Introduction, paragraph: 1}"
    elif kind in ("too_short", "too_long") and field == "choices":
        msg = f"must list exactly three wrong answers (it has {ctx.get('actual_length')})"
    elif kind == "too_short" and loc == ("facts",):
        msg = "has no facts; a deck needs at least one"
    elif kind == "too_short":
        example = _LIST_EXAMPLE.get(field, '["first"]')
        msg = f"is an empty list; give at least {ctx.get('min_length')}, like {field}: {example}"
    elif kind == "too_long":
        msg = f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    elif kind in ("int_parsing", "int_type", "int_from_float"):
        msg = "must be a whole number, like 3"
    elif kind == "greater_than_equal":
        msg = f"must be {ctx.get('ge')} or more"
    elif kind == "less_than_equal":
        msg = f"must be {ctx.get('le')} or less"
    elif kind == "literal_error":
        msg = f"must be one of {ctx.get('expected')}, not {value!r}"
    elif kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}"


def problems(exc: ValidationError, data: Any) -> list[str]:
    """One line per real problem, without echoes of another one.

    A list that is short only because an item failed is not a second problem, and neither is
    a missing "answer" next to an unknown key "anwser".
    """
    errors = exc.errors()
    failed_items = {e["loc"][:-1] for e in errors if e["loc"] and isinstance(e["loc"][-1], int)}
    unknown: dict[tuple[int | str, ...], list[str]] = {}
    for e in errors:
        if e["type"] in _UNKNOWN_KEY:
            unknown.setdefault(e["loc"][:-1], []).append(str(e["loc"][-1]))

    def echo(e: Any) -> bool:
        loc = e["loc"]
        if e["type"] == "too_short":
            return loc in failed_items
        typos = unknown.get(loc[:-1], [])
        return e["type"] in _MISSING and bool(difflib.get_close_matches(str(loc[-1]), typos))

    return [_describe_error(e, data) for e in errors if not echo(e)]
