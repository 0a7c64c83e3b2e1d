"""The quiz engine: runs rounds in many channels at once, on an injected clock and transport.

Each round is one asyncio task looping over its questions: open, wait for hints and the
close, reveal, pause. Answers arrive from outside (`answer`, `choose`) and are judged by the
round's state machine at once; a point is committed to the store *before* it is announced,
so a crash can lose an answer in flight but never a point anybody saw.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.knowledge import Knowledge
from bot.quiz.clock import Clock, to_datetime
from bot.quiz.errors import (
    NoQuestions,
    NoRoundRunning,
    NotAllowed,
    QuestionNotOpen,
    RoundAlreadyRunning,
)
from bot.quiz.events import (
    AnswerJudged,
    CloseReason,
    EndReason,
    Player,
    RoundEnded,
    Where,
)
from bot.quiz.ports import QuizStore, Transport
from bot.quiz.round import Round, RoundConfig, State
from bot.ratelimit import RateLimiter
from bot.store.rows import ClosedRound
from bot.store.rows import EndReason as StoreEndReason

log = logging.getLogger(__name__)
INTERRUPTED = (
    "The quiz round in this channel was interrupted (the bot restarted), so it has been "
    "stopped. Every point already awarded is kept: see /leaderboard. Start a new round with "
    "/quiz start."
)
E = TypeVar("E")
_STORE_REASON: dict[EndReason, StoreEndReason] = {
    EndReason.FINISHED: "finished",
    EndReason.STOPPED: "stopped",
    EndReason.IDLE: "idle",
}


@dataclass
class _Running:
    round: Round
    task: asyncio.Task[RoundEnded | None] | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    question_id: int | None = None
    closing: bool = False  # the question's time is up; answers are no longer taken
    saving: set[asyncio.Future[None]] = field(default_factory=set)  # answers being committed
    skip: bool = False
    end_reason: EndReason | None = None


class QuizEngine:
    """Starts, feeds, stops and reports rounds; one per channel, any number of channels."""

    def __init__(
        self,
        knowledge: Knowledge,
        store: QuizStore,
        transport: Transport,
        clock: Clock,
        rng: random.Random | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.store = store
        self.transport = transport
        self.clock = clock
        self.rng = rng or random.Random()
        self._rounds: dict[int, _Running] = {}
        # Typed answers per member and channel: a burst of 4, then 2 a second. Spam beyond
        # that is not judged at all, so it costs the spammer and nobody else.
        self.answer_limit = RateLimiter(rate=2.0, burst=4, now=clock.now)
        # Seconds each recent question closed after it was due (benchmarks, health checks).
        self.lateness: deque[float] = deque(maxlen=10_000)

    # -- starting and stopping -----------------------------------------------------------

    async def recover(self) -> list[ClosedRound]:
        """At start-up: close the rounds a crash left open and say so in their channels."""
        closed = await self.store.close_open_rounds(to_datetime(self.clock.now()))
        for c in closed:
            try:
                await self.transport.post_notice(c.guild_id, c.channel_id, INTERRUPTED)
            except Exception:
                log.exception("could not announce the interrupted round %s", c.round_id)
        return closed

    def running(self, channel_id: int) -> Round | None:
        run = self._rounds.get(channel_id)
        return run.round if run else None

    @property
    def channels(self) -> list[int]:
        return list(self._rounds)

    async def start(
        self, guild_id: int, channel_id: int, started_by: Player, config: RoundConfig
    ) -> Round:
        """Open a round in a channel; its questions follow on their own."""
        if channel_id in self._rounds:
            raise RoundAlreadyRunning()
        pool = [
            e
            for ix in self.knowledge.indexes(guild_id)
            for e in ix.select(deck=config.deck, topic=config.topic)
        ]
        if not pool:
            raise NoQuestions(config.topic, config.deck)
        entries = self.rng.sample(pool, min(config.questions, len(pool)))
        placeholder = _Running(
            Round(Where(guild_id, channel_id, 0), started_by, config, [], self.rng)
        )
        self._rounds[channel_id] = placeholder  # claim the channel before the first await
        try:
            round_id = await self.store.start_round(
                guild_id,
                channel_id,
                started_by.id,
                config.deck or ",".join(sorted({e.deck for e in entries})),
                config.topic,
                config.mode.value,
                len(entries),
                round(config.seconds),
                to_datetime(self.clock.now()),
            )
        except BaseException:
            del self._rounds[channel_id]
            raise
        where = Where(guild_id, channel_id, round_id)
        run = _Running(Round(where, started_by, config, entries, self.rng))
        self._rounds[channel_id] = run
        run.task = asyncio.create_task(self._run(run), name=f"quiz-round-{round_id}")
        run.task.add_done_callback(lambda task: self._finished(channel_id, run, task))
        return run.round

    def _check(self, channel_id: int, by: int, is_teacher: bool, action: str) -> _Running:
        run = self._rounds.get(channel_id)
        if run is None or run.task is None:
            raise NoRoundRunning()
        if by != run.round.started_by.id and not is_teacher:
            raise NotAllowed(action)
        return run

    async def stop(self, channel_id: int, by: int, is_teacher: bool) -> None:
        """End the round after revealing the open question (starter or teacher only)."""
        run = self._check(channel_id, by, is_teacher, "stop")
        run.end_reason = EndReason.STOPPED
        run.round.stop_requested = True
        run.wake.set()

    async def skip(self, channel_id: int, by: int, is_teacher: bool) -> None:
        """Reveal the open question now and go on (starter or teacher only)."""
        run = self._check(channel_id, by, is_teacher, "skip a question in")
        run.skip = True
        run.wake.set()

    def in_play(self, guild_id: int, key: str) -> bool:
        """Whether a fact is the open or a coming question of a round in this server: looking
        it up now would hand its answer round."""
        for run in self._rounds.values():
            rnd = run.round
            if rnd.where.guild_id != guild_id or rnd.state.name == "ENDED":
                continue
            first = rnd.asked - 1 if rnd.state in (State.OPEN, State.GRACE) else rnd.asked
            if any(e.key == key for e in rnd.entries[max(first, 0) :]):
                return True
        return False

    def forget(self, guild_id: int, user_id: int) -> None:
        """Drop a member from the rounds running in a server, so that a round ending after
        /forgetme does not write them back (as its winner, say)."""
        for run in self._rounds.values():
            if run.round.where.guild_id == guild_id:
                run.round.forget(user_id)

    async def shutdown(self) -> None:
        """Stop every round cleanly (the bot is going down) and wait for them to finish."""
        tasks = []
        for run in list(self._rounds.values()):
            run.end_reason = EndReason.STOPPED
            run.round.stop_requested = True
            run.wake.set()
            if run.task is not None:
                tasks.append(run.task)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def wait(self, channel_id: int) -> RoundEnded | None:
        """Wait for a channel's round to end (tests, benchmarks)."""
        run = self._rounds.get(channel_id)
        if run is None or run.task is None:
            return None
        return await asyncio.shield(run.task)

    # -- answers -------------------------------------------------------------------------

    def accepting(self, channel_id: int, mode: str | None = None) -> bool:
        """Whether the channel has a question taking answers right now (of `mode`, if given):
        false once its time is up, even while the reveal waits for the last commits."""
        run = self._rounds.get(channel_id)
        if run is None or run.question_id is None or run.closing:
            return False
        rnd = run.round
        return rnd.state in (State.OPEN, State.GRACE) and mode in (None, rnd.config.mode.value)

    async def answer(
        self, channel_id: int, player: Player, text: str, ref: object | None = None
    ) -> AnswerJudged | None:
        """A message in a channel. None when it is not an answer (no open typed question)."""
        if not self.accepting(channel_id, "typed"):
            return None
        run = self._rounds[channel_id]
        rnd = run.round
        if not self.answer_limit.allow((channel_id, player.id)):
            return None
        judged = rnd.answer(player, text, self.clock.now(), ref)
        if judged is None:
            return None
        return await self._record(run, judged)

    async def choose(
        self, channel_id: int, player: Player, number: int, option: int
    ) -> AnswerJudged:
        """A multiple-choice click for question `number` (a click on an old question fails)."""
        run = self._rounds.get(channel_id)
        if run is None or run.question_id is None:
            raise NoRoundRunning()
        rnd = run.round
        if rnd.question is None or rnd.question.number != number or run.closing:
            raise QuestionNotOpen()
        judged = rnd.choose(player, option, self.clock.now())
        return await self._record(run, judged)

    async def _record(self, run: _Running, judged: AnswerJudged) -> AnswerJudged:
        rnd = run.round
        question = rnd.question
        assert question is not None and run.question_id is not None
        now = self.clock.now()
        if judged.first:
            # The grace period starts now, when the answer is judged, not once the store has
            # caught up: wake the round so that it closes the question on time.
            run.wake.set()
        saved: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        run.saving.add(saved)
        try:
            await self.store.record_answer(
                run.question_id,
                judged.player.id,
                judged.player.name,
                judged.attempt,
                judged.correct,
                judged.points,
                max(0, round((now - question.opened_at) * 1000)),
                judged.streak,
                to_datetime(now),
            )
        except Exception:
            rnd.revoke(judged)  # never announce a point the store does not have
            raise
        finally:
            saved.set_result(None)
            run.saving.discard(saved)
        await self._send(self.transport.acknowledge, judged)
        return judged

    # -- the round loop ------------------------------------------------------------------

    async def _send(self, method: Callable[[E], Awaitable[None]], event: E) -> None:
        try:
            await method(event)
        except Exception:
            log.exception("could not show %s; the round goes on", type(event).__name__)

    async def _run(self, run: _Running) -> RoundEnded:
        try:
            return await self._play(run)
        except Exception:
            log.exception("the quiz round %s failed; ending it", run.round.where.round_id)
            return await self._abort(run)

    async def _abort(self, run: _Running) -> RoundEnded:
        """End a round that hit an error, keeping whatever the store already has."""
        rnd = run.round
        if rnd.state in (State.OPEN, State.GRACE):
            rnd.close(self.clock.now(), CloseReason.STOPPED)
        ended = rnd.finish(EndReason.STOPPED)
        try:
            winner = ended.winner
            await self.store.end_round(
                rnd.where.round_id,
                to_datetime(self.clock.now()),
                "stopped",
                winner.id if winner else None,
            )
        except Exception:
            log.exception("could not record the end of round %s", rnd.where.round_id)
        await self._send(self.transport.post_results, ended)
        return ended

    async def _play(self, run: _Running) -> RoundEnded:
        rnd = run.round
        where = rnd.where
        while rnd.has_next:
            run.skip = False
            fact = rnd.entries[rnd.asked].fact
            question_id = await self.store.open_question(
                where.round_id, rnd.asked + 1, fact.id, fact.topic[0], to_datetime(self.clock.now())
            )
            if not rnd.has_next:  # stopped while the store was busy: end_round closes it
                break
            run.question_id = question_id
            # The clock is read after the store: a busy store must not shorten the question.
            await self._send(self.transport.post_question, rnd.open(self.clock.now()))
            reason = await self._wait_question(run)
            run.closing = True
            if run.saving:  # the reveal announces points: every one of them is committed first
                await asyncio.wait(set(run.saving))
            question_id = run.question_id
            closed = rnd.close(self.clock.now(), reason)
            await self.store.close_question(question_id, to_datetime(self.clock.now()))
            run.closing = False
            await self._send(self.transport.post_reveal, closed)
            if rnd.idle:
                run.end_reason = run.end_reason or EndReason.IDLE
                break
            if rnd.has_next and rnd.config.pause > 0:
                await self.clock.wait_until(self.clock.now() + rnd.config.pause, run.wake)
                run.wake.clear()
        reason_end = run.end_reason or EndReason.FINISHED
        ended = rnd.finish(reason_end)
        winner = ended.winner
        await self.store.end_round(
            where.round_id,
            to_datetime(self.clock.now()),
            _STORE_REASON[reason_end],
            winner.id if winner else None,
        )
        await self._send(self.transport.post_results, ended)
        return ended

    async def _wait_question(self, run: _Running) -> CloseReason:
        """Show hints as they fall due; return why the question closes."""
        rnd = run.round
        while True:
            if rnd.stop_requested:
                return CloseReason.STOPPED
            if run.skip:
                run.skip = False
                return CloseReason.SKIPPED
            now = self.clock.now()
            action = rnd.due(now)
            if action == "close":
                due = rnd.next_deadline()
                self.lateness.append(max(0.0, now - due))
                return CloseReason.ANSWERED if rnd.state is State.GRACE else CloseReason.TIME
            if action == "hint":
                await self._send(self.transport.post_hint, rnd.reveal_hint())
                continue
            run.wake.clear()
            await self.clock.wait_until(rnd.next_deadline(), run.wake)

    def _finished(
        self, channel_id: int, run: _Running, task: asyncio.Task[RoundEnded | None]
    ) -> None:
        if self._rounds.get(channel_id) is run:
            del self._rounds[channel_id]
        if not task.cancelled() and task.exception() is not None:
            log.error("the quiz round in channel %s failed", channel_id, exc_info=task.exception())
