"""What the quiz engine needs from outside: a transport that shows rounds (Discord, the
console, tests) and a store that keeps them (bot.store.Store)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.quiz.events import AnswerJudged, HintRevealed, QuestionClosed, QuestionOpened, RoundEnded
from bot.store.rows import ClosedRound
from bot.store.rows import EndReason as StoreEndReason


class Transport(Protocol):
    """Shows a round's events. Any of these may raise; the engine logs it and goes on."""

    async def post_question(self, event: QuestionOpened) -> None: ...

    async def post_hint(self, event: HintRevealed) -> None: ...

    async def post_reveal(self, event: QuestionClosed) -> None: ...

    async def post_results(self, event: RoundEnded) -> None: ...

    async def acknowledge(self, event: AnswerJudged) -> None:
        """Tell the player (privately where possible) how their answer went."""
        ...

    async def post_notice(self, guild_id: int, channel_id: int, text: str) -> None:
        """A message outside any round, e.g. 'the round here was interrupted'."""
        ...


class QuizStore(Protocol):
    """The store methods the engine uses (bot.store.Store has them)."""

    async def start_round(
        self,
        guild_id: int,
        channel_id: int,
        started_by: int,
        deck: str,
        topic: str | None,
        mode: str,
        question_count: int,
        seconds: int,
        started_at: datetime,
    ) -> int: ...

    async def open_question(
        self, round_id: int, position: int, fact_id: str, topic: str, opened_at: datetime
    ) -> int: ...

    async def record_answer(
        self,
        question_id: int,
        user_id: int,
        user_name: str,
        attempt: str,
        correct: bool,
        points: int,
        response_ms: int,
        streak: int,
        answered_at: datetime,
    ) -> None: ...

    async def close_question(self, question_id: int, closed_at: datetime) -> None: ...

    async def close_open_rounds(self, now: datetime) -> list[ClosedRound]: ...

    async def end_round(
        self, round_id: int, ended_at: datetime, reason: StoreEndReason, winner_id: int | None
    ) -> None: ...
