"""The local console: the bot's commands in a terminal, for trying a deck without Discord."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.config import Settings
from bot.knowledge import Knowledge

HELP = """Commands:
  /ask QUESTION          answer a question from the reading
  /fact NAME             show the fact card whose question starts with NAME
  /help                  this list
  /quit                  leave (Ctrl-D works too)
A line without a / is asked as a question."""


class Console:
    """Reads commands line by line and writes replies; the same service calls as Discord."""

    def __init__(self, knowledge: Knowledge, settings: Settings, out: TextIO) -> None:
        self.knowledge = knowledge
        self.settings = settings
        self.out = out

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def handle(self, line: str) -> bool:
        """Handle one line; False when the user asked to leave."""
        from bot.cli import answer_human

        line = line.strip()
        if not line:
            return True
        command, _, rest = line.partition(" ") if line.startswith("/") else ("/ask", "", line)
        rest = rest.strip()
        if command in ("/quit", "/exit"):
            return False
        if command == "/help":
            self.say(HELP)
        elif command == "/ask":
            if not rest:
                self.say("Ask a question after /ask, e.g. /ask when did the war start")
            else:
                self.say(answer_human(self.knowledge.ask(rest)))
        elif command == "/fact":
            self.fact(rest)
        else:
            self.say(f"Unknown command {command}. Type /help for the list.")
        return True

    def fact(self, name: str) -> None:
        found = self.knowledge.suggest(name, limit=1)
        if not found:
            self.say("No fact matches that. Try /fact with the start of a question.")
            return
        fact = found[0].fact
        self.say(f"{fact.question}\n  Answer: {fact.answer}\n  {fact.explanation}\n  Source: {fact.source}")


async def run_console(knowledge: Knowledge, settings: Settings, inp: TextIO, out: TextIO) -> int:
    """Run the console until /quit or end of input."""
    console = Console(knowledge, settings, out)
    decks = ", ".join(f"{d.name} ({len(d.facts)} facts)" for d in knowledge.shipped)
    console.say(f"Study bot console. Decks: {decks}. Type /help for commands.")
    while True:
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        if not await console.handle(line):
            break
    console.say("Bye!")
    return 0
