"""Domain errors: each carries a message a student or teacher can read and act on."""

from __future__ import annotations


def quoted(text: str, limit: int = 80) -> str:
    """What someone typed, cut short enough that the advice after it is still read."""
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


class StudyBotError(Exception):
    """Base class for every error the study bot reports to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DeckError(StudyBotError):
    """A deck file could not be loaded. `problems` lists each problem on its own line."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{path}: {len(problems)} {noun}, so the deck was not loaded:\n{lines}")
