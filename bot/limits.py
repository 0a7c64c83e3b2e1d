"""Limits on what teachers and students may send, stated once; errors and the README quote them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeckLimits:
    """How big a deck may be. The benchmarks raise them to load synthetic 100,000-fact decks."""

    max_file_bytes: int = 1_000_000
    max_facts: int = 2_000
    max_question_chars: int = 300
    max_answer_chars: int = 100
    max_explanation_chars: int = 1_000
    max_aliases: int = 10
    max_ask: int = 20
    max_topics: int = 8
    max_id_chars: int = 64
    max_name_chars: int = 40
    max_title_chars: int = 100
    max_description_chars: int = 500


DEFAULT_DECK_LIMITS = DeckLimits()

#: Decks one server may import with /deck import.
MAX_DECKS_PER_GUILD = 20
#: Characters of a typed answer or question that the bot reads; the rest is ignored.
MAX_INPUT_CHARS = 300
