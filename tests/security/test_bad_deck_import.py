"""Malformed decks through /deck import: the teacher reads what is wrong, the server's decks
stay exactly as they were, and a file over the size limit is refused before it is downloaded.

The corpus is tests/data/bad_decks/, with the words each error must contain in expected.json
(the same corpus tests/test_deck.py checks against the loader directly).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.limits import DEFAULT_DECK_LIMITS
from bot.store import GuildDeckRow
from tests.e2e.conftest import Study
from tests.security.actors import BIOLOGY, import_deck

pytestmark = pytest.mark.e2e

BAD_DECKS = Path(__file__).resolve().parents[1] / "data" / "bad_decks"
EXPECTED: dict[str, list[str]] = {
    name: words
    for name, words in json.loads((BAD_DECKS / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
LIMIT = DEFAULT_DECK_LIMITS.max_file_bytes


async def deck_listing(study: Study) -> str:
    reply = await (await study.fake.slash("deck list", user="carol")).response()
    return reply.content


async def server_decks(study: Study) -> tuple[str, list[GuildDeckRow], list[str]]:
    """What a class can see of its decks: the listing, the stored rows, the loaded decks."""
    guild = study.fake.guild.id
    return (
        await deck_listing(study),
        await study.services.store.guild_decks(guild),
        [d.name for d in study.services.knowledge.decks(guild)],
    )


def test_the_corpus_is_all_here() -> None:
    assert {p.name for p in BAD_DECKS.glob("*.yaml")} == set(EXPECTED)
    assert len(EXPECTED) >= 50


async def test_every_bad_deck_is_refused_with_its_error(study: Study) -> None:
    """One bot takes the whole corpus in turn (a bot per file costs 15 s): after each file
    the server's decks must still be exactly what they were before the first."""
    added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck **biology**")
    before = await server_decks(study)
    wrong: dict[str, str] = {}

    for filename in sorted(EXPECTED):
        reply = await import_deck(study, "teacher", filename, (BAD_DECKS / filename).read_bytes())
        text = reply.content
        missing = [w for w in [filename, *EXPECTED[filename]] if w not in text]
        if not reply.ephemeral:
            wrong[filename] = f"the reply was public: {text}"
        elif not (text.startswith("```\n") and text.endswith("\n```")):
            wrong[filename] = f"not a deck error: {text}"
        elif "so the deck was not loaded" not in text or missing:
            wrong[filename] = f"the reply lacks {missing}:\n{text}"
        elif await server_decks(study) != before:
            wrong[filename] = f"the server's decks changed: {await server_decks(study)}"

    assert not wrong, "\n\n".join(f"{name}: {problem}" for name, problem in wrong.items())


async def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(study: Study) -> None:
    fake = study.fake
    big = (BIOLOGY + "# padding\n" * (LIMIT // 10)).encode()[: LIMIT + 1]
    assert len(big) == LIMIT + 1
    before = await server_decks(study)

    for who in ("alice", "teacher"):  # a student is refused before the size even matters
        reply = await import_deck(study, who, "huge.yaml", big)
        assert reply.ephemeral and not reply.deferred
        if who == "teacher":
            assert reply.content == (
                f"huge.yaml: the file is {LIMIT + 1:,} bytes; a deck file may be at most "
                f"{LIMIT:,} bytes. Split it into several decks."
            )
        else:
            assert reply.content.startswith("Only a teacher can import decks.")
    assert fake.state.downloads == []
    assert await server_decks(study) == before

    # The same deck at a normal size is downloaded, once, and added.
    added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
    assert added.content.startswith("Added deck **biology**")
    assert len(fake.state.downloads) == 1
