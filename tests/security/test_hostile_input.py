"""Whatever people type, the bot answers: property tests through the loopback Discord.

Every slash command's text option, both autocompletes and typed quiz answers get any Unicode
(zalgo, right-to-left and zero-width marks, emoji sequences, NUL, markdown and mention syntax,
SQL and format-string look-alikes, up to 4,000 characters). For each one:

- the interaction is answered (a callback reaches Discord) within ``BOUND`` seconds,
- never with "something went wrong", and nothing is logged at WARNING or above: only the
  project's own refusals (``StudyBotError``) may stop a command,
- Discord accepted everything the bot sent (no 4xx: nothing too long, no empty field).

One bot per test function; hypothesis runs its examples against it in turn, so state
(rounds, members) carries over between examples on purpose, as it would in a class.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.judge import judge
from bot.limits import MAX_INPUT_CHARS
from bot.numbers import quantities
from bot.text import fold
from cogs.components import SOMETHING_WENT_WRONG
from tests.e2e.conftest import Study, eventually, wait_for_embed
from tests.fakediscord import FakeMember, InteractionCallback, InteractionHandle
from tests.security.actors import BIOLOGY, import_deck

pytestmark = pytest.mark.e2e

BOUND = 2.0  # seconds the bot may take to answer one interaction (Discord allows 3)
# No shrinking: a failing interaction costs a BOUND-second timeout, and shrinking replays
# hundreds of them (ten minutes). The assertion messages show the input instead.
EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces that have broken chat bots: invisible and direction marks, combining marks, emoji
# sequences, Discord markup, mentions, slash-command mentions, SQL and template syntax.
SPECIAL = [
    "\x00",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2069",
    "\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a" * 3,
    "🇰🇷",
    "👨\u200d👩\u200d👧\u200d👦",
    "🏳️\u200d🌈",
    "ﷺ",
    "𒐫",
    "Ⅻ",
    "½",
    "٣",
    "१९५०",
    "Ｊｕｎｅ",
    "İ",
    "ß",
    "ﬃ",
    "@everyone",
    "@here",
    "<@1>",
    "<@!1>",
    "<@&1>",
    "<#1>",
    "</ask:1>",
    "<t:0:R>",
    "**",
    "__",
    "~~",
    "||",
    "`",
    "```",
    "> ",
    "# ",
    "-# ",
    "[x](https://example.com)",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "Robert'); DROP TABLE answers;--",
    "%s%d%n",
    "{0}{name}",
    "${x}",
    "{{7*7}}",
    "June 25, 1950",
    "38th parallel",
    "korean_war/war-begins",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
ZALGO = st.text(
    st.one_of(
        st.characters(min_codepoint=0x61, max_codepoint=0x7A),
        st.characters(min_codepoint=0x300, max_codepoint=0x36F),
    ),
    min_size=1,
    max_size=200,
)
MIXED = st.lists(st.one_of(st.sampled_from(SPECIAL), TEXT), max_size=25).map("".join)
LONG = st.builds(
    lambda piece, size: (piece * (4000 // len(piece) + 1))[:size],
    st.sampled_from([*SPECIAL, "a", "war ", "x̷", "😀"]),
    st.sampled_from([301, 1000, 2001, 4000]),
)
HOSTILE = st.one_of(TEXT, ZALGO, MIXED, LONG)
#: What a Discord client sends for a required string option: at least one character.
REQUIRED = HOSTILE.filter(bool)


class Watch:
    """Collects what must never happen while hostile input is fed in."""

    def __init__(self, study: Study, caplog: pytest.LogCaptureFixture) -> None:
        self.study = study
        self.caplog = caplog
        caplog.set_level(logging.WARNING)
        self._requests = len(study.fake.requests)

    def check(self, what: str) -> None:
        fake = self.study.fake
        refused = [
            f"{r.method} {r.path} -> {r.status}"
            for r in fake.requests[self._requests :]
            if r.status >= 400 and not r.injected
        ]
        self._requests = len(fake.requests)
        loud = [f"{r.name}: {r.getMessage()}" for r in self.caplog.records]
        self.caplog.clear()
        assert not refused, f"{what}: Discord refused what the bot sent: {refused}"
        assert not loud, f"{what}: the bot logged trouble: {loud}"
        assert not fake.errors, fake.errors


async def answered(ix: InteractionHandle, what: str) -> InteractionCallback:
    """The interaction's callback, which must come within ``BOUND`` seconds and must not be
    the "something went wrong" apology (also not in a filled-in defer or a followup)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await ix.response(timeout=BOUND)
    texts = [reply.content]
    if reply.deferred:
        final = await ix.final_message(timeout=BOUND - (loop.time() - started))
        texts.append(final.content)
    texts += [m.content for m in ix.followups]
    took = loop.time() - started
    assert took <= BOUND, f"{what}: answered after {took:.2f}s"
    assert not [t for t in texts if SOMETHING_WENT_WRONG in t], f"{what}: {texts}"
    return reply


