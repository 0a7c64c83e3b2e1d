"""Student stats and round results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_helpers import T0, Ans, Play

from bot.store import Store, UnknownRoundError

GUILD = 1


async def test_student_stats_per_topic_weakest_and_best_streak(store: Store, play: Play) -> None:
    await play(
        GUILD,
        T0,
        [
            Ans(7, True, 10, "dates", streak=1),
            Ans(7, True, 10, "dates", streak=2),
            Ans(7, True, 10, "dates", streak=3),
            Ans(7, False, 0, "people", streak=0),
            Ans(7, False, 0, "people", streak=0),
            Ans(7, True, 10, "people", streak=1),
            Ans(7, False, 0, "places", streak=0),  # one answer: too few to call it weak
            Ans(7, True, 10, "battles", streak=1),
            Ans(7, False, 0, "battles", streak=0),
            Ans(7, True, 10, "battles", streak=1),
        ],
        winner_id=7,
    )
    await play(GUILD, T0 + timedelta(hours=1), [Ans(7, True, 5, "dates", streak=2)])

    stats = await store.student_stats(GUILD, 7)
    assert stats is not None
    assert (stats.points, stats.answers, stats.correct) == (65, 11, 7)
    assert stats.accuracy == pytest.approx(7 / 11)
    assert (stats.best_streak, stats.rounds_played, stats.wins) == (3, 2, 1)
    assert stats.user_name == "user7"
    assert [(t.topic, t.answers, t.correct, t.points) for t in stats.topics] == [
        ("battles", 3, 2, 20),
        ("dates", 4, 4, 35),
        ("people", 3, 1, 10),
        ("places", 1, 0, 0),
    ]
    # Lowest accuracy first; 'dates' is perfect and 'places' has too few answers.
    assert [t.topic for t in stats.weakest] == ["people", "battles"]
    assert stats.weakest[0].accuracy == pytest.approx(1 / 3)

    fewer = await store.student_stats(GUILD, 7, weakest_min_answers=1, weakest_limit=1)
    assert fewer is not None and [t.topic for t in fewer.weakest] == ["places"]


async def test_student_without_answers_has_no_stats(store: Store, play: Play) -> None:
    assert await store.student_stats(GUILD, 7) is None
    await play(GUILD, T0, [Ans(8)])
    assert await store.student_stats(GUILD, 7) is None


async def test_stats_are_per_guild(store: Store, play: Play) -> None:
    await play(1, T0, [Ans(7, points=10, topic="dates")], winner_id=7)
    await play(2, T0, [Ans(7, False, 0, topic="maths")])
    one, two = await store.student_stats(1, 7), await store.student_stats(2, 7)
    assert one is not None and two is not None
    assert (one.points, one.wins, [t.topic for t in one.topics]) == (10, 1, ["dates"])
    assert (two.points, two.wins, [t.topic for t in two.topics]) == (0, 0, ["maths"])
    assert await store.student_stats(3, 7) is None


async def test_round_results_rank_players_and_count_only_that_round(
    store: Store, play: Play
) -> None:
    earlier = await play(GUILD, T0, [Ans(9, points=50)])
    round_id = await play(
        GUILD,
        T0 + timedelta(hours=1),
        [
            Ans(7, True, 10),
            Ans(8, True, 15),
            Ans(7, True, 10),
            Ans(8, False, 0),
            Ans(9, False, 0),
            Ans(10, True, 20),
        ],
        winner_id=7,
    )
    results = await store.round_results(round_id)
    assert results.round.id == round_id and results.round.winner_id == 7
    assert results.round.end_reason == "finished"
    assert results.round.ended_at == T0 + timedelta(hours=1, minutes=5)
    assert [(p.user_id, p.points, p.correct, p.answers) for p in results.players] == [
        (7, 20, 2, 2),
        (10, 20, 1, 1),
        (8, 15, 1, 2),
        (9, 0, 0, 1),
    ]
    assert results.players[2].accuracy == 0.5
    assert [p.user_id for p in (await store.round_results(earlier)).players] == [9]


async def test_round_results_for_an_unknown_round(store: Store) -> None:
    with pytest.raises(UnknownRoundError, match="Round 404"):
        await store.round_results(404)
