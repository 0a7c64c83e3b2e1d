"""7. End to end: the real bot (`run_bot.py`, a separate process) against the loopback
Discord running here, `/ask` sent at a fixed rate (open loop) from the class's members.

Latency is from just before the fake builds and dispatches INTERACTION_CREATE to the moment
the fake receives the bot's interaction callback (the request's arrival time the fake
records); an interaction with no callback 10 s after the load ends is dropped. Phase one:
the bot idle otherwise. Phase two: the same load while a typed quiz round runs in #quiz and
50 members answer in it (MESSAGE_CREATEs, one every 1-3 s each, right about a third of the
time once the question is known); their answers' ✅ reactions are timed too (informational).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.botproc import BotProcess
from bench.report import ROOT, Bar, Row
from bench.scale import Scale
from bench.stats import Latency, LoopLag, cpu_seconds, fmt_ms
from bench.synth import make_queries
from bot.cli import load_knowledge
from cogs.render import clean
from tests.fakediscord import FakeDiscord, FakeMember, FakeWorld

AREA = "e2e"
P99_MS = 25.0
CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback")
REACTION = re.compile(r"/channels/\d+/messages/(\d+)/reactions/.+/@me")
GRACE_S = 10.0  # how long after the load a callback may still arrive
RIGHT = 0.35


@dataclass
class AskLoad:
    """Interactions sent (id -> monotonic send time) and what came back."""

    sent: dict[int, float] = field(default_factory=dict)
    seconds: list[float] = field(default_factory=list)
    dropped: int = 0
    failed: int = 0  # callbacks the fake refused (4xx)
    bot_cpu_s: float = math.nan  # CPU the bot process used during the load
    fake_lag: Latency | None = None  # how late the fake's own event loop ran


async def measured_load(
    bot: BotProcess,
    fake: FakeDiscord,
    scale: Scale,
    questions: list[str],
    users: list[str],
) -> AskLoad:
    """`ask_load`, noting the bot's CPU time and the fake's event-loop lag meanwhile."""
    cpu = cpu_seconds(bot.proc.pid)
    async with LoopLag() as lag:
        load = await ask_load(fake, scale.e2e_rate, scale.e2e_seconds, questions, users)
    load.bot_cpu_s = cpu_seconds(bot.proc.pid) - cpu
    load.fake_lag = Latency.of(lag.seconds)
    return load


@dataclass
class Typing:
    """Quiz answers typed by members: message id -> (sent at, was it the right answer)."""

    sent: dict[int, tuple[float, bool]] = field(default_factory=dict)
    reacted: list[float] = field(default_factory=list)


def _world(members: int) -> FakeWorld:
    """The default class guild, with students added up to `members` (alice, bob, carol...)."""
    world = FakeWorld.default()
    guild = world.guilds[0]
    for i in range(members - 3):
        guild.add_member(FakeMember(f"student{i:02d}"))
    return world


async def ask_load(
    fake: FakeDiscord, rate: int, seconds: float, questions: list[str], users: list[str]
) -> AskLoad:
    """Send /ask at `rate` per second for `seconds`, then collect the callbacks."""
    load = AskLoad()
    tasks: set[asyncio.Task[None]] = set()

    async def send(i: int) -> None:
        start = time.monotonic()
        handle = await fake.slash(
            "ask", {"question": questions[i % len(questions)]}, user=users[i % len(users)],
            channel="general",
        )  # fmt: skip
        load.sent[handle.id] = start

    begin = time.monotonic()
    count = 0
    while (now := time.monotonic()) < begin + seconds:
        for _ in range(int((now - begin) * rate) - count):
            task = asyncio.create_task(send(count))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            count += 1
        await asyncio.sleep(0.002)
    if tasks:
        await asyncio.wait(tasks)
    with contextlib.suppress(TimeoutError):
        await fake.state.wait_until(
            lambda: True if _all_answered(fake, load) else None, GRACE_S, "every callback"
        )
    arrived: dict[int, tuple[float, int]] = {}
    for r in fake.requests:
        if r.method == "POST" and (m := CALLBACK.fullmatch(r.path)):
            arrived.setdefault(int(m.group(1)), (r.timestamp, r.status))
    for iid, start in load.sent.items():
        if iid not in arrived:
            load.dropped += 1
            continue
        at, status = arrived[iid]
        load.failed += status >= 400
        load.seconds.append(at - start)
    return load


def _all_answered(fake: FakeDiscord, load: AskLoad) -> bool:
    return all(fake.state.interactions[i].callbacks for i in load.sent)


class QuestionWatcher:
    """Follows the bot's messages in #quiz: the open question's answer, or None."""

    def __init__(self, fake: FakeDiscord, channel_id: int, answers: dict[str, str]) -> None:
        self.fake = fake
        self.path = f"/channels/{channel_id}/messages"
        self.answers = answers
        self.seen = 0
        self.answer: str | None = None
        self.questions = 0

    def current(self) -> str | None:
        requests = self.fake.requests
        for r in requests[self.seen :]:
            if r.method != "POST" or r.path != self.path or not isinstance(r.json, dict):
                continue
            for embed in r.json.get("embeds") or []:
                title = str(embed.get("title", ""))
                if title.startswith("Question "):
                    self.answer = self.answers.get(str(embed.get("description", "")))
                    self.questions += 1
                elif title.startswith("Answer to question"):
                    self.answer = None
        self.seen = len(requests)
        return self.answer


async def members_typing(
    fake: FakeDiscord, members: list[str], seconds: float, watcher: QuestionWatcher
) -> Typing:
    """Each member types an answer every 1-3 s: right about a third of the time when the
    question is known, otherwise a wrong one."""
    typing = Typing()
    rng = random.Random(12)
    wrong = ["1953", "Seoul", "the Yalu", "MacArthur", "38th parallel", "1945", "Truman"]
    end = time.monotonic() + seconds

    async def member(name: str) -> None:
        at = time.monotonic() + rng.uniform(0.0, min(2.0, seconds / 2))
        while at < end:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            at += rng.uniform(1.0, 3.0)
            answer = watcher.current()
            right = answer is not None and rng.random() < RIGHT
            text = answer if right and answer else rng.choice(wrong)
            start = time.monotonic()
            message = await fake.send_message("quiz", name, text)
            typing.sent[message.id] = (start, right)

    await asyncio.gather(*(member(m) for m in members))
    await asyncio.sleep(0.5)  # the last ✅ reactions
    for r in fake.requests:
        if r.method == "PUT" and (m := REACTION.fullmatch(r.path)):
            sent = typing.sent.get(int(m.group(1)))
            if sent is not None:
                typing.reacted.append(r.timestamp - sent[0])
    return typing


def _ask_rows(phase: str, load: AskLoad, rate: int, seconds: float) -> list[Row]:
    lat = Latency.of(load.seconds)
    per_ask_ms = 1000 * load.bot_cpu_s / max(1, len(load.sent))
    fake_lag = load.fake_lag.p99 if load.fake_lag else math.nan
    return [
        Row(
            AREA,
            f"/ask latency, {phase} ({rate}/s for {seconds:g} s)",
            lat.p99,
            f"p99 {fmt_ms(lat.p99)} ms (p50 {fmt_ms(lat.p50)}, max {fmt_ms(lat.max)})",
            Bar("<=", P99_MS, " ms"),
            f"{len(load.sent):,} sent; bot CPU {per_ask_ms:.1f} ms per /ask; "
            f"fake's loop lag p99 {fmt_ms(fake_lag)} ms",
            {
                "latency_ms": vars(lat),
                "bot_cpu_s": load.bot_cpu_s,
                "fake_loop_lag_ms": vars(load.fake_lag) if load.fake_lag else None,
            },
        ),
        Row(
            AREA,
            f"/ask dropped, {phase}",
            float(load.dropped + load.failed),
            f"{load.dropped} dropped, {load.failed} refused of {len(load.sent):,}",
            Bar("<=", 0, ""),
        ),
    ]


async def measure(scale: Scale) -> list[Row]:
    knowledge = load_knowledge(ROOT / "data" / "decks")
    decks = knowledge.shipped
    questions = [q.text for d in decks for q in make_queries(d, 400, seed=13)]
    answers = {clean(f.question): f.answer for d in decks for f in d.facts}
    world = _world(scale.e2e_members)
    guild = world.guilds[0]
    members = [m.name for m in guild.humans if not m.owner][: scale.e2e_members]
    async with FakeDiscord(world) as fake:
        with tempfile.TemporaryDirectory() as tmp:
            bot = await BotProcess.start(fake, Path(tmp) / "bot.db")
            try:
                await bot.wait_ready()
                idle = await measured_load(bot, fake, scale, questions, members)
                start = await fake.slash(
                    "quiz start", {"questions": 50, "seconds": 20, "mode": "typed"},
                    user=guild.owner, channel="quiz",
                )  # fmt: skip
                await start.response(timeout=10)
                watcher = QuestionWatcher(fake, fake.channel_id("quiz"), answers)
                busy, typed = await asyncio.gather(
                    measured_load(bot, fake, scale, questions, members),
                    members_typing(fake, members, scale.e2e_seconds, watcher),
                )
                stop = await fake.slash("quiz stop", user=guild.owner, channel="quiz")
                await stop.response(timeout=10)
            finally:
                await bot.stop()
        problems = len(fake.errors) + len(fake.unknown_requests)
    rows = _ask_rows("idle bot", idle, scale.e2e_rate, scale.e2e_seconds)
    rows += _ask_rows(
        f"typed round + {len(members)} members answering",
        busy,
        scale.e2e_rate,
        scale.e2e_seconds,
    )
    react = Latency.of(typed.reacted)
    right = sum(ok for _, ok in typed.sent.values())
    rows.append(
        Row(
            AREA,
            "typed answer -> ✅ reaction (during the round)",
            react.p99,
            f"p99 {fmt_ms(react.p99)} ms (p50 {fmt_ms(react.p50)})",
            None,
            f"{len(typed.sent):,} answers typed, {right} right, {react.n} ✅; "
            f"{watcher.questions} questions; fake errors/unknown routes {problems}",
            {"latency_ms": vars(react), "fake_problems": problems},
        )
    )
    return rows


def run(scale: Scale) -> list[Row]:
    return asyncio.run(measure(scale))
