"""Deck text is people's text too: a deck whose title, question, answer, choices, explanation
and source try to ping is shown everywhere (deck list, /ask, /fact, both kinds of round,
hints, reveals, results) without pinging anyone. tests/e2e/test_mentions_e2e.py covers names,
answers and questions typed by students; this covers what a teacher's file brings in.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Study, embed_of, fields_of, wait_for_embed
from tests.e2e.test_mentions_e2e import assert_nothing_can_ping, shown
from tests.fakediscord import FakeDiscord
from tests.security.actors import import_deck

pytestmark = pytest.mark.e2e

#: What a Discord client renders as a mention of everyone, a role or a person.
MENTION = re.compile(r"@everyone|@here|<@[!&]?\d+>")


def pinging_deck(role: int, user: int, channel: int) -> str:
    return f"""\
name: pings
title: "@everyone read this <@&{role}>"
source: "@here reader"
facts:
  - id: who-pings
    question: "Who does <@{user}> wake up with @here?"
    answer: "@everyone"
    explanation: "Because <@&{role}> and @here and <@!{user}> in <#{channel}>."
    source: {{section: "@everyone section", paragraph: 1}}
    topic: [pings]
    choices: ["@here", "<@&{role}> role", "<@{user}> person"]
    ask: ["who does it wake up"]
"""


async def test_a_deck_full_of_mentions_pings_nobody(study: Study) -> None:
    fake, clock = study.fake, study.clock
    guild = fake.guild
    deck = pinging_deck(
        guild.role("Teacher").id, guild.member("alice").id, guild.channel("quiz").id
    )
    added = await import_deck(study, "teacher", "pings.yaml", deck)
    assert added.content.startswith("Added deck **pings**"), added.content

    listing = await (await fake.slash("deck list", user="bob")).response()
    assert "@everyone read this" in shown(listing.content)
    asked = await (
        await fake.slash("ask", {"question": "who does it wake up"}, user="bob")
    ).response()
    assert not asked.ephemeral and shown(fields_of(asked.embeds[0])["Answer"]) == "@everyone"
    card = await (await fake.slash("fact", {"name": "pings/who-pings"}, user="bob")).response()
    assert "@here" in shown(card.embeds[0]["title"])

    # A buttons round: the choices, a click, the picks in the reveal.
    since = fake.mark()
    question = await study.start_quiz("bob", questions=1, seconds=20, mode="buttons", topic="pings")
    assert "@here" in shown(fields_of(embed_of(question))["Choices"])
    options = study.round_in().question.options  # type: ignore[union-attr]
    picked = options.index("@here")
    click = await fake.click(question, question.custom_ids()[picked], user="carol")
    locked = await click.response()
    assert locked.ephemeral and "@here" in shown(locked.content)
    await clock.advance(20)
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
    assert shown(embed_of(reveal)["title"]) == "Answer to question 1: @everyone"
    await wait_for_embed(fake, "quiz", "Round over!", since=since)
    await clock.advance(1)

    # A typed round with hints: the hint shows part of "@everyone", the answer scores.
    since = fake.mark()
    await study.start_quiz("bob", questions=1, seconds=30, mode="typed", topic="pings")
    await clock.advance(21)
    hints = [m.content for m in fake.messages_in("quiz") if m.seq > since and "Hint" in m.content]
    assert len(hints) == 2, hints
    typed = await fake.send_message("quiz", "alice", "@everyone")
    await fake.wait_for_reaction(typed, "✅")
    await clock.advance(3)
    await wait_for_embed(fake, "quiz", "Round over!", since=since)

    assert_nothing_can_ping(fake)
    assert_mentions_are_shown_escaped(fake)


def assert_mentions_are_shown_escaped(fake: FakeDiscord) -> None:
    """No text the bot shows (message text, private or not; embed titles, descriptions and
    fields) holds mention markup a client would render as a mention."""
    shown_texts: list[str] = []
    for message in fake.state.messages.values():
        if message.author_id != fake.bot_user_id:
            continue
        shown_texts.append(message.content)
        for embed in message.embeds:
            shown_texts += [str(embed.get("title", "")), str(embed.get("description", ""))]
            shown_texts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    assert len(shown_texts) > 10
    raw = [t for t in shown_texts if MENTION.search(t)]
    assert not raw, raw
