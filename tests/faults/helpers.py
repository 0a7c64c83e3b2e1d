"""Helpers for the faults suite: the bot on the real clock, wall-clock measurements of what
members notice, the leaderboard as members see it, and the right answers to type."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge import Knowledge
from bot.services import Services
from cogs.render import clean
from tests.e2e.conftest import LoopbackStudyBot
from tests.fakediscord import FakeDiscord, RecordedRequest


@dataclass
class LiveStudy:
    """A running study bot whose rounds run on the real clock, and the fake it talks to."""

    bot: LoopbackStudyBot
    fake: FakeDiscord
    services: Services


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` 0.99 for p99): a value that was measured."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def reaction_request(fake: FakeDiscord, message_id: int) -> RecordedRequest | None:
    """The bot's ``PUT .../reactions/✅/@me`` on a message, if it made one."""
    path = rf"/channels/\d+/messages/{message_id}/reactions/[^/]+/@me"
    found = [r for r in fake.requests_to("PUT", path) if r.status < 300]
    return found[0] if found else None


def callback_request(fake: FakeDiscord, interaction_id: int) -> RecordedRequest | None:
    """The bot's answer to an interaction (its ``POST /interactions/{id}/.../callback``)."""
    path = rf"/interactions/{interaction_id}/[^/]+/callback"
    found = [r for r in fake.requests_to("POST", path) if r.status < 300]
    return found[0] if found else None


LEADERBOARD_ROW = re.compile(r"\*\*\d+\.\*\* (.+?) — (\d+) pts")


def leaderboard_rows(description: str) -> dict[str, int]:
    """``{name: points}`` from a /leaderboard embed's description."""
    return {name: int(points) for name, points in LEADERBOARD_ROW.findall(description)}


async def leaderboard(fake: FakeDiscord, user: str = "carol") -> dict[str, int]:
    """The members with points on /leaderboard (all time), as a member sees it."""
    reply = await (await fake.slash("leaderboard", user=user, channel="general")).response()
    assert not reply.ephemeral and reply.embeds, reply.content
    rows = leaderboard_rows(str(reply.embeds[0].get("description", "")))
    return {name: points for name, points in rows.items() if points}


def correct_answers(knowledge: Knowledge) -> dict[str, str]:
    """Question text as the bot shows it (a question embed's description) -> the answer."""
    return {clean(f.question): f.answer for deck in knowledge.shipped for f in deck.facts}