def short(text: str) -> str:
    return repr(text if len(text) < 80 else text[:60] + f"... ({len(text)} chars)")


# -- slash commands -----------------------------------------------------------------------------


@EXAMPLES
@given(question=REQUIRED)
async def test_ask_answers_anything(
    study: Study, caplog: pytest.LogCaptureFixture, question: str
) -> None:
    watch = Watch(study, caplog)
    ix = await study.fake.slash("ask", {"question": question}, user="alice")
    reply = await answered(ix, f"/ask {short(question)}")
    if reply.ephemeral:
        assert reply.content.startswith("Not in my notes"), reply.content
    else:
        assert len(reply.embeds) == 1 and reply.embeds[0]["fields"][0]["name"] == "Answer"
    watch.check(f"/ask {short(question)}")


@EXAMPLES
@given(name=REQUIRED, typed=HOSTILE)
async def test_fact_and_its_autocomplete_answer_anything(
    study: Study, caplog: pytest.LogCaptureFixture, name: str, typed: str
) -> None:
    watch = Watch(study, caplog)
    ix = await study.fake.slash("fact", {"name": name}, user="alice")
    reply = await answered(ix, f"/fact {short(name)}")
    if reply.ephemeral:
        assert reply.content.startswith("No fact matches that."), reply.content
    else:
        assert reply.embeds[0]["fields"][0]["name"] == "Answer"
        # Only a fact key, or text with something to complete, picks a fact.
        assert fold(name) or study.services.knowledge.get(name, study.fake.guild.id)
    listed = await answered(
        await study.fake.autocomplete("fact", "name", typed, user="alice"), "autocomplete"
    )
    assert listed.type == 8 and len(listed.choices) <= 25
    for choice in listed.choices:  # each one, picked, shows its fact
        assert study.services.knowledge.get(choice["value"], study.fake.guild.id) is not None
    watch.check(f"/fact {short(name)}, autocomplete {short(typed)}")


@EXAMPLES
@given(topic=REQUIRED, typed=HOSTILE)
async def test_quiz_start_topic_and_its_autocomplete_answer_anything(
    study: Study, caplog: pytest.LogCaptureFixture, topic: str, typed: str
) -> None:
    watch = Watch(study, caplog)
    fake = study.fake
    options = {"topic": topic, "mode": "buttons", "questions": 1}
    reply = await answered(
        await fake.slash("quiz start", options, user="alice", channel="quiz"),
        f"/quiz start topic:{short(topic)}",
    )
    if reply.ephemeral:
        assert reply.content.startswith(("There are no questions for", "A round is already")), (
            reply.content
        )
    else:  # a real topic: end the round again so that the next example can start one
        stop = await fake.slash("quiz stop", user="alice", channel="quiz")
        assert not (await answered(stop, "/quiz stop")).ephemeral
        await wait_for_embed(fake, "quiz", "Round stopped", since=reply.seq)
        await study.clock.settle()
    topics = study.services.knowledge.topics(fake.guild.id)
    listed = await answered(
        await fake.autocomplete("quiz start", "topic", typed, user="alice", channel="quiz"),
        "autocomplete",
    )
    assert listed.type == 8 and {c["value"] for c in listed.choices} <= set(topics)
    watch.check(f"/quiz start topic:{short(topic)}, autocomplete {short(typed)}")


@EXAMPLES
@given(name=REQUIRED, typed=HOSTILE)
async def test_deck_remove_and_its_autocomplete_answer_anything(
    study: Study, caplog: pytest.LogCaptureFixture, name: str, typed: str
) -> None:
    watch = Watch(study, caplog)
    store, guild = study.services.store, study.fake.guild.id
    if not await store.guild_decks(guild):
        added = await import_deck(study, "teacher", "biology.yaml", BIOLOGY)
        assert added.content.startswith("Added deck"), added.content
    rows = await store.guild_decks(guild)
    reply = await answered(
        await study.fake.slash("deck remove", {"name": name}, user="teacher"),
        f"/deck remove {short(name)}",
    )
    assert reply.ephemeral
    if name == "biology":
        assert reply.content.startswith("Removed deck **biology**")
    else:
        assert reply.content.startswith(("This server has no deck", '"')), reply.content
        assert await store.guild_decks(guild) == rows
    listed = await answered(
        await study.fake.autocomplete("deck remove", "name", typed, user="teacher"),
        "autocomplete",
    )
    assert {c["value"] for c in listed.choices} <= {"biology"}
    watch.check(f"/deck remove {short(name)}, autocomplete {short(typed)}")


