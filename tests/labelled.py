"""Scoring a labelled question set the way ../shared/eval/score.py does (folded substrings)."""

from __future__ import annotations

import re
from typing import Any

from bot.knowledge import Knowledge, answer_text


def fold(text: str) -> str:
    text = text.lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = text.replace("%", " percent ")
    text = re.sub(r"[.'\u2019]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return f" {text.strip()} "


def contains(text: str, key: str) -> bool:
    key = fold(key).strip()
    end = r"(?![a-z0-9])" if len(key) <= 3 else ""
    return re.search(r"(?<![a-z0-9])" + re.escape(key) + end, text) is not None


def score_rows(knowledge: Knowledge, rows: list[dict[str, Any]]) -> tuple[float, float, list[str]]:
    """(share answered correctly, share of out-of-scope refused, the misses)."""
    hit_in = total_in = hit_out = total_out = 0
    misses: list[str] = []
    for row in rows:
        entry = knowledge.ask(row["q"]).entry
        if row.get("none"):
            total_out += 1
            ok = entry is None
            hit_out += ok
        else:
            total_in += 1
            groups = row["all"] if "all" in row else [row["any"]]
            text = fold(answer_text(entry)) if entry else ""
            ok = entry is not None and all(any(contains(text, k) for k in g) for g in groups)
            hit_in += ok
        if not ok:
            misses.append(f"{row['q']!r} -> {entry.fact.id if entry else None}")
    return hit_in / max(total_in, 1), hit_out / max(total_out, 1), misses
