"""The quiz engine's domain events: what happened in a round, for a transport to show."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.deck import Fact


class Mode(StrEnum):
    TYPED = "typed"
    BUTTONS = "buttons"


class CloseReason(StrEnum):
    TIME = "time"  # the clock ran out
    ANSWERED = "answered"  # the first correct answer and its grace period
    SKIPPED = "skipped"
    STOPPED = "stopped"


class EndReason(StrEnum):
    FINISHED = "finished"  # after the last question
    STOPPED = "stopped"  # /quiz stop, shutdown
    IDLE = "idle"  # two questions in a row with no answer at all


@dataclass(frozen=True)
class Player:
    id: int
    name: str


@dataclass(frozen=True)
class Where:
    """The round an event belongs to."""

    guild_id: int
    channel_id: int
    round_id: int


@dataclass(frozen=True)
class QuestionOpened:
    where: Where
    number: int  # 1-based
    total: int
    fact: Fact
    deck: str
    mode: Mode
    opened_at: float  # Unix seconds
    closes_at: float
    options: tuple[str, ...] = ()  # buttons mode: the four choices, shuffled
    hint: str | None = None  # typed mode: the answer's shape with every letter hidden


@dataclass(frozen=True)
class HintRevealed:
    where: Where
    number: int
    hint: str
    hints_shown: int
    closes_at: float


@dataclass(frozen=True)
class AnswerJudged:
    """One judged answer. Points are final: the store has committed them before this is sent."""

    where: Where
    number: int
    player: Player
    attempt: str
    correct: bool
    points: int
    streak: int  # correct questions in a row, this one included
    first: bool  # the first correct answer to this question
    near_miss: bool  # wrong, but a spelling away: tell the player privately
    ref: object | None = None  # the transport's handle on the answer (e.g. a message)


@dataclass(frozen=True)
class QuestionClosed:
    where: Where
    number: int
    total: int
    fact: Fact
    reason: CloseReason
    scorers: tuple[tuple[Player, int], ...]  # who got it right, in order, with points
    option_counts: tuple[tuple[str, int], ...] = ()  # buttons mode: picks per option
    last: bool = False  # no question follows


@dataclass(frozen=True)
class PlayerScore:
    player: Player
    points: int
    correct: int
    answered: int  # questions this player answered at all
    best_streak: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class RoundEnded:
    where: Where
    reason: EndReason
    questions_asked: int
    scores: tuple[PlayerScore, ...]  # best first

    @property
    def podium(self) -> tuple[PlayerScore, ...]:
        return tuple(s for s in self.scores[:3] if s.points > 0)

    @property
    def winner(self) -> Player | None:
        podium = self.podium
        return podium[0].player if podium else None
