"""One round's state machine: pure, synchronous and clock-free (times are passed in).

States and the moves between them:

    READY --open()--> OPEN --(first correct, typed)--> GRACE --close()--> REVEALED
                        |                                                   |
                        +--------------------close()------------------------+
    REVEALED --open()--> OPEN ...        any state --finish()--> ENDED

Every move checks that it is allowed and raises a domain error when it is not, so the
async engine around it (bot/quiz/engine.py) can stay a thin loop of waits and sends.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum, auto

from bot.judge import judge
from bot.lookup import Entry
from bot.quiz.errors import AlreadyAnswered, QuestionNotOpen
from bot.quiz.events import (
    AnswerJudged,
    CloseReason,
    EndReason,
    HintRevealed,
    Mode,
    Player,
    PlayerScore,
    QuestionClosed,
    QuestionOpened,
    RoundEnded,
    Where,
)
from bot.quiz.scoring import Scoring, hint_text

IDLE_QUESTIONS = 2  # questions in a row with no answer at all end the round
MAX_ATTEMPTS = 5  # typed answers one player may give to one question


class State(Enum):
    READY = auto()
    OPEN = auto()
    GRACE = auto()
    REVEALED = auto()
    ENDED = auto()


@dataclass(frozen=True)
class RoundConfig:
    questions: int = 10
    seconds: float = 20
    mode: Mode = Mode.TYPED
    topic: str | None = None
    deck: str | None = None
    hints: int = 2  # typed mode: hints shown at 1/3 and 2/3 of the time; 0 for none
    grace: float = 3.0  # typed mode: seconds later correct answers still count after the first
    pause: float = 3.0  # seconds between a reveal and the next question


@dataclass
class _Tally:
    player: Player
    points: int = 0
    correct: int = 0
    answered: int = 0
    streak: int = 0
    best_streak: int = 0


@dataclass
class _Question:
    number: int
    entry: Entry
    opened_at: float
    closes_at: float
    options: tuple[str, ...]
    hints_shown: int = 0
    grace_until: float | None = None
    attempts: Counter[int] = field(default_factory=Counter)
    correct_ids: list[int] = field(default_factory=list)
    scorers: list[tuple[Player, int]] = field(default_factory=list)
    picks: dict[int, int] = field(default_factory=dict)  # buttons: player id -> option


class Round:
    """The state of one round in one channel."""

    def __init__(
        self,
        where: Where,
        started_by: Player,
        config: RoundConfig,
        entries: list[Entry],
        rng: random.Random,
        scoring: Scoring | None = None,
    ) -> None:
        self.where = where
        self.started_by = started_by
        self.config = config
        self.entries = entries
        self.scoring = scoring or Scoring()
        self._rng = rng
        self.state = State.READY
        self.question: _Question | None = None
        self.asked = 0
        self.idle_streak = 0
        self.tallies: dict[int, _Tally] = {}
        self.stop_requested = False

    # -- what the engine asks ------------------------------------------------------------

    @property
    def has_next(self) -> bool:
        return self.asked < len(self.entries) and not self.stop_requested

    @property
    def idle(self) -> bool:
        return self.idle_streak >= IDLE_QUESTIONS

    def hint_times(self) -> list[float]:
        q = self._current()
        if self.config.mode is not Mode.TYPED or not self.config.hints:
            return []
        step = (q.closes_at - q.opened_at) / (self.config.hints + 1)
        return [q.opened_at + step * (i + 1) for i in range(self.config.hints)]

    def next_deadline(self) -> float:
        """When the engine must next act on the open question (hint or close)."""
        q = self._current()
        if self.state is State.GRACE and q.grace_until is not None:
            return min(q.closes_at, q.grace_until)  # no hints once somebody is right
        return min([q.closes_at, *self.hint_times()[q.hints_shown :]])

    def due(self, now: float) -> str | None:
        """'close', 'hint' or None: what the open question needs at this time."""
        q = self._current()
        if self.state is State.GRACE and q.grace_until is not None and now >= q.grace_until:
            return "close"
        if now >= q.closes_at:
            return "close"
        pending = self.hint_times()[q.hints_shown :]
        if pending and now >= pending[0] and self.state is State.OPEN:
            return "hint"
        return None

    # -- moves ---------------------------------------------------------------------------

    def open(self, now: float) -> QuestionOpened:
        if self.state not in (State.READY, State.REVEALED) or not self.has_next:
            raise QuestionNotOpen()
        entry = self.entries[self.asked]
        self.asked += 1
        options: tuple[str, ...] = ()
        if self.config.mode is Mode.BUTTONS:
            pool = [entry.fact.answer, *entry.fact.choices]
            self._rng.shuffle(pool)
            options = tuple(pool)
        self.question = _Question(self.asked, entry, now, now + self.config.seconds, options)
        self.state = State.OPEN
        hint = hint_text(entry.fact.answer, 0, self.config.hints)
        return QuestionOpened(
            self.where,
            self.asked,
            len(self.entries),
            entry.fact,
            entry.deck,
            self.config.mode,
            now,
            now + self.config.seconds,
            options,
            hint if self.config.mode is Mode.TYPED and self.config.hints else None,
        )

    def reveal_hint(self) -> HintRevealed:
        q = self._current()
        if self.state is not State.OPEN or q.hints_shown >= self.config.hints:
            raise QuestionNotOpen()
        q.hints_shown += 1
        text = hint_text(q.entry.fact.answer, q.hints_shown, self.config.hints)
        return HintRevealed(self.where, q.number, text, q.hints_shown, q.closes_at)

    def answer(
        self, player: Player, attempt: str, now: float, ref: object | None = None
    ) -> AnswerJudged | None:
        """A typed answer. None when it is not taken at all (too many tries, already right)."""
        q = self._current()
        if self.state not in (State.OPEN, State.GRACE) or self.config.mode is not Mode.TYPED:
            raise QuestionNotOpen()
        if player.id in q.correct_ids or q.attempts[player.id] >= MAX_ATTEMPTS:
            return None
        q.attempts[player.id] += 1
        tally = self._tally(player)
        if q.attempts[player.id] == 1:
            tally.answered += 1
        verdict = judge(attempt, q.entry.fact.answers)
        if not verdict.accepted:
            return AnswerJudged(
                self.where, q.number, player, attempt, False, 0, tally.streak, False,
                verdict.near_miss, ref,
            )  # fmt: skip
        first = not q.correct_ids
        return self._award(q, tally, attempt, now, first, ref)

    def choose(self, player: Player, option: int, now: float) -> AnswerJudged:
        """A multiple-choice pick: once per player per question."""
        q = self._current()
        if self.state is not State.OPEN or self.config.mode is not Mode.BUTTONS:
            raise QuestionNotOpen()
        if not 0 <= option < len(q.options):
            raise QuestionNotOpen()
        if player.id in q.picks:
            raise AlreadyAnswered()
        q.picks[player.id] = option
        tally = self._tally(player)
        tally.answered += 1
        attempt = q.options[option]
        if attempt != q.entry.fact.answer:
            return AnswerJudged(
                self.where, q.number, player, attempt, False, 0, tally.streak, False, False
            )
        return self._award(q, tally, attempt, now, first=True, ref=None)

    def revoke(self, judged: AnswerJudged) -> None:
        """Undo an answer the store could not record: no unrecorded point is announced, and
        the player may simply try again (if its question is still open)."""
        pid = judged.player.id
        tally = self.tallies.get(pid)
        if tally is None:
            return
        q = self.question
        same = q is not None and q.number == judged.number
        if judged.correct:
            tally.points -= judged.points
            tally.correct -= 1
            tally.streak = max(tally.streak - 1, 0)
        if not same or q is None:
            return  # the question closed meanwhile; its reveal already went out
        if self.config.mode is Mode.BUTTONS:
            q.picks.pop(pid, None)
            tally.answered -= 1
        else:
            q.attempts[pid] -= 1
            if q.attempts[pid] <= 0:
                del q.attempts[pid]
                tally.answered -= 1
        if judged.correct:
            if pid in q.correct_ids:
                q.correct_ids.remove(pid)
            q.scorers = [(p, pts) for p, pts in q.scorers if p.id != pid]
            if not q.correct_ids and self.state is State.GRACE:
                self.state, q.grace_until = State.OPEN, None

    def close(self, now: float, reason: CloseReason) -> QuestionClosed:
        q = self._current()
        if self.state not in (State.OPEN, State.GRACE):
            raise QuestionNotOpen()
        self.state = State.REVEALED
        for tally in self.tallies.values():
            if tally.player.id not in q.correct_ids:
                tally.streak = 0
        answered = bool(q.attempts) or bool(q.picks)
        self.idle_streak = 0 if answered else self.idle_streak + 1
        counts: tuple[tuple[str, int], ...] = ()
        if self.config.mode is Mode.BUTTONS:
            picked = Counter(q.picks.values())
            counts = tuple((opt, picked[i]) for i, opt in enumerate(q.options))
        last = not self.has_next or self.idle
        return QuestionClosed(
            self.where, q.number, len(self.entries), q.entry.fact, reason,
            tuple(q.scorers), counts, last,
        )  # fmt: skip

    def forget(self, player_id: int) -> None:
        """Drop everything this round holds about a player (they asked to be forgotten)."""
        self.tallies.pop(player_id, None)
        q = self.question
        if q is not None:
            q.attempts.pop(player_id, None)
            q.picks.pop(player_id, None)
            if player_id in q.correct_ids:
                q.correct_ids.remove(player_id)
            q.scorers = [(p, pts) for p, pts in q.scorers if p.id != player_id]

    def finish(self, reason: EndReason) -> RoundEnded:
        if self.state in (State.OPEN, State.GRACE):
            raise QuestionNotOpen()  # close the open question first
        self.state = State.ENDED
        scores = sorted(
            (
                PlayerScore(t.player, t.points, t.correct, t.answered, t.best_streak)
                for t in self.tallies.values()
            ),
            key=lambda s: (-s.points, -s.correct, s.player.id),
        )
        return RoundEnded(self.where, reason, self.asked, tuple(scores))

    # -- internals -----------------------------------------------------------------------

    def _current(self) -> _Question:
        if self.question is None:
            raise QuestionNotOpen()
        return self.question

    def _tally(self, player: Player) -> _Tally:
        tally = self.tallies.get(player.id)
        if tally is None:
            tally = self.tallies[player.id] = _Tally(player)
        tally.player = player  # keep the latest display name
        return tally

    def _award(
        self, q: _Question, tally: _Tally, attempt: str, now: float, first: bool, ref: object
    ) -> AnswerJudged:
        tally.streak += 1
        tally.best_streak = max(tally.best_streak, tally.streak)
        points = self.scoring.points(
            elapsed=now - q.opened_at,
            duration=q.closes_at - q.opened_at,
            hints=q.hints_shown,
            first=first,
            streak=tally.streak,
        )
        tally.points += points
        tally.correct += 1
        q.correct_ids.append(tally.player.id)
        q.scorers.append((tally.player, points))
        if first and self.config.mode is Mode.TYPED:
            self.state = State.GRACE
            q.grace_until = min(now + self.config.grace, q.closes_at)
        return AnswerJudged(
            self.where, q.number, tally.player, attempt, True, points, tally.streak, first,
            False, ref,
        )  # fmt: skip
