"""What can go wrong in a quiz, in words a student or teacher can act on."""

from __future__ import annotations

from bot.errors import StudyBotError, quoted


class QuizError(StudyBotError):
    """Base class of the quiz engine's refusals."""


class RoundAlreadyRunning(QuizError):
    def __init__(self) -> None:
        super().__init__(
            "A round is already running in this channel. Wait for it to end, or ask the "
            "person who started it (or a teacher) to use /quiz stop."
        )


class NoRoundRunning(QuizError):
    def __init__(self) -> None:
        super().__init__("There is no round running in this channel. Start one with /quiz start.")


class NotAllowed(QuizError):
    def __init__(self, action: str) -> None:
        super().__init__(f"Only the student who started this round or a teacher can {action} it.")


class NoQuestions(QuizError):
    def __init__(self, topic: str | None, deck: str | None) -> None:
        what = f"topic {quoted(topic)}" if topic else "these decks"
        if deck:
            what += f" in deck {quoted(deck)}"
        super().__init__(
            f"There are no questions for {what}. Pick another topic (or leave it empty)."
        )


class AlreadyAnswered(QuizError):
    def __init__(self) -> None:
        super().__init__("You have already answered this question. Wait for the next one!")


class QuestionNotOpen(QuizError):
    def __init__(self) -> None:
        super().__init__("This question is closed. Wait for the next one!")


class InPlay(QuizError):
    def __init__(self) -> None:
        super().__init__(
            "That one is a question in the quiz running now, so no peeking! Ask me again "
            "after the round."
        )