@pytest.mark.parametrize(("command", "option"), [("quiz start", "topic"), ("deck remove", "name")])
async def test_a_refusal_quotes_a_bounded_part_of_long_input(
    study: Study, command: str, option: str
) -> None:
    typed = "no such thing " * 300
    reply = await answered(
        await study.fake.slash(command, {option: typed}, user="teacher", channel="quiz"), command
    )
    assert reply.ephemeral and len(reply.content) <= 400, len(reply.content)
    assert reply.content.endswith(("(or leave it empty).", "See /deck list."))


# -- typed answers -------------------------------------------------------------------------------


def answers_of(study: Study, member_id: int) -> list[tuple[str, int]]:
    """The member's stored answers (attempt, correct), read from the SQLite file."""
    with sqlite3.connect(study.services.settings.database_path) as db:
        rows = db.execute(
            "SELECT attempt, correct FROM answers WHERE user_id = ? ORDER BY answered_at, seq",
            (member_id,),
        ).fetchall()
    return [(str(a), int(c)) for a, c in rows]


async def stored(study: Study, member_id: int) -> list[tuple[str, int]]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BOUND
    while not (rows := answers_of(study, member_id)):
        assert loop.time() < deadline, "the answer was never recorded"
        await asyncio.sleep(0.005)
    return rows


_newcomers: Iterator[int] = itertools.count(1)


async def newcomer(study: Study) -> FakeMember:
    """A member who just joined: a fresh rate limit and five fresh tries."""
    return await study.fake.add_member(FakeMember(f"student{next(_newcomers)}"))


@EXAMPLES
@given(text=HOSTILE)
async def test_typed_answers_are_judged_whatever_they_are(
    study: Study, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    watch = Watch(study, caplog)
    fake = study.fake
    if study.bot.engine.running(fake.channel_id("quiz")) is None:
        await study.start_quiz("alice", questions=2, seconds=120, mode="typed")
    question = study.round_in().question
    assert question is not None
    member = await newcomer(study)
    message = await fake.send_message("quiz", member.name, text)
    if not text:  # Discord never delivers an empty message with content; nothing to judge
        watch.check("empty message")
        return
    rows = await stored(study, member.id)
    read = text[:MAX_INPUT_CHARS]
    right = judge(read, question.entry.fact.answers).accepted
    assert rows == [(read, int(right))], f"{short(text)} stored as {rows}"
    if right:
        await fake.wait_for_reaction(message, "✅")
    await study.clock.settle()
    assert ("✅" in message.reactions) == right
    watch.check(f"typed {short(text)}")


WRONG_WAYS = ("one more", "one less", "ten times", "a tenth", "any other")


@settings(EXAMPLES, max_examples=12)
@given(
    way=st.sampled_from(WRONG_WAYS),
    other=st.integers(0, 10**7),
    with_commas=st.booleans(),
)
async def test_a_wrong_number_is_never_right_in_a_real_round(
    study: Study, way: str, other: int, with_commas: bool
) -> None:
    fake = study.fake
    while True:  # a question whose answer has a number ("more than half" has none)
        await end_round_in_quiz(study)
        since = fake.mark()
        await study.start_quiz("alice", questions=1, seconds=60, mode="typed", topic="numbers")
        fact = study.round_in().question.entry.fact  # type: ignore[union-attr]
        if match := re.search(r"\d[\d,]*", fact.answer):
            break
    right = int(match.group().replace(",", ""))
    wrong = {
        "one more": right + 1,
        "one less": right - 1,
        "ten times": right * 10,
        "a tenth": right // 10,
        "any other": other,
    }[way]
    if wrong == right:
        wrong = right + 1 + other
    typed = fact.answer.replace(match.group(), f"{wrong:,}" if with_commas else str(wrong), 1)
    assert quantities(typed) != quantities(fact.answer)
    member = await newcomer(study)
    message = await fake.send_message("quiz", member.name, typed)
    assert await stored(study, member.id) == [(typed, 0)], f"{typed!r} for {fact.answer!r}"
    await (await fake.slash("quiz stop", user="alice", channel="quiz")).response()
    reveal = await wait_for_embed(fake, "quiz", "Answer to question 1", since=since)
    assert "Nobody got this one." in str(reveal.embeds), f"{typed!r} scored for {fact.answer!r}"
    assert "✅" not in message.reactions
    await wait_for_embed(fake, "quiz", "Round stopped", since=since)


async def end_round_in_quiz(study: Study) -> None:
    """Stop the round in #quiz, if there is one (a failed example may have left it)."""
    quiz = study.fake.channel_id("quiz")
    if study.bot.engine.running(quiz) is not None:
        await (await study.fake.slash("quiz stop", user="teacher", channel="quiz")).response()
        await study.bot.engine.wait(quiz)
    await eventually(lambda: study.bot.engine.running(quiz) is None, "the round to end")
    await study.clock.settle()
