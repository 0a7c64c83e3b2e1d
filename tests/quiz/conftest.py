"""Fixtures for quiz engine tests: a real store on disk, a virtual clock, a recording transport."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.quiz import QuizEngine, VirtualClock
from bot.store import Store
from tests.quiz.quiz_helpers import RecordingTransport, make_deck


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "quiz.db") as opened:
        yield opened


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def transport() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def engine(store: Store, transport: RecordingTransport, clock: VirtualClock) -> QuizEngine:
    quiz = QuizEngine(Knowledge([make_deck()]), store, transport, clock, random.Random(7))
    clock.expect = lambda: len(quiz.channels)
    return quiz
