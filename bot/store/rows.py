"""Frozen value objects returned by (and handed to) the store. No SQL here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto
from typing import Final, Literal, get_args

Period = Literal["all", "week"]
EndReason = Literal["finished", "stopped", "idle", "crashed"]
END_REASONS: Final[frozenset[str]] = frozenset(get_args(EndReason))

DEFAULT_SECONDS: Final = 20
DEFAULT_QUESTIONS: Final = 10


def ratio(correct: int, answers: int) -> float:
    """Accuracy in 0..1; 0.0 when there are no answers yet."""
    return correct / answers if answers else 0.0


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    guild_id: int
    channel_id: int
    started_by: int
    deck: str
    topic: str | None
    mode: str
    question_count: int
    seconds: int
    started_at: datetime
    ended_at: datetime | None
    end_reason: EndReason | None
    winner_id: int | None


@dataclass(frozen=True, slots=True)
class ClosedRound:
    """A round that was still open at start-up and has now been closed as 'stopped'."""

    round_id: int
    guild_id: int
    channel_id: int


@dataclass(frozen=True, slots=True)
class NewAnswer:
    """One answer to record; guild, round and topic come from the question."""

    question_id: int
    user_id: int
    user_name: str
    attempt: str
    correct: bool
    points: int
    response_ms: int
    streak: int
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    user_id: int
    user_name: str
    points: int
    answers: int
    correct: int
    wins: int
    rounds_played: int

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.answers)


@dataclass(frozen=True, slots=True)
class TopicStats:
    topic: str
    answers: int
    correct: int
    points: int

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.answers)


@dataclass(frozen=True, slots=True)
class StudentStats:
    guild_id: int
    user_id: int
    user_name: str
    points: int
    answers: int
    correct: int
    best_streak: int
    rounds_played: int
    wins: int
    topics: tuple[TopicStats, ...]
    """Every topic the student has answered, by name."""
    weakest: tuple[TopicStats, ...]
    """Lowest accuracy first; only topics with enough answers and not yet perfect."""

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.answers)


@dataclass(frozen=True, slots=True)
class PlayerResult:
    user_id: int
    user_name: str
    points: int
    correct: int
    answers: int

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.answers)


@dataclass(frozen=True, slots=True)
class RoundResults:
    round: RoundRow
    players: tuple[PlayerResult, ...]
    """Best first: points, then correct answers, then user id."""


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    teacher_role_id: int | None = None
    default_seconds: int = DEFAULT_SECONDS
    default_questions: int = DEFAULT_QUESTIONS
    hints_enabled: bool = True


@dataclass(frozen=True, slots=True)
class GuildDeckRow:
    guild_id: int
    name: str
    yaml_text: str
    fact_count: int
    added_by: int
    added_at: datetime


class Unset(Enum):
    """Type of UNSET."""

    UNSET = auto()


UNSET: Final = Unset.UNSET
"""Default of update_settings' keywords: 'leave this as it is' (None means 'clear')."""


@dataclass(frozen=True, slots=True)
class Diagnostics:
    schema_version: int
    journal_mode: str
    foreign_keys: bool
    synchronous: str
    busy_timeout_ms: int
