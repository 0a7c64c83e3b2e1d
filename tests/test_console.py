"""The local console: commands typed line by line, a quiz round in virtual time, and stdin."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.config import Settings
from bot.console import Console, player
from bot.deck import load_decks
from bot.knowledge import Knowledge
from bot.quiz import VirtualClock
from bot.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge([d.deck for d in load_decks([ROOT / "data" / "decks"])])


@pytest.fixture
async def console(
    tmp_path: Path, knowledge: Knowledge
) -> AsyncIterator[tuple[Console, io.StringIO]]:
    out = io.StringIO()
    clock = VirtualClock()
    async with await Store.open(tmp_path / "console.db") as store:
        c = Console(knowledge, store, Settings(database_path=tmp_path / "console.db"), out, clock)
        clock.expect = lambda: len(c.engine.channels)
        yield c, out
        await c.engine.shutdown()


def take(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


async def test_ask_and_fact(console: tuple[Console, io.StringIO]) -> None:
    c, out = console
    await c.handle("/ask when did the korean war start")
    assert "June 25, 1950" in take(out)
    await c.handle("who fired macarthur")  # a plain line is a question too
    assert "Truman" in take(out)
    await c.handle("/ask what is the capital of france")
    assert "Not in my notes" in take(out)
    await c.handle("/fact who took")
    assert "Ahn Young-joon" in take(out)


async def test_bad_commands_say_what_to_do(console: tuple[Console, io.StringIO]) -> None:
    c, out = console
    await c.handle("/quiz start seconds:500")
    assert "seconds must be a whole number from 5 to 120" in take(out)
    await c.handle("/quiz start mode:essay")
    assert "mode must be typed or buttons" in take(out)
    await c.handle("/quiz start topic:volcanoes")
    assert 'no questions for topic "volcanoes"' in take(out)
    await c.handle("/quiz stop")
    assert "no round running" in take(out)
    await c.handle("/frobnicate")
    assert "Unknown command /frobnicate" in take(out)
    assert c.engine.running(0) is None


async def test_a_full_typed_round_with_two_players(console: tuple[Console, io.StringIO]) -> None:
    c, out = console
    clock = c.clock
    assert isinstance(clock, VirtualClock)
    await c.handle("/quiz start questions:2 seconds:20 mode:typed")
    await clock.settle()
    first = take(out)
    assert "Question 1/2 (20 s)" in first and "Hint:" in first
    rnd = c.engine.running(0)
    assert rnd is not None and rnd.question is not None
    answer = rnd.question.entry.fact.answer
    await clock.advance(3)
    await c.handle("bob: definitely not this")
    await c.handle(f"alice: {answer}")
    said = take(out)
    assert "✅ alice +" in said and "(only bob sees this) Not quite." in said
    await clock.advance(10)
    revealed = take(out)
    assert f"The answer: {answer}" in revealed and "Question 2/2" in revealed
    await clock.advance(25)  # nobody answers the second question
    results = take(out)
    assert "Nobody got this one." in results and "Round over!" in results
    assert "🥇 alice" in results
    await c.handle("/leaderboard")
    board = take(out)
    assert board.index("alice") < board.index("bob")
    await c.handle("/stats alice")
    assert "1/1 right (100%)" in take(out)
    await c.handle("/stats nobody")
    assert "has not answered" in take(out)


async def test_buttons_round_in_the_console(console: tuple[Console, io.StringIO]) -> None:
    c, out = console
    clock = c.clock
    assert isinstance(clock, VirtualClock)
    await c.handle("/quiz start questions:1 seconds:10 mode:buttons")
    await clock.settle()
    rnd = c.engine.running(0)
    assert rnd is not None and rnd.question is not None
    right = "ABCD"[rnd.question.options.index(rnd.question.entry.fact.answer)]
    await c.handle(f"carol: {right}")
    await c.handle("carol: A")
    assert "already answered" in take(out) or right == "A"
    await c.handle("dave: Z")
    assert "answer with a letter" in take(out)
    await clock.advance(11)
    assert "Picks:" in take(out)


def test_players_are_stable_across_sessions() -> None:
    assert player("Alice").id == player("alice ").id != player("bob").id


def test_console_over_stdin(tmp_path: Path) -> None:
    """`study-bot console` as a process, driven through standard input."""
    script = "/help\nwhen was the armistice signed\n/leaderboard\n/quit\n"
    proc = subprocess.run(
        [sys.executable, "run_bot.py", "console"],
        input=script, capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"DATABASE_PATH": str(tmp_path / "c.db"), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "/quiz start" in proc.stdout  # the help
    assert "July 27, 1953" in proc.stdout
    assert "No points yet" in proc.stdout
    assert proc.stdout.rstrip().endswith("Bye!")


def test_make_run_without_a_token_lands_in_the_console(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "run_bot.py"],
        input="/quit\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={"DATABASE_PATH": str(tmp_path / "c.db"), "DISCORD_TOKEN": "", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert "No DISCORD_TOKEN is set" in first and "DISCORD_TOKEN=" in first
    assert "Study bot console" in proc.stdout


def test_every_command_takes_decks(tmp_path: Path) -> None:
    """`--decks` works before or after the command, and with no command at all."""
    deck = ROOT / "tests" / "data" / "good_decks" / "mini.yaml"
    for args in (["--decks", str(deck), "ask", "x"], ["ask", "x", "--decks", str(deck)]):
        parsed = build_parser().parse_args(args)
        assert parsed.decks == deck
    assert build_parser().parse_args(["--decks", str(deck)]).decks == deck
    assert build_parser().parse_args([]).decks is None
