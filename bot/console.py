"""The local console: the bot's commands in a terminal, for trying a deck without Discord.

One terminal stands for one class channel. The person at the keyboard is the teacher; other
players are typed as `name: answer`, so one person can try a multi-player round.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import TextIO

from bot.config import Settings
from bot.console_transport import LETTERS, ConsoleTransport
from bot.errors import StudyBotError
from bot.knowledge import Knowledge
from bot.quiz import Clock, Mode, Player, QuizEngine, RealClock, RoundConfig
from bot.quiz.clock import to_datetime
from bot.store import Store

GUILD, CHANNEL = 0, 0
TEACHER = Player(1, "teacher")
HELP = """Commands:
  /ask QUESTION                 answer a question from the reading (a plain line works too)
  /fact NAME                    the fact card whose question starts with NAME
  /quiz start [questions:N] [seconds:S] [mode:typed|buttons] [topic:T]
  /quiz stop | /quiz skip       end the round, or reveal this question and go on
  name: ANSWER                  answer as player `name` during a round (buttons: name: B)
  /leaderboard [period:all|week]
  /stats NAME
  /topics                       the topics you can quiz on
  /help                         this list
  /quit                         leave (Ctrl-D works too)"""


def player(name: str) -> Player:
    """A console player: the same name is the same player in every session."""
    clean = name.strip()[:32] or "player"
    return Player(zlib.crc32(clean.casefold().encode()) + 1000, clean)


def parse_options(text: str) -> dict[str, str]:
    """'questions:5 mode:typed' -> {'questions': '5', 'mode': 'typed'}."""
    options: dict[str, str] = {}
    for token in text.split():
        key, sep, value = token.partition(":")
        if not sep or not value:
            raise StudyBotError(
                f'"{token}" is not an option; write it as name:value, e.g. seconds:20'
            )
        options[key.casefold()] = value
    return options


def _int_option(options: dict[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = options.pop(key, None)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise StudyBotError(f"{key} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


class Console:
    """Reads commands line by line and writes replies; the same services as the Discord bot."""

    def __init__(
        self,
        knowledge: Knowledge,
        store: Store,
        settings: Settings,
        out: TextIO,
        clock: Clock | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.store = store
        self.settings = settings
        self.out = out
        self.clock = clock or RealClock()
        self.engine = QuizEngine(
            knowledge, store, ConsoleTransport(self.say, self.clock.now), self.clock
        )

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the user asked to leave."""
        line = line.strip()
        if not line:
            return True
        try:
            return await self._dispatch(line)
        except StudyBotError as exc:
            self.say(str(exc))
            return True

    async def _dispatch(self, line: str) -> bool:
        from bot.cli import answer_human

        if not line.startswith("/"):
            name, sep, text = line.partition(":")
            if sep and name.strip() and " " not in name.strip() and self.engine.running(CHANNEL):
                await self.answer(player(name), text.strip())
            else:
                self.say(answer_human(self.knowledge.ask(line)))
            return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command in ("/quit", "/exit"):
            return False
        if command == "/help":
            self.say(HELP)
        elif command == "/ask":
            if not rest:
                raise StudyBotError("Ask a question after /ask, e.g. /ask when did the war start")
            self.say(answer_human(self.knowledge.ask(rest)))
        elif command == "/fact":
            self.fact(rest)
        elif command == "/quiz":
            await self.quiz(rest)
        elif command == "/leaderboard":
            await self.leaderboard(parse_options(rest).get("period", "all"))
        elif command == "/stats":
            await self.stats(rest)
        elif command == "/topics":
            self.say("Topics: " + ", ".join(self.knowledge.topics()))
        else:
            self.say(f"Unknown command {command}. Type /help for the list.")
        return True

    def fact(self, name: str) -> None:
        found = self.knowledge.suggest(name, limit=1)
        if not found:
            raise StudyBotError("No fact matches that. Try /fact with the start of a question.")
        fact = found[0].fact
        self.say(
            f"{fact.question}\n  Answer: {fact.answer}\n  {fact.explanation}\n"
            f"  Source: {fact.source}"
        )

    async def quiz(self, rest: str) -> None:
        action, _, options_text = rest.partition(" ")
        if action == "start":
            options = parse_options(options_text)
            config = RoundConfig(
                questions=_int_option(options, "questions", self.settings.default_questions, 1, 50),
                seconds=_int_option(options, "seconds", self.settings.default_seconds, 5, 120),
                mode=self._mode(options.pop("mode", "typed")),
                topic=options.pop("topic", None),
                hints=2 if self.settings.hints else 0,
            )
            if options:
                raise StudyBotError(f"Unknown option(s): {', '.join(options)}. See /help.")
            await self.engine.start(GUILD, CHANNEL, TEACHER, config)
        elif action == "stop":
            await self.engine.stop(CHANNEL, TEACHER.id, is_teacher=True)
        elif action == "skip":
            await self.engine.skip(CHANNEL, TEACHER.id, is_teacher=True)
        else:
            raise StudyBotError("Use /quiz start, /quiz stop or /quiz skip.")

    @staticmethod
    def _mode(value: str) -> Mode:
        try:
            return Mode(value.casefold())
        except ValueError:
            raise StudyBotError(f"mode must be typed or buttons, not {value!r}") from None

    async def answer(self, who: Player, text: str) -> None:
        rnd = self.engine.running(CHANNEL)
        if rnd is None or rnd.question is None:
            return
        if rnd.config.mode is Mode.BUTTONS:
            letter = text.strip().upper()[:1]
            if not letter or letter not in LETTERS[: len(rnd.question.options)]:
                raise StudyBotError(f"{who.name}: answer with a letter, e.g. `{who.name}: A`")
            await self.engine.choose(CHANNEL, who, rnd.question.number, LETTERS.index(letter))
        else:
            await self.engine.answer(CHANNEL, who, text)

    async def leaderboard(self, period: str) -> None:
        if period not in ("all", "week"):
            raise StudyBotError("period must be all or week")
        rows = await self.store.leaderboard(GUILD, period, to_datetime(self.clock.now()))  # type: ignore[arg-type]
        if not rows:
            self.say("No points yet. Start a round with /quiz start.")
            return
        title = "Leaderboard (all time)" if period == "all" else "Leaderboard (last 7 days)"
        lines = [title]
        for i, row in enumerate(rows, start=1):
            lines.append(
                f"  {i}. {row.user_name}: {row.points} points, {row.wins} wins, "
                f"{row.accuracy:.0%} right, {row.rounds_played} rounds"
            )
        self.say("\n".join(lines))

    async def stats(self, name: str) -> None:
        if not name:
            raise StudyBotError("Whose stats? e.g. /stats alice")
        stats = await self.store.student_stats(GUILD, player(name).id)
        if stats is None:
            self.say(f"{name} has not answered any questions yet.")
            return
        lines = [
            f"{stats.user_name}: {stats.points} points, {stats.correct}/{stats.answers} right "
            f"({stats.accuracy:.0%}), best streak {stats.best_streak}, "
            f"{stats.rounds_played} rounds, {stats.wins} wins"
        ]
        lines += [f"  {t.topic}: {t.correct}/{t.answers} right" for t in stats.topics]
        if stats.weakest:
            lines.append("  Practise: " + ", ".join(t.topic for t in stats.weakest))
        self.say("\n".join(lines))


async def run_console(knowledge: Knowledge, settings: Settings, inp: TextIO, out: TextIO) -> int:
    """Run the console until /quit or end of input; rounds still running are stopped."""
    async with await Store.open(settings.database_path) as store:
        console = Console(knowledge, store, settings, out)
        await console.engine.recover()
        decks = ", ".join(f"{d.name} ({len(d.facts)} facts)" for d in knowledge.shipped)
        console.say(f"Study bot console. Decks: {decks}. Type /help for commands.")
        while True:
            line = await asyncio.to_thread(inp.readline)
            if not line or not await console.handle(line):
                break
        await console.engine.shutdown()
        console.say("Bye!")
    return 0
