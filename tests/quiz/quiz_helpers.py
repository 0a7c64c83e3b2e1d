"""Players, a small deck and a recording transport for the quiz engine tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.deck import Deck
from bot.quiz import (
    AnswerJudged,
    HintRevealed,
    Player,
    QuestionClosed,
    QuestionOpened,
    RoundEnded,
)

ALICE = Player(1, "alice")
BOB = Player(2, "bob")
CAROL = Player(3, "carol")
TEACHER = Player(99, "ms-kim")


def make_deck(n: int = 6, name: str = "capitals") -> Deck:
    """A small deck whose answers are easy to type in tests: fact i is answered 'answer i'."""
    words = ["Paris", "Rome", "Madrid", "Berlin", "Lisbon", "Vienna", "Prague", "Oslo"]
    facts = []
    for i in range(n):
        city = words[i % len(words)]
        facts.append(
            {
                "id": f"q{i}",
                "question": f"Which city is number {i}?",
                "answer": city,
                "explanation": f"{city} is city number {i}.",
                "source": {"section": "Cities", "paragraph": i + 1},
                "topic": ["even" if i % 2 == 0 else "odd"],
                "choices": [w for w in words if w != city][:3],
            }
        )
    return Deck.model_validate(
        {"name": name, "title": "Capitals", "source": "Atlas", "facts": facts}
    )


@dataclass
class RecordingTransport:
    """Keeps every event; can be told to fail on some of them."""

    events: list[object] = field(default_factory=list)
    fail_on: set[type] = field(default_factory=set)
    notices: list[tuple[int, int, str]] = field(default_factory=list)

    async def _keep(self, event: object) -> None:
        self.events.append(event)
        if type(event) in self.fail_on:
            raise ConnectionError("the chat service is down")

    async def post_question(self, event: QuestionOpened) -> None:
        await self._keep(event)

    async def post_hint(self, event: HintRevealed) -> None:
        await self._keep(event)

    async def post_reveal(self, event: QuestionClosed) -> None:
        await self._keep(event)

    async def post_results(self, event: RoundEnded) -> None:
        await self._keep(event)

    async def acknowledge(self, event: AnswerJudged) -> None:
        await self._keep(event)

    async def post_notice(self, guild_id: int, channel_id: int, text: str) -> None:
        self.notices.append((guild_id, channel_id, text))

    def of(self, kind: type) -> list:  # type: ignore[type-arg]
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def open_question(self) -> QuestionOpened:
        return self.of(QuestionOpened)[-1]
