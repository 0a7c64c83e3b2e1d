"""How quiz events look in the terminal: the console's implementation of the transport."""

from __future__ import annotations

import string
from collections.abc import Callable

from bot.quiz import (
    AnswerJudged,
    HintRevealed,
    Mode,
    QuestionClosed,
    QuestionOpened,
    RoundEnded,
)
from bot.quiz.events import EndReason

LETTERS = string.ascii_uppercase
END_WORDS = {
    EndReason.FINISHED: "Round over!",
    EndReason.STOPPED: "Round stopped.",
    EndReason.IDLE: "Round over: nobody answered two questions in a row.",
}


class ConsoleTransport:
    """Prints each event as a line of text; 'private' messages are marked as such."""

    def __init__(self, say: Callable[[str], None], now: Callable[[], float]) -> None:
        self.say = say
        self.now = now

    async def post_question(self, event: QuestionOpened) -> None:
        seconds = round(event.closes_at - event.opened_at)
        lines = [f"Question {event.number}/{event.total} ({seconds} s): {event.fact.question}"]
        if event.mode is Mode.BUTTONS:
            lines += [f"  {LETTERS[i]}) {option}" for i, option in enumerate(event.options)]
            lines.append("  Answer with `name: A` (one try each).")
        elif event.hint:
            lines.append(f"  Hint: {event.hint}   Answer with `name: your answer`.")
        self.say("\n".join(lines))

    async def post_hint(self, event: HintRevealed) -> None:
        left = max(0, round(event.closes_at - self.now()))
        self.say(f"  Hint: {event.hint}  ({left} s left)")

    async def acknowledge(self, event: AnswerJudged) -> None:
        who = event.player.name
        if event.correct:
            extra = f", streak {event.streak}" if event.streak > 1 else ""
            self.say(f"  ✅ {who} +{event.points}{extra}")
        elif event.near_miss:
            self.say(f"  (only {who} sees this) Close — check the spelling.")
        else:
            self.say(f"  (only {who} sees this) Not quite.")

    async def post_reveal(self, event: QuestionClosed) -> None:
        fact = event.fact
        lines = [f"  The answer: {fact.answer} — {fact.explanation} (Source: {fact.source})"]
        if event.option_counts:
            counts = ", ".join(f"{opt}: {n}" for opt, n in event.option_counts)
            lines.append(f"  Picks: {counts}")
        if event.scorers:
            lines.append("  Scored: " + ", ".join(f"{p.name} +{pts}" for p, pts in event.scorers))
        else:
            lines.append("  Nobody got this one.")
        self.say("\n".join(lines))

    async def post_results(self, event: RoundEnded) -> None:
        lines = [END_WORDS[event.reason]]
        medals = ["🥇", "🥈", "🥉"]
        for medal, score in zip(medals, event.podium, strict=False):
            lines.append(f"  {medal} {score.player.name}: {score.points} points")
        for score in event.scores:
            lines.append(
                f"  {score.player.name}: {score.points} points, {score.correct}/{score.answered}"
                f" right ({score.accuracy:.0%}), best streak {score.best_streak}"
            )
        if not event.scores:
            lines.append("  Nobody played.")
        self.say("\n".join(lines))

    async def post_notice(self, guild_id: int, channel_id: int, text: str) -> None:
        self.say(text)
