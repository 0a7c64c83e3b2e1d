"""/leaderboard, /stats and /forgetme after real rounds: the table adds up what was announced."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.e2e.conftest import Study, embed_of, fields_of, scorers_of, wait_for_embed
from tests.fakediscord import FakeMessage

pytestmark = pytest.mark.e2e

DAY = 24 * 3600.0


def table(message: FakeMessage | None) -> list[tuple[str, int, int]]:
    """``[(name, points, wins)]`` from a leaderboard embed, best first."""
    assert message is not None
    rows = embed_of(message).get("description", "")
    return [
        (name, int(points), int(wins))
        for name, points, wins in re.findall(
            r"\*\*\d+\.\*\* (.+?) — (\d+) pts · (\d+) wins? ·", rows
        )
    ]


async def leaderboard(study: Study, period: str = "all", user: str = "carol") -> FakeMessage:
    reply = await (await study.fake.slash("leaderboard", {"period": period}, user=user)).response()
    assert not reply.ephemeral and reply.message is not None
    return reply.message


async def play_buttons_question(study: Study, right: list[str], wrong: list[str]) -> Counter[str]:
    """A one-question buttons round; returns the points its reveal announced."""
    since = study.fake.mark()
    question = await study.start_quiz("bob", questions=1, seconds=20, mode="buttons")
    options = study.round_in().question.options  # type: ignore[union-attr]
    ids = question.custom_ids()
    good = options.index(study.answer_now())
    for who, option in [(w, good) for w in right] + [(w, (good + 1) % 4) for w in wrong]:
        assert (
            await (await study.fake.click(question, ids[option], user=who)).response()
        ).ephemeral
    await study.clock.advance(20)
    reveal = await wait_for_embed(study.fake, "quiz", "Answer to question 1", since=since)
    await wait_for_embed(study.fake, "quiz", "Round over!", since=since)
    return Counter(dict(scorers_of(reveal)))


async def test_leaderboard_adds_up_the_announced_points(study: Study) -> None:
    typed = await study.play_typed_round([["alice", "bob"], ["bob"]])
    buttons = await play_buttons_question(study, right=["carol"], wrong=["alice"])
    total = typed + buttons
    typed_winner = max(typed, key=lambda name: typed[name])

    rows = table(await leaderboard(study))
    assert {name: points for name, points, _ in rows} == total
    assert [points for _, points, _ in rows] == sorted(total.values(), reverse=True)
    wins = {name: w for name, _, w in rows}
    assert wins == {n: (n == typed_winner) + (n == "carol") for n in total}

    stats = await (await study.fake.slash("stats", {"member": "alice"}, user="teacher")).response()
    assert stats.ephemeral
    card = fields_of(stats.embeds[0])
    assert stats.embeds[0]["title"] == "Stats for alice"
    assert card["Points"] == str(total["alice"])
    assert card["Accuracy"] == "50% (1/2)"  # right in the typed round, wrong with the buttons
    assert card["Rounds"] == f"2 played, {int(typed_winner == 'alice')} won"
    mine = await (await study.fake.slash("stats", user="carol")).response()
    assert mine.ephemeral and fields_of(mine.embeds[0])["Points"] == str(total["carol"])


async def test_week_leaderboard_counts_only_the_last_seven_days(study: Study) -> None:
    old = await study.play_typed_round([["alice"]])
    await study.clock.advance(8 * DAY)
    recent = await study.play_typed_round([["bob"]], starter="bob")

    assert table(await leaderboard(study, "week")) == [("bob", recent["bob"], 1)]
    everyone = table(await leaderboard(study, "all"))
    assert {(n, p) for n, p, _ in everyone} == {("alice", old["alice"]), ("bob", recent["bob"])}
    heading = embed_of(await leaderboard(study, "week"))["title"]
    assert heading == "Leaderboard — last 7 days"


async def test_empty_leaderboard_and_stats_say_so(study: Study) -> None:
    empty = await leaderboard(study)
    assert "No points yet" in embed_of(empty)["description"]
    stats = await (await study.fake.slash("stats", {"member": "bob"}, user="alice")).response()
    assert stats.ephemeral and stats.content == "bob has not answered any quiz questions yet."


async def test_forgetme_deletes_only_after_the_owner_confirms(study: Study) -> None:
    fake = study.fake
    await study.play_typed_round([["alice", "bob"]])

    prompt = await (await fake.slash("forgetme", user="bob")).response()
    assert prompt.ephemeral and prompt.message is not None
    confirm = prompt.message.button("Yes, delete my records")["custom_id"]
    cancel = prompt.message.button("Cancel")["custom_id"]

    intruder = await (await fake.click(prompt.message, confirm, user="alice")).response()
    assert intruder.ephemeral and intruder.content == "This button is not for you."
    cancelled = await (await fake.click(prompt.message, cancel, user="bob")).response()
    assert cancelled.type == 7 and prompt.message.content == "Nothing was deleted."
    assert prompt.message.components == []
    assert {name for name, _, _ in table(await leaderboard(study))} == {"alice", "bob"}

    again = await (await fake.slash("forgetme", user="bob")).response()
    assert again.message is not None
    yes = again.message.button("Yes, delete my records")["custom_id"]
    done = await (await fake.click(again.message, yes, user="bob")).response()
    assert done.type == 7 and again.message.content.startswith("Done: 1 answer and all your")
    assert again.message.components == []
    assert [name for name, _, _ in table(await leaderboard(study))] == ["alice"]
    gone = await (await fake.slash("stats", {"member": "bob"}, user="alice")).response()
    assert "has not answered" in gone.content
