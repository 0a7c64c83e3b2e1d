"""What the quiz engine needs from wherever the round is shown (Discord, the console, tests)."""

from __future__ import annotations

from typing import Protocol

from bot.quiz.events import AnswerJudged, HintRevealed, QuestionClosed, QuestionOpened, RoundEnded


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
