"""Points and hints: the rules of the game, as pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Scoring:
    """How many points an answer is worth. The README explains these to teachers."""

    max_points: int = 100  # a correct answer at the first instant
    min_points: int = 50  # a correct answer at the last instant
    hint_cost: float = 0.2  # each hint shown takes this share off
    later_share: float = 0.5  # correct, but not first (typed mode)
    streak_step: int = 10  # bonus per earlier correct question in a row
    streak_cap: int = 30

    def speed_points(self, elapsed: float, duration: float) -> int:
        left = min(max(1.0 - elapsed / duration, 0.0), 1.0) if duration > 0 else 0.0
        return round(self.min_points + (self.max_points - self.min_points) * left)

    def points(
        self, *, elapsed: float, duration: float, hints: int, first: bool, streak: int
    ) -> int:
        """Points for a correct answer; `streak` counts this question."""
        base = self.speed_points(elapsed, duration) * max(0.0, 1.0 - self.hint_cost * hints)
        if not first:
            base *= self.later_share
        bonus = min(self.streak_step * max(streak - 1, 0), self.streak_cap)
        return round(base) + bonus


def hint_text(answer: str, level: int, levels: int) -> str:
    """The answer with letters hidden: level 0 hides all, each level shows more.

    Letters are shown from the start of each word; digits are shown one per level and never
    all of them, so that a number is never given away.
    """
    shown_share = level / (levels + 1)
    out: list[str] = []
    digits_total = sum(c.isdigit() for c in answer)
    digits_left = min(level, max(digits_total - 1, 0))
    for word in answer.split(" "):
        letters = [c for c in word if c.isalpha()]
        show = math.ceil(len(letters) * shown_share) if level else 0
        chars = []
        for c in word:
            if c.isalpha():
                chars.append(c if show > 0 else "_")
                show -= 1
            elif c.isdigit():
                chars.append(c if digits_left > 0 else "#")
                digits_left -= 1
            else:
                chars.append(c)
        out.append("".join(chars))
    return " ".join(out)
