"""Plays quiz rounds for the crash test, printing every point the moment it is announced.

Run as `python crash_player.py DB_PATH SEED`; the test kills it with SIGKILL at a random
moment and then checks the database.
"""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from quiz_helpers import RecordingTransport, make_deck

from bot.knowledge import Knowledge
from bot.quiz import AnswerJudged, Player, QuizEngine, RealClock, RoundConfig
from bot.store import Store

PLAYERS = [Player(i, f"player{i}") for i in range(1, 6)]


class AnnouncingTransport(RecordingTransport):
    async def acknowledge(self, event: AnswerJudged) -> None:
        if event.correct:
            print(f"ANNOUNCED {event.player.id} {event.points}", flush=True)


async def main(db: str, seed: int) -> None:
    rng = random.Random(seed)
    async with await Store.open(db) as store:
        engine = QuizEngine(
            Knowledge([make_deck(8)]), store, AnnouncingTransport(), RealClock(), rng
        )
        config = RoundConfig(questions=8, seconds=0.6, hints=1, grace=0.1, pause=0.05)
        print("READY", flush=True)
        for channel in range(1, 1000):
            rnd = await engine.start(1, channel, PLAYERS[0], config)
            while engine.running(channel):
                question = rnd.question
                if question is not None:
                    who = rng.choice(PLAYERS)
                    right = rng.random() < 0.6
                    text = question.entry.fact.answer if right else "wrong guess"
                    await engine.answer(channel, who, text)
                await asyncio.sleep(rng.uniform(0.005, 0.03))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
